"""Downloading a guide's checklist as PDF: what it holds, for whom, how it is sent, and the activity log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.models import Activity, ActivityKind, Step, StepStatus
from tests.collaboration.helpers import (
    CHECKLIST,
    CHECKLIST_WHY,
    MALGRUPP,
    MODEL,
    PHASE_1,
    PREREQ_STATUS,
    PROBLEM,
    guide_review_url,
    mark_steps,
    questions,
    share_url,
    task_list_url,
    write_answer,
)
from tests.conftest import client_for
from tests.pdf_reading import assert_accessible_pdf, assert_in_order, page_count, pdfinfo, qpdf_check, text_of

pytestmark = pytest.mark.django_db


def checklist_url(collaboration, guide: str = MODEL) -> str:
    return reverse("checklist_pdf", args=[collaboration.code, guide])


def blank_url(collaboration, guide: str = MODEL) -> str:
    return reverse("checklist_blank_pdf", args=[collaboration.code, guide])


def test_it_sends_the_process_checklist_with_the_answers_in_order(cast, officer_client):
    problem, malgrupp = questions(PROBLEM), questions(MALGRUPP)
    write_answer(cast.collaboration, problem[0], "Många elever saknar stöd med läxorna.", cast.officer, cast.kommun)
    write_answer(cast.collaboration, malgrupp[0], "Elever i årskurs 4–6 i Centrum.", cast.board_member, cast.forening)
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__slug=PHASE_1, slug="problem-och-behov")))

    response = officer_client.get(checklist_url(cast.collaboration))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Checklista-Laxhjalp-i-Centrum.pdf"; '
        "filename*=UTF-8''Processens%20checklista%20%E2%80%93%20L%C3%A4xhj%C3%A4lp%20i%20Centrum.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"
    document = response.content
    assert_accessible_pdf(document, title="Processens checklista – Läxhjälp i Centrum")
    text = text_of(document)
    assert_in_order(
        text,
        "Processens checklista",
        "Läxhjälp i Centrum",
        "Halmstads kommun",
        "Föreningen Läxhjälp",
        "Översikt",
        "Fas 1: Identifiera och involvera",
        "Problem- och behovsformulering",
        "Klar",
        # The phases and steps, then each question followed by its answer and who wrote it.
        "Problem- och behovsformulering",
        "Status: Klar",
        problem[0].text,
        "Många elever saknar stöd med läxorna.",
        "Senast ändrat av Tove Tjänsteperson",
        "Målgrupp",
        malgrupp[0].text,
        "Elever i årskurs 4–6 i Centrum.",
        "Senast ändrat av Bo Styrelse",
        "Fas 2: Planera och justera",
        "Fas 3: Implementera och polera",
    )
    assert "Inte besvarad" in text
    assert "Sida 1 av" in text


def test_the_pdf_passes_pdfinfo_and_qpdf(cast, officer_client):
    document = officer_client.get(checklist_url(cast.collaboration)).content

    info = pdfinfo(document)
    assert info["Title"] == "Processens checklista – Läxhjälp i Centrum"
    assert info["Tagged"] == "yes"
    assert info["Page size"] == "595.276 x 841.89 pts (A4)"
    qpdf_check(document)


def test_a_download_is_in_the_activity_log(cast, officer_client):
    officer_client.get(checklist_url(cast.collaboration))
    officer_client.get(blank_url(cast.collaboration, CHECKLIST))

    entries = list(Activity.objects.filter(collaboration=cast.collaboration, kind=ActivityKind.EXPORTED))
    assert [(e.actor, e.organisation, e.data["file"]) for e in reversed(entries)] == [
        (cast.officer, cast.kommun, "Checklista-Laxhjalp-i-Centrum.pdf"),
        (cast.officer, cast.kommun, "Infor-forsta-samtalet-Laxhjalp-i-Centrum-tom.pdf"),
    ]
    page = officer_client.get(reverse("activity_log", args=[cast.collaboration.code])).text
    assert "laddade ner ”Processens checklista – Läxhjälp i Centrum” som PDF" in page


def test_a_head_request_is_not_logged(cast, officer_client):
    response = officer_client.head(checklist_url(cast.collaboration))

    assert response.status_code == 200
    assert not Activity.objects.filter(kind=ActivityKind.EXPORTED).exists()


def test_the_blank_checklist_has_the_questions_and_no_answers(cast, officer_client):
    question = questions(PROBLEM)[0]
    write_answer(cast.collaboration, question, "Ett svar som inte ska synas", cast.officer, cast.kommun)

    response = officer_client.get(blank_url(cast.collaboration))

    assert response.status_code == 200
    assert 'filename="Checklista-Laxhjalp-i-Centrum-tom.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    assert_in_order(text, "Processens checklista", "Tom checklista att fylla i", "Problem- och behovsformulering")
    assert "".join(question.text.split()) in "".join(text.split())
    assert "Ett svar som inte ska synas" not in text
    assert "Inte besvarad" not in text
    assert "Tove Tjänsteperson" not in text  # nobody's name: a blank form for a workshop
    assert_accessible_pdf(response.content, title="Processens checklista – Läxhjälp i Centrum (tom, att fylla i)")


def test_a_civil_society_party_never_gets_another_partys_own_answers(cast, officer_client, board_client):
    write_answer(cast.collaboration, questions(PROBLEM)[0], "Gemensamt svar", cast.officer, cast.kommun)
    write_answer(
        cast.collaboration,
        questions(PREREQ_STATUS)[0],
        "Kommunens hemliga",
        cast.officer,
        cast.kommun,
        party=cast.kommun,
    )
    write_answer(
        cast.collaboration,
        questions(CHECKLIST_WHY)[0],
        "Kommunens egna tankar",
        cast.officer,
        cast.kommun,
        party=cast.kommun,
    )
    write_answer(
        cast.collaboration,
        questions(CHECKLIST_WHY)[0],
        "Föreningens egna tankar",
        cast.board_member,
        cast.forening,
        party=cast.forening,
    )

    forenings_model = text_of(board_client.get(checklist_url(cast.collaboration)).content)
    forenings_checklist = text_of(board_client.get(checklist_url(cast.collaboration, CHECKLIST)).content)
    forenings_blank = text_of(board_client.get(blank_url(cast.collaboration)).content)
    kommuns_model = text_of(officer_client.get(checklist_url(cast.collaboration)).content)
    kommuns_checklist = text_of(officer_client.get(checklist_url(cast.collaboration, CHECKLIST)).content)

    prerequisite = "".join(questions(PREREQ_STATUS)[0].text.split())
    assert "Gemensamt svar" in forenings_model
    for text in (forenings_model, forenings_checklist, forenings_blank):
        assert "Kommunens hemliga" not in text
        assert "Kommunens egna tankar" not in text
        # The public parties' own phase is not in the förening's copy, not even its questions.
        assert prerequisite not in "".join(text.split())
    assert prerequisite in "".join(kommuns_model.split())
    assert "Föreningens egna tankar" in forenings_checklist
    assert "Föreningen Läxhjälps egna svar. Andra parters egna svar finns inte med." in forenings_checklist
    assert "Dokumentet visar de svar som Föreningen Läxhjälp har skrivit för egen del." in forenings_checklist
    assert "Dokumentet visar svaren så som de ser ut i Samverkansportalen" in forenings_model  # all joint for it
    # The kommun's copy has its own answers, and not the förening's.
    assert "Kommunens hemliga" in kommuns_model
    assert "Kommunens egna tankar" in kommuns_checklist
    assert "Föreningens egna tankar" not in kommuns_checklist


def test_shared_answers_of_another_party_stay_out_of_the_readers_copy(cast, officer_client, board_client):
    write_answer(
        cast.collaboration,
        questions(CHECKLIST_WHY)[0],
        "Föreningens delade tankar",
        cast.board_member,
        cast.forening,
        party=cast.forening,
    )
    board_client.post(share_url(cast.collaboration), {"action": "share"})

    kommuns_checklist = text_of(officer_client.get(checklist_url(cast.collaboration, CHECKLIST)).content)

    # The document is one party's copy of its own checklist; shared answers are compared on the portal.
    assert "Föreningens delade tankar" not in kommuns_checklist


def test_markup_typed_into_an_answer_is_printed_as_text(cast, officer_client):
    typed = '<h1 style="font-size:200pt">Stor</h1><img src="http://127.0.0.1:9/x.png"><style>*{display:none}</style>'
    write_answer(cast.collaboration, questions(PROBLEM)[0], typed, cast.officer, cast.kommun)

    document = officer_client.get(checklist_url(cast.collaboration)).content

    assert "".join(typed.split()) in "".join(text_of(document).split())


def test_a_long_answer_runs_over_pages_with_the_footer_on_each(cast, officer_client):
    long_answer = "\n\n".join(f"Stycke {n}: " + "Vi ses varje vecka och pratar om läxorna. " * 12 for n in range(40))
    write_answer(cast.collaboration, questions(PROBLEM)[0], long_answer, cast.officer, cast.kommun)

    document = officer_client.get(checklist_url(cast.collaboration)).content

    pages = page_count(document)
    text = text_of(document)
    assert_in_order(text, "Stycke 0:", "Stycke 39:")
    for number in range(1, pages + 1):
        assert f"Sida {number} av {pages}" in text


def test_the_task_list_and_the_review_link_to_the_downloads(cast, officer_client):
    for url in (task_list_url(cast.collaboration), guide_review_url(cast.collaboration)):
        html = officer_client.get(url).text
        assert f'href="{checklist_url(cast.collaboration)}"' in html
        assert f'href="{blank_url(cast.collaboration)}"' in html
        assert "Ladda ner processens checklista med svaren (PDF)" in html
    html = officer_client.get(task_list_url(cast.collaboration, CHECKLIST)).text
    assert "Ladda ner Inför första samtalet med era svar (PDF)" in html


def test_outsiders_and_invited_parties_get_404(cast):
    from collaboration.models import PartyState
    from tests.factories import MembershipFactory, OrganisationFactory, PartyFactory

    invited_org = OrganisationFactory(name="Föreningen Inbjuden")
    invited = MembershipFactory(organisation=invited_org).user
    PartyFactory(collaboration=cast.collaboration, organisation=invited_org, state=PartyState.INVITED)

    for user in (cast.outsider, invited):
        for url in (checklist_url(cast.collaboration), blank_url(cast.collaboration, CHECKLIST)):
            assert client_for(user).get(url).status_code == 404
    assert not Activity.objects.filter(kind=ActivityKind.EXPORTED).exists()


def test_it_rejects_post(cast, officer_client):
    assert officer_client.post(checklist_url(cast.collaboration)).status_code == 405
    assert officer_client.post(blank_url(cast.collaboration)).status_code == 405


def test_an_unknown_guide_is_404(cast, officer_client):
    assert officer_client.get(reverse("checklist_pdf", args=[cast.collaboration.code, "finns-inte"])).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_answers(cast, officer_client, django_assert_max_num_queries):
    url = checklist_url(cast.collaboration)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        officer_client.get(url)
    for step in Step.objects.filter(phase__guide__slug=MODEL, phase__answer_mode="gemensamt"):
        for question in questions((MODEL, step.phase.slug, step.slug)):
            write_answer(cast.collaboration, question, f"Svar på {question.code}", cast.officer, cast.kommun)
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL)), StepStatus.IN_PROGRESS)

    with django_assert_max_num_queries(len(few)):
        officer_client.get(url)


def test_a_blank_checklist_without_a_collaboration_has_every_phase(db):
    from collaboration.documents.contents import checklist_pdf
    from collaboration.models import Guide

    document = checklist_pdf(guide=Guide.objects.get(slug=MODEL), collaboration=None, party=None, user=None, blank=True)

    assert document.title == "Processens checklista (tom, att fylla i)"
    assert document.file_stem == "Checklista-tom"
    text = "".join(text_of(document.content).split())
    for where in (PREREQ_STATUS, PROBLEM, MALGRUPP):
        assert "".join(questions(where)[0].text.split()) in text

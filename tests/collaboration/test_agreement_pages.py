"""The agreement's pages as the parties use them: draft, write together, send, comment, approve, compare."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Approval,
    Question,
)
from tests.collaboration.helpers import browser_post, write_answer
from tests.conftest import Cast, client_for


def url(name: str, cast: Cast, *args: Any) -> str:
    return reverse(name, args=[cast.collaboration.code, *args])


def section(slug: str) -> AgreementSection:
    return AgreementSection.objects.get(slug=slug)


def start(client: Client, cast: Cast, action: str = "from-process") -> Agreement:
    response = client.post(url("agreement_start", cast), {"action": action})
    assert response.status_code == 302
    return Agreement.objects.get(collaboration=cast.collaboration)


def edit(
    client: Client, cast: Cast, texts: dict[str, str], action: str = "save", form: dict[str, str] | None = None
) -> Any:
    if form is None:
        form = browser_post(client.get(url("agreement_edit", cast)))
    data = dict(form)
    for slug, text in texts.items():
        data[f"answer-{slug}"] = text
    data["action"] = action
    return client.post(url("agreement_edit", cast), data)


def send(client: Client, cast: Cast) -> AgreementVersion:
    response = client.post(url("agreement_send", cast))
    assert response.status_code == 302
    return AgreementVersion.objects.filter(agreement__collaboration=cast.collaboration).order_by("-number").first()


@pytest.mark.django_db
def test_the_start_page_offers_a_draft_from_the_process(cast: Cast, officer_client: Client) -> None:
    question = Question.objects.get(code="problem-och-behov-problem")
    write_answer(cast.collaboration, question, "Barn i Centrum får ingen hjälp med läxorna.", cast.officer, cast.kommun)
    response = officer_client.get(url("agreement_detail", cast))
    assert response.status_code == 200
    assert "Skapa utkast från processen" in response.text
    assert "Bakgrund och problembild" in response.text

    start(officer_client, cast)
    text = AgreementText.objects.get(section__slug="bakgrund-och-problembild")
    assert text.text == "Barn i Centrum får ingen hjälp med läxorna."
    page = officer_client.get(url("agreement_detail", cast))
    assert "Texten började med svar från processen" in page.text


@pytest.mark.django_db
def test_newer_process_answers_can_be_pulled_into_a_section(cast: Cast, officer_client: Client) -> None:
    first = Question.objects.get(code="problem-och-behov-problem")
    write_answer(cast.collaboration, first, "Första svaret.", cast.officer, cast.kommun)
    start(officer_client, cast)
    later = Question.objects.get(code="problem-och-behov-behov")
    write_answer(cast.collaboration, later, "Ett svar skrivet efteråt.", cast.officer, cast.kommun)
    page = officer_client.get(url("agreement_detail", cast))
    assert "Ett svar skrivet efteråt." in page.text
    text = AgreementText.objects.get(section__slug="bakgrund-och-problembild")
    response = officer_client.post(
        url("agreement_pull", cast, "bakgrund-och-problembild"), {"base": str(text.base)}, follow=True
    )
    assert "De nyare svaren är tillagda" in response.text
    text.refresh_from_db()
    assert text.text == "Första svaret.\n\nEtt svar skrivet efteråt."
    # Pulled once: nothing newer is offered any more.
    page = officer_client.get(url("agreement_detail", cast))
    assert "Lägg till svaren sist" not in page.text


@pytest.mark.django_db
def test_pulling_on_an_old_base_changes_nothing(cast: Cast, officer_client: Client, board_client: Client) -> None:
    write_answer(
        cast.collaboration, Question.objects.get(code="problem-och-behov-problem"), "A.", cast.officer, cast.kommun
    )
    start(officer_client, cast)
    old_base = str(AgreementText.objects.get(section__slug="bakgrund-och-problembild").base)
    edit(board_client, cast, {"bakgrund-och-problembild": "Föreningens omskrivning."})
    write_answer(
        cast.collaboration, Question.objects.get(code="problem-och-behov-behov"), "B.", cast.officer, cast.kommun
    )
    response = officer_client.post(
        url("agreement_pull", cast, "bakgrund-och-problembild"), {"base": old_base}, follow=True
    )
    assert "har ändrats sedan du öppnade sidan" in response.text
    assert AgreementText.objects.get(section__slug="bakgrund-och-problembild").text == "Föreningens omskrivning."


@pytest.mark.django_db
def test_the_whole_review_flow(cast: Cast, officer_client: Client, board_client: Client) -> None:
    coordinator = client_for(cast.coordinator)
    start(officer_client, cast, action="empty")
    response = edit(officer_client, cast, {"malbild-och-syfte": "Fler barn klarar skolan."})
    assert response.status_code == 302
    assert officer_client.get(url("agreement_send", cast)).status_code == 200
    v1 = send(officer_client, cast)
    assert v1.number == 1
    assert v1.hash_matches()
    page = board_client.get(url("agreement_version", cast, 1))
    assert page.status_code == 200
    assert v1.sha256 in page.text
    assert "Fler barn klarar skolan." in page.text

    # The board member comments on a section, and approves for the association.
    response = board_client.post(
        url("agreement_comment", cast, 1), {"section": "malbild-och-syfte", "text": "Hur mäter vi det?"}
    )
    assert response.status_code == 302
    comment = AgreementComment.objects.get()
    assert comment.section_slug == "malbild-och-syfte"
    reply = officer_client.post(
        url("agreement_comment", cast, 1), {"reply_to": str(comment.code), "text": "Med betygen."}
    )
    assert reply.status_code == 302
    assert comment.replies.get().text == "Med betygen."
    page = board_client.post(
        url("agreement_approve", cast, 1),
        {"organisation": str(cast.forening.code), "decision_reference": "Styrelsemöte 2026-11-20, § 7"},
        follow=True,
    )
    assert "har godkänt version 1" in page.text
    approval = Approval.objects.get()
    assert approval.version_sha256 == v1.sha256
    assert approval.decision_reference == "Styrelsemöte 2026-11-20, § 7"

    # The officer edits: the approval no longer counts, and the pages say so.
    edit(officer_client, cast, {"malbild-och-syfte": "Fler barn klarar skolan, mätt med betygen."})
    agreement = Agreement.objects.get()
    assert agreement.state == AgreementState.UTKAST
    for name, args in (("agreement_detail", ()), ("agreement_version", (1,)), ("agreement_edit", ())):
        assert "Godkännandena av version 1 gäller inte längre" in officer_client.get(url(name, cast, *args)).text
    stale = coordinator.post(url("agreement_approve", cast, 1), {"organisation": str(cast.kommun.code)}, follow=True)
    assert "kan inte godkännas längre" in stale.text
    assert Approval.objects.count() == 1

    # Version 2, approved by both: adopted and locked.
    v2 = send(officer_client, cast)
    assert v2.number == 2
    board_client.post(url("agreement_approve", cast, 2), {"organisation": str(cast.forening.code)})
    page = coordinator.post(url("agreement_approve", cast, 2), {"organisation": str(cast.kommun.code)}, follow=True)
    assert "Avsiktsförklaringen är fastställd" in page.text
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.FASTSTALLD
    assert agreement.adopted_version == v2
    locked = officer_client.get(url("agreement_edit", cast))
    assert "Påbörja en ny version" in locked.text
    assert Activity.objects.filter(kind=ActivityKind.AGREEMENT_ADOPTED).count() == 1

    # The comparison shows the change in words.
    diff = officer_client.get(url("agreement_diff", cast), {"fran": "1", "till": "2"})
    assert diff.status_code == 200
    assert '<ins><span class="visually-hidden">Tillagt: </span>, mätt med betygen</ins>' in diff.text.replace("\n", "")
    home = officer_client.get(reverse("home"))
    assert "Avsiktsförklaring fastställd" in home.text


@pytest.mark.django_db
def test_an_officer_without_delegation_cannot_approve(cast: Cast, officer_client: Client) -> None:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn i årskurs 4–6."})
    send(officer_client, cast)
    page = officer_client.get(url("agreement_version", cast, 1))
    assert "Du kan inte godkänna för någon av parterna" in page.text
    response = officer_client.post(
        url("agreement_approve", cast, 1), {"organisation": str(cast.kommun.code)}, follow=True
    )
    assert "Du kan inte godkänna" in response.text
    assert not Approval.objects.exists()


@pytest.mark.django_db
def test_a_comment_that_is_too_long_comes_back_with_the_text(cast: Cast, officer_client: Client) -> None:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    send(officer_client, cast)
    long_text = "å" * 4001
    response = officer_client.post(url("agreement_comment", cast, 1), {"section": "malgrupp", "text": long_text})
    assert response.status_code == 400
    assert "högst 4000 tecken" in response.text
    assert long_text in response.text
    assert not AgreementComment.objects.exists()


@pytest.mark.django_db
def test_two_writers_on_one_section_get_the_conflict_view(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    start(officer_client, cast, action="empty")
    officer_form = browser_post(officer_client.get(url("agreement_edit", cast)))
    edit(board_client, cast, {"malgrupp": "Föreningens text."})
    response = edit(officer_client, cast, {"malgrupp": "Kommunens text."}, form=officer_form)
    assert response.status_code == 409
    assert "Någon annan har ändrat texten medan du skrev" in response.text
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Föreningens text."
    assert "Kommunens text." in response.text


@pytest.mark.django_db
def test_a_coordinator_delegates_approval_to_an_officer(cast: Cast, officer_client: Client) -> None:
    from collaboration.models import Membership

    membership = Membership.objects.get(user=cast.officer, organisation=cast.kommun)
    coordinator = client_for(cast.coordinator)
    page = coordinator.get(reverse("membership_edit", args=[cast.kommun.code, membership.code]))
    assert "Får godkänna avsiktsförklaringar för organisationen" in page.text
    response = coordinator.post(
        reverse("membership_edit", args=[cast.kommun.code, membership.code]),
        {"role": "tjansteperson", "is_active": "1", "approves_agreements": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.approves_agreements

    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    send(officer_client, cast)
    response = officer_client.post(url("agreement_approve", cast, 1), {"decision_reference": "Delegationsbeslut 14"})
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert approval.organisation == cast.kommun
    assert approval.role == "tjansteperson"


@pytest.mark.django_db
def test_the_board_member_of_a_forening_sees_no_delegation_choice(cast: Cast) -> None:
    from collaboration.models import Membership

    membership = Membership.objects.get(user=cast.board_member, organisation=cast.forening)
    page = client_for(cast.civil_coordinator).get(
        reverse("membership_edit", args=[cast.forening.code, membership.code])
    )
    assert page.status_code == 200
    assert "Får godkänna avsiktsförklaringar" not in page.text


@pytest.mark.django_db
def test_typing_into_an_adopted_agreement_keeps_the_text_for_later(cast: Cast, officer_client: Client) -> None:
    coordinator = client_for(cast.coordinator)
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    stale_form = browser_post(officer_client.get(url("agreement_edit", cast)))
    send(officer_client, cast)
    client_for(cast.board_member).post(url("agreement_approve", cast, 1), {})
    coordinator.post(url("agreement_approve", cast, 1), {})
    assert Agreement.objects.get().state == AgreementState.FASTSTALLD

    response = edit(officer_client, cast, {"malgrupp": "Barn och unga."}, form=stale_form)
    assert response.status_code == 409
    assert "Avsiktsförklaringen är fastställd" in response.text
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Barn."
    # After a new version is started, the typed text comes back in the box.
    officer_client.post(url("agreement_revise", cast))
    page = officer_client.get(url("agreement_edit", cast))
    assert "Barn och unga." in page.text
    assert Agreement.objects.get().adopted_version.number == 1


@pytest.mark.django_db
def test_text_typed_while_the_session_ran_out_comes_back_after_signing_in(cast: Cast, officer_client: Client) -> None:
    from django.contrib.sessions.models import Session

    from tests.factories import PASSWORD

    start(officer_client, cast, action="empty")
    form = browser_post(officer_client.get(url("agreement_edit", cast)))
    Session.objects.all().delete()  # the session runs out while the officer writes
    response = edit(officer_client, cast, {"malgrupp": "Skrivet under ett långt möte"}, form=form)
    assert response.status_code == 302
    assert not AgreementText.objects.filter(text__contains="långt möte").exists()
    officer_client.post(reverse("login"), {"username": cast.officer.email, "password": PASSWORD})
    page = officer_client.get(url("agreement_edit", cast))
    assert "Skrivet under ett långt möte" in page.text
    response = edit(officer_client, cast, {}, form=browser_post(page))
    assert response.status_code == 302
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Skrivet under ett långt möte"


@pytest.mark.django_db
def test_a_60000_character_paste_is_refused_whole_and_kept_in_the_box(cast: Cast, officer_client: Client) -> None:
    start(officer_client, cast, action="empty")
    pasted = "Lång inklistrad text. " * 2728  # just over 60 000 characters
    response = edit(officer_client, cast, {"malgrupp": pasted, "organisation": "Kort och giltigt"})
    assert response.status_code == 200
    assert "högst 20000 tecken" in response.text
    assert pasted in response.text
    assert not AgreementText.objects.exclude(text="").exists()


@pytest.mark.django_db
def test_outsiders_and_invited_parties_get_404_on_the_agreement(
    cast: Cast, officer_client: Client, outsider_client: Client
) -> None:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    send(officer_client, cast)
    for path in (url("agreement_detail", cast), url("agreement_version", cast, 1), url("agreement_diff", cast)):
        response = outsider_client.get(path)
        assert response.status_code == 404
        assert "Barn." not in response.text


@pytest.mark.django_db
def test_a_change_request_from_an_old_page_is_kept_as_a_comment_draft(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    from collaboration.models import ChangeRequest

    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    send(officer_client, cast)
    edit(officer_client, cast, {"malgrupp": "Barn och unga."})  # a new draft: version 1 is no longer under review
    response = board_client.post(url("agreement_request_changes", cast, 1), {"message": "Lägg till föräldrarna."})
    assert response.status_code == 409
    assert "inte längre för granskning" in response.text
    assert "Lägg till föräldrarna." in response.text
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_the_start_page_asks_those_who_may_approve(cast: Cast, officer_client: Client, board_client: Client) -> None:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn."})
    send(officer_client, cast)
    ask = "Läs och godkänn version 1 av avsiktsförklaringen i ”Läxhjälp i Centrum” för Föreningen Läxhjälp"
    assert ask in board_client.get(reverse("home")).text
    assert "Läs och godkänn version 1" not in officer_client.get(reverse("home")).text  # no delegation
    board_client.post(url("agreement_approve", cast, 1), {})
    assert ask not in board_client.get(reverse("home")).text


def test_each_version_pdf_link_says_what_the_file_is(cast: Cast, officer_client: Client) -> None:
    """Not a warning ("märkt som att den inte gäller"), but what the PDF is: for review, a draft, superseded."""
    from tests.collaboration.helpers import send_version

    send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Barn."})
    page = officer_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).text
    assert "Ladda ner version 1 för granskning som PDF" in page
    assert "inte gäller)" not in page
    send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Barn i årskurs 4."})
    older = officer_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).text
    assert "Ladda ner den ersatta version 1 som PDF" in older

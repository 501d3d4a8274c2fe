"""Own workspaces: each party answers the checklist for itself and shares it when it wants;
the public parties' prerequisites are theirs alone; per-party answers keep versions, conflicts and history."""

from __future__ import annotations

import html

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.guidance.loader import load_answer_modes
from collaboration.models import (
    Activity,
    ActivityKind,
    Answer,
    AnswerMode,
    AnswerRevision,
    Phase,
    PhaseConfirmation,
    Role,
    SharedPhase,
    StepProgress,
    StepStatus,
)
from tests.collaboration.helpers import (
    CHECKLIST,
    CHECKLIST_PHASE,
    CHECKLIST_WHY,
    CHECKLIST_WITH_WHOM,
    MODEL,
    PREREQ_STATUS,
    PREREQUISITES,
    PROBLEM,
    autosave_result,
    compare_url,
    guide_review_url,
    history_url,
    load_form,
    phase_review_url,
    post_answers,
    questions,
    revision_url,
    share_url,
    step_url,
    stored,
    task_list_url,
    write_answer,
)
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KOMMUN_TEXT = "Vi vill att fler barn klarar skolan. Vi har pengar för ett år."
FORENING_TEXT = "Vi vill att fler barn klarar skolan och känner sig sedda, långsiktigt."
CANDID = "Nämnden har inte bestämt sig, vi kan inte lova något långsiktigt."


def checklist_phase() -> Phase:
    return Phase.objects.get(guide__slug=CHECKLIST, slug=CHECKLIST_PHASE)


def text_of(response) -> str:
    return html.unescape(response.text)


# --- The guidance says whose answers a phase holds ----------------------------------------


def test_the_shipped_content_makes_the_checklist_per_party_and_the_prerequisites_the_public_partys():
    modes = dict(Phase.objects.values_list("slug", "answer_mode"))
    assert modes[CHECKLIST_PHASE] == AnswerMode.PER_PARTY
    assert modes[PREREQUISITES] == AnswerMode.PUBLIC_PARTY
    assert {modes[s] for s in ["identifiera-och-involvera", "planera-och-justera", "implementera-och-polera"]} == {
        AnswerMode.JOINT
    }


def test_answers_written_together_before_become_the_last_writers_own_and_nothing_is_lost(cast):
    """The content migration: joint answers in phases that became per party keep their text and history."""
    Phase.objects.filter(slug__in=[CHECKLIST_PHASE, PREREQUISITES]).update(answer_mode=AnswerMode.JOINT)
    checklist_answer = write_answer(
        cast.collaboration, questions(CHECKLIST_WHY)[0], FORENING_TEXT, cast.board_member, cast.forening
    )
    prereq_answer = write_answer(
        cast.collaboration, questions(PREREQ_STATUS)[0], CANDID, cast.board_member, cast.forening
    )

    load_answer_modes(django_apps, "answer_modes_v2.json")

    checklist_answer.refresh_from_db()
    prereq_answer.refresh_from_db()
    assert checklist_answer.party_organisation == cast.forening
    assert checklist_answer.text == FORENING_TEXT
    assert checklist_answer.revisions.count() == 1
    # Everyone could read it before, so it stays shared until the förening takes it back.
    assert SharedPhase.objects.filter(collaboration=cast.collaboration, organisation=cast.forening).exists()
    # Only public parties keep prerequisites: a civil writer's text goes to the public party.
    assert prereq_answer.party_organisation == cast.kommun
    assert prereq_answer.text == CANDID


def test_an_admin_can_set_whose_answers_a_phase_holds(cast):
    admin = type(cast.officer).objects.create_superuser(email="admin@exempel.se", password="x", full_name="Ada")
    phase = checklist_phase()
    page = client_for(admin).get(reverse("admin:collaboration_phase_change", args=[phase.pk]))
    assert page.status_code == 200
    assert 'name="answer_mode"' in page.text


# --- Private checklists --------------------------------------------------------------------


def test_each_party_writes_its_own_checklist_and_never_sees_the_others_private_answers(
    cast, officer_client, board_client
):
    question = questions(CHECKLIST_WHY)[0]
    post_answers(officer_client, cast.collaboration, {question: KOMMUN_TEXT}, where=CHECKLIST_WHY)

    page = board_client.get(step_url(cast.collaboration, CHECKLIST_WHY))
    assert KOMMUN_TEXT not in text_of(page)
    assert "Föreningen Läxhjälps egna svar – syns bara för er" in text_of(page)
    post_answers(board_client, cast.collaboration, {question: FORENING_TEXT}, where=CHECKLIST_WHY)

    assert stored(cast.collaboration, question, cast.kommun) == KOMMUN_TEXT
    assert stored(cast.collaboration, question, cast.forening) == FORENING_TEXT
    assert stored(cast.collaboration, question) is None  # no joint answer
    for client, mine, theirs in [
        (officer_client, KOMMUN_TEXT, FORENING_TEXT),
        (board_client, FORENING_TEXT, KOMMUN_TEXT),
    ]:
        for url in [
            step_url(cast.collaboration, CHECKLIST_WHY),
            history_url(cast.collaboration, CHECKLIST_WHY),
            guide_review_url(cast.collaboration, CHECKLIST),
            phase_review_url(cast.collaboration, CHECKLIST_PHASE, CHECKLIST),
            compare_url(cast.collaboration),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert theirs not in text_of(response), url
        assert mine in text_of(client.get(step_url(cast.collaboration, CHECKLIST_WHY)))


def test_the_task_list_counts_and_marks_each_partys_own_steps(cast, officer_client, board_client):
    question = questions(CHECKLIST_WHY)[0]
    post_answers(officer_client, cast.collaboration, {question: KOMMUN_TEXT}, where=CHECKLIST_WHY, action="save-done")
    # The other questions are still empty: the kommun confirms that the step is done anyway.
    post_answers(
        officer_client, cast.collaboration, {}, where=CHECKLIST_WHY, action="save-done", unanswered="confirmed"
    )

    kommun_list = officer_client.get(task_list_url(cast.collaboration, CHECKLIST))
    forening_list = board_client.get(task_list_url(cast.collaboration, CHECKLIST))
    assert "Halmstads kommuns egna svar – syns bara för er" in text_of(kommun_list)
    assert "1 av" in text_of(kommun_list)
    assert "Klar" in text_of(kommun_list)
    assert "Föreningen Läxhjälps egna svar – syns bara för er" in text_of(forening_list)
    assert "Klar" not in text_of(forening_list)
    assert "Tove Tjänsteperson" not in text_of(forening_list)
    assert StepProgress.objects.get(party_organisation=cast.kommun).status == StepStatus.DONE
    # A party's own work is not in the shared activity log.
    assert not Activity.objects.filter(kind__in=[ActivityKind.STEP_SAVED, ActivityKind.STEP_DONE]).exists()


def test_two_officers_of_one_party_conflict_on_their_own_answer_but_not_with_the_other_party(
    cast, officer_client, coordinator_client, board_client
):
    """The nothing-lost machinery works inside a party: a colleague's newer text is never overwritten."""
    question = questions(CHECKLIST_WHY)[0]
    officer_form = load_form(officer_client, cast.collaboration, CHECKLIST_WHY)
    coordinator_form = load_form(coordinator_client, cast.collaboration, CHECKLIST_WHY)
    board_form = load_form(board_client, cast.collaboration, CHECKLIST_WHY)

    post_answers(
        coordinator_client,
        cast.collaboration,
        {question: "Samordnarens text"},
        where=CHECKLIST_WHY,
        form=coordinator_form,
    )
    # The förening writes its own answer to the same question from an equally old page: no conflict.
    saved = post_answers(
        board_client, cast.collaboration, {question: FORENING_TEXT}, where=CHECKLIST_WHY, form=board_form
    )
    assert saved.status_code == 302
    conflict = post_answers(
        officer_client, cast.collaboration, {question: "Handläggarens text"}, where=CHECKLIST_WHY, form=officer_form
    )

    assert conflict.status_code == 409
    assert "Samordnarens text" in text_of(conflict)
    assert FORENING_TEXT not in text_of(conflict)
    assert stored(cast.collaboration, question, cast.kommun) == "Samordnarens text"
    assert stored(cast.collaboration, question, cast.forening) == FORENING_TEXT


def test_autosave_of_an_own_step_runs_the_same_queries_for_one_or_every_answer(cast, officer_client):
    step_questions = questions(CHECKLIST_WHY)
    assert len(step_questions) == 4

    def autosave(texts) -> int:
        form = load_form(officer_client, cast.collaboration, CHECKLIST_WHY)
        for q, text in texts.items():
            form[f"answer-{q.code}"] = text
        form["action"] = "autosave"
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.post(step_url(cast.collaboration, CHECKLIST_WHY), form, HTTP_HX_REQUEST="true")
        assert autosave_result(response, next(iter(texts)))["outcome"] == "saved"
        return len(queries)

    autosave({step_questions[0]: "Ett"})  # the step's progress row and the activity-free first save
    first_one = autosave({step_questions[1]: "Ett"})
    first_all = autosave({q: f"Svar {i}" for i, q in enumerate(step_questions[2:])})
    typing_one = autosave({step_questions[0]: "Ett till"})
    typing_all = autosave({q: f"Nytt {i}" for i, q in enumerate(step_questions)})
    assert first_one == first_all
    assert typing_one == typing_all
    assert typing_all <= 20
    assert set(Answer.objects.values_list("party_organisation", flat=True)) == {cast.kommun.pk}


def test_a_person_in_two_parties_is_told_whom_they_write_for(cast):
    both = MembershipFactory(organisation=cast.forening, role=Role.OFFICER, user__full_name="Dubbel Roll").user
    MembershipFactory(organisation=cast.kommun, role=Role.OFFICER, user=both)
    client = client_for(both)
    page = client.get(step_url(cast.collaboration, CHECKLIST_WHY))
    # The acting organisation rule: the first party organisation by name.
    assert "Du skriver för Föreningen Läxhjälp." in text_of(page)
    post_answers(client, cast.collaboration, {questions(CHECKLIST_WHY)[0]: "Dubbelt"}, where=CHECKLIST_WHY)
    assert stored(cast.collaboration, questions(CHECKLIST_WHY)[0], cast.forening) == "Dubbelt"


# --- Prerequisites: the public parties' own, never seen by civil-society parties -----------


def test_the_prerequisites_are_the_public_partys_own_and_hidden_from_civil_parties(
    cast, officer_client, coordinator_client, board_client
):
    question = questions(PREREQ_STATUS)[0]
    post_answers(officer_client, cast.collaboration, {question: CANDID}, where=PREREQ_STATUS)
    assert stored(cast.collaboration, question, cast.kommun) == CANDID

    # The kommun's own people read it, labelled as theirs.
    page = coordinator_client.get(step_url(cast.collaboration, PREREQ_STATUS))
    assert CANDID in text_of(page)
    assert "Halmstads kommuns egna svar – syns bara för er" in text_of(page)
    assert CANDID in text_of(coordinator_client.get(guide_review_url(cast.collaboration)))
    prereq_link = f'href="{step_url(cast.collaboration, PREREQ_STATUS)}"'
    assert prereq_link in coordinator_client.get(task_list_url(cast.collaboration)).text

    civil = client_for(cast.civil_coordinator)
    for client in (board_client, civil):
        for url in [
            step_url(cast.collaboration, PREREQ_STATUS),
            history_url(cast.collaboration, PREREQ_STATUS),
            revision_url(cast.collaboration, question, 1, PREREQ_STATUS),
            phase_review_url(cast.collaboration, PREREQUISITES),
        ]:
            assert client.get(url).status_code == 404, url
        assert (
            client.post(phase_review_url(cast.collaboration, PREREQUISITES), {"action": "complete"}).status_code == 404
        )
        review = client.get(guide_review_url(cast.collaboration))
        assert CANDID not in text_of(review)
        assert prereq_link not in review.text
        tasks = client.get(task_list_url(cast.collaboration))
        assert prereq_link not in tasks.text
        assert 'id="fas-forutsattningar"' not in tasks.text
        assert client.post(share_url(cast.collaboration, MODEL, PREREQUISITES), {"action": "share"}).status_code == 404
    assert not SharedPhase.objects.exists()


def test_joint_phases_stay_joint(cast, officer_client, board_client):
    question = questions(PROBLEM)[0]
    post_answers(officer_client, cast.collaboration, {question: "Gemensamt"})
    page = text_of(board_client.get(step_url(cast.collaboration)))
    assert "Gemensamt" in page
    assert "Gemensamma svar – alla parter ser och skriver dem" in page
    assert Answer.objects.get().party_organisation is None


# --- Sharing and the side-by-side view -----------------------------------------------------


def write_both(cast) -> None:
    question = questions(CHECKLIST_WHY)[0]
    write_answer(cast.collaboration, question, KOMMUN_TEXT, cast.officer, cast.kommun, party=cast.kommun)
    write_answer(cast.collaboration, question, FORENING_TEXT, cast.board_member, cast.forening, party=cast.forening)


def test_sharing_shows_the_answers_side_by_side_with_the_differences(cast, officer_client, board_client):
    write_both(cast)
    response = officer_client.post(share_url(cast.collaboration), {"action": "share"})
    assert response.status_code == 302
    entry = Activity.objects.get(kind=ActivityKind.SHARED)
    assert entry.actor == cast.officer
    assert entry.organisation == cast.kommun

    compare = board_client.get(compare_url(cast.collaboration))
    text = text_of(compare)
    assert KOMMUN_TEXT in text
    assert FORENING_TEXT in text
    assert "Svaren skiljer sig" in text
    assert "<ins" in compare.text
    assert "<del" in compare.text
    # The förening has not shared: the kommun sees only its own answers, and who has not shared.
    kommun_view = text_of(officer_client.get(compare_url(cast.collaboration)))
    assert FORENING_TEXT not in kommun_view
    assert "Har inte delat sina svar: Föreningen Läxhjälp." in kommun_view
    assert (
        "Delat med de andra parterna".lower()
        in text_of(officer_client.get(task_list_url(cast.collaboration, CHECKLIST))).lower()
    )
    assert "Delat av Halmstads kommun." in text_of(board_client.get(task_list_url(cast.collaboration, CHECKLIST)))
    # Other pages still show a party only its own answers.
    assert KOMMUN_TEXT not in text_of(board_client.get(step_url(cast.collaboration, CHECKLIST_WHY)))


def test_shared_answers_show_later_edits_and_unsharing_hides_them_from_then_on(cast, officer_client, board_client):
    write_both(cast)
    officer_client.post(share_url(cast.collaboration), {"action": "share"})
    officer_client.post(share_url(cast.collaboration), {"action": "share"})  # a double click: shared once
    write_answer(
        cast.collaboration,
        questions(CHECKLIST_WHY)[0],
        "Ändrat efter delningen",
        cast.officer,
        cast.kommun,
        party=cast.kommun,
    )
    assert "Ändrat efter delningen" in text_of(board_client.get(compare_url(cast.collaboration)))

    response = officer_client.post(share_url(cast.collaboration), {"action": "unshare", "next": "jamfor"})
    assert response.url == compare_url(cast.collaboration)
    assert list(Activity.objects.order_by("pk").values_list("kind", flat=True)) == [
        ActivityKind.SHARED,
        ActivityKind.UNSHARED,
    ]
    compare = text_of(board_client.get(compare_url(cast.collaboration)))
    assert "Ändrat efter delningen" not in compare
    assert "Ingen annan part har delat sina svar än." in compare
    assert AnswerRevision.objects.filter(answer__party_organisation=cast.kommun).exists()  # nothing lost


def test_identical_answers_are_marked_the_same(cast, officer_client, board_client):
    question = questions(CHECKLIST_WHY)[0]
    write_answer(cast.collaboration, question, "Samma", cast.officer, cast.kommun, party=cast.kommun)
    write_answer(cast.collaboration, question, "Samma", cast.board_member, cast.forening, party=cast.forening)
    officer_client.post(share_url(cast.collaboration), {"action": "share"})
    board_client.post(share_url(cast.collaboration), {"action": "share"})
    page = text_of(officer_client.get(compare_url(cast.collaboration)))
    assert page.count("Samma svar") == 1  # questions nobody answered are not "the same"
    # The second step, answered by neither party, shows both as unanswered.
    assert questions(CHECKLIST_WITH_WHOM)[0].text in page


def test_joint_phases_have_no_side_by_side_view(cast, officer_client):
    assert officer_client.get(compare_url(cast.collaboration, MODEL, "identifiera-och-involvera")).status_code == 404
    assert officer_client.post(share_url(cast.collaboration, MODEL, "identifiera-och-involvera")).status_code == 404


def test_another_partys_done_checklist_does_not_make_the_phase_done_for_us(cast, board_client):
    for step in checklist_phase().steps.all():
        StepProgress.objects.create(
            collaboration=cast.collaboration, step=step, party_organisation=cast.kommun, status=StepStatus.DONE
        )
    board_client.post(phase_review_url(cast.collaboration, CHECKLIST_PHASE, CHECKLIST), {"action": "complete"})
    assert not cast.collaboration.phase_completions.exists()


def test_content_loaded_again_after_a_flush_keeps_whose_answers_a_phase_holds():
    from collaboration.guidance.loader import ensure_loaded
    from collaboration.models import Guide

    Guide.objects.all().delete()
    ensure_loaded()
    assert checklist_phase().answer_mode == AnswerMode.PER_PARTY
    assert Phase.objects.get(slug=PREREQUISITES).answer_mode == AnswerMode.PUBLIC_PARTY


def test_a_phase_each_party_answers_for_itself_is_not_confirmed_together(cast, officer_client):
    """Nothing to agree on in each party's own checklist: no "Vi är överens", and a forged confirm is refused."""
    url = phase_review_url(cast.collaboration, CHECKLIST_PHASE, CHECKLIST)
    page = officer_client.get(url)
    assert page.status_code == 200
    assert "Är ni överens om fasen?" not in page.text
    assert officer_client.post(url, {"action": "confirm"}).status_code == 404
    assert not PhaseConfirmation.objects.exists()

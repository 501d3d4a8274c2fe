"""Reviewing a phase's answers, completing phases, and the history of every answer."""

from __future__ import annotations

from datetime import timedelta
from html import escape, unescape

import pytest
from django.utils import timezone

from collaboration.models import AnswerRevision, Phase, PhaseCompletion, Question, Step, StepStatus
from tests.collaboration.helpers import (
    MALGRUPP,
    MODEL,
    PHASE_1,
    PHASE_1_STEPS,
    PHASE_2,
    PROBLEM,
    guide_review_url,
    history_url,
    mark_steps,
    phase_review_url,
    post_answers,
    questions,
    revision_url,
    step_url,
    task_list_url,
    write_answer,
)
from tests.factories import CollaborationFactory

pytestmark = pytest.mark.django_db


def phase_steps(phase: str = PHASE_1) -> list[Step]:
    return list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=phase).order_by("order"))


def phase_questions(phase: str = PHASE_1) -> list[Question]:
    return list(Question.objects.filter(group__step__phase__guide__slug=MODEL, group__step__phase__slug=phase))


# --- review ---------------------------------------------------------------------------------


def test_the_phase_review_lists_every_question_of_the_phase(cast, officer_client):
    response = officer_client.get(phase_review_url(cast.collaboration))
    assert response.status_code == 200
    html = unescape(response.text)
    all_questions = phase_questions()
    assert len(all_questions) >= 15
    for question in all_questions:
        assert question.text in html
    assert html.count("Inte besvarad") == len(all_questions)


def test_the_phase_review_shows_answers_with_author_and_marks_the_rest_unanswered(cast, officer_client, board_client):
    first = questions()[0]
    write_answer(cast.collaboration, first, "Ingen lugn plats för läxor.", cast.board_member, cast.forening)
    html = unescape(officer_client.get(phase_review_url(cast.collaboration)).text)
    assert "Ingen lugn plats för läxor." in html
    assert "Skrivet av Bo Styrelse (Föreningen Läxhjälp)" in html
    assert html.count("Inte besvarad") == len(phase_questions()) - 1


def test_an_emptied_answer_counts_as_unanswered(cast, officer_client):
    first = questions()[0]
    write_answer(cast.collaboration, first, "Något", cast.officer, cast.kommun)
    write_answer(cast.collaboration, first, "", cast.officer, cast.kommun)
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    assert html.count("Inte besvarad") == len(phase_questions())


def test_the_phase_review_does_not_list_other_phases(cast, officer_client):
    other = phase_questions(PHASE_2)[0]
    html = unescape(officer_client.get(phase_review_url(cast.collaboration)).text)
    assert other.text not in html


def test_the_review_links_back_to_each_question(cast, officer_client):
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    for where in [PROBLEM, MALGRUPP]:
        for question in questions(where):
            assert f'href="{step_url(cast.collaboration, where)}#q-{question.code}"' in html


def test_the_linked_question_has_the_anchor_on_the_step_page(cast, officer_client):
    question = questions(MALGRUPP)[2]
    assert f'id="q-{question.code}"' in officer_client.get(step_url(cast.collaboration, MALGRUPP)).text


def test_the_guide_review_lists_every_phase_and_question(cast, officer_client):
    response = officer_client.get(guide_review_url(cast.collaboration))
    assert response.status_code == 200
    html = unescape(response.text)
    for phase in Phase.objects.filter(guide__slug=MODEL):
        assert phase.title in html
    all_questions = list(Question.objects.filter(group__step__phase__guide__slug=MODEL))
    for question in all_questions:
        assert question.text in html
    assert html.count("Inte besvarad") == len(all_questions)


def test_an_unknown_phase_review_is_not_found(cast, officer_client):
    assert officer_client.get(phase_review_url(cast.collaboration, "finns-inte")).status_code == 404
    assert officer_client.post(phase_review_url(cast.collaboration, "finns-inte")).status_code == 404


# --- completing a phase ----------------------------------------------------------------------


def test_a_phase_cannot_be_marked_done_until_all_steps_are_done(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps()[:2])
    response = officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    assert response.status_code == 302
    assert response.url == phase_review_url(cast.collaboration)
    assert not PhaseCompletion.objects.exists()
    page = officer_client.get(response.url).text
    assert "Markera alla steg i fasen som klara innan ni markerar fasen som klar." in page
    assert step_url(cast.collaboration, (MODEL, PHASE_1, PHASE_1_STEPS[2])) in page  # what is left to do
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_1  # still in phase 1


def test_the_review_lists_the_steps_left_to_do(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps()[:1])
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    assert "Kvar att göra" in html
    assert "Markera fasen som klar" not in html
    remaining = html[html.index("Kvar att göra") :]
    assert phase_steps()[1].title in remaining
    assert phase_steps()[2].title in remaining
    assert f">{phase_steps()[0].title}</a> (" not in remaining


def test_a_phase_is_marked_done_when_all_steps_are_done(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    assert "Markera fasen som klar" in officer_client.get(phase_review_url(cast.collaboration)).text
    response = officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    assert response.status_code == 302
    assert response.url == task_list_url(cast.collaboration)
    completion = PhaseCompletion.objects.get(collaboration=cast.collaboration)
    assert completion.phase.slug == PHASE_1
    assert completion.completed_by == cast.officer
    assert completion.completed_by_organisation == cast.kommun
    assert "Fasen är klar" in officer_client.get(response.url).text


def test_completing_a_phase_moves_the_collaboration_to_the_next_phase(cast, board_client):
    mark_steps(cast.collaboration, phase_steps())
    board_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_2


def test_completing_the_last_phase_finishes_the_collaboration(cast, officer_client):
    for phase in [PHASE_1, PHASE_2, "implementera-och-polera"]:
        mark_steps(cast.collaboration, phase_steps(phase))
        officer_client.post(phase_review_url(cast.collaboration, phase), {"action": "complete"})
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase is None
    assert cast.collaboration.status == "avslutad"


def test_the_done_phase_shows_who_marked_it(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    html = board_client.get(phase_review_url(cast.collaboration)).text
    assert "Fasen markerades som klar av Tove Tjänsteperson" in html
    assert 'value="reopen"' in html


def test_reopening_a_phase_moves_the_collaboration_back(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    response = officer_client.post(phase_review_url(cast.collaboration), {"action": "reopen"})
    assert response.status_code == 302
    assert not PhaseCompletion.objects.exists()
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_1
    assert "är öppnad igen" in officer_client.get(response.url).text


def test_completing_twice_records_one_completion(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    board_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    assert PhaseCompletion.objects.get().completed_by == cast.officer


def test_a_reopened_step_keeps_the_phase_from_being_completed(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    mark_steps(cast.collaboration, phase_steps()[1:2], StepStatus.IN_PROGRESS)
    officer_client.post(phase_review_url(cast.collaboration), {"action": "complete"})
    assert not PhaseCompletion.objects.exists()


# --- history ---------------------------------------------------------------------------------


def test_the_history_lists_versions_with_author_and_organisation(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Första versionen"})
    post_answers(board_client, cast.collaboration, {question: "Andra versionen"})
    response = officer_client.get(history_url(cast.collaboration))
    assert response.status_code == 200
    html = response.text
    assert "Version 1" in html
    assert "Version 2" in html
    assert "Tove Tjänsteperson (Halmstads kommun)" in html
    assert "Bo Styrelse (Föreningen Läxhjälp)" in html
    assert html.index("Version 2") < html.index("Version 1"), "newest first"
    assert "Inte besvarad än." in html  # the other questions


def test_saves_by_the_same_person_within_ten_minutes_fold_into_one_version(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Läx"})
    post_answers(officer_client, cast.collaboration, {question: "Läxhjä"})
    post_answers(officer_client, cast.collaboration, {question: "Läxhjälp"})
    revisions = list(AnswerRevision.objects.filter(answer__question=question))
    assert len(revisions) == 1
    assert revisions[0].text == "Läxhjälp"
    assert revisions[0].version == 3


def test_a_save_after_ten_minutes_starts_a_new_version(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Före lunch"})
    AnswerRevision.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    post_answers(officer_client, cast.collaboration, {question: "Efter lunch"})
    assert list(AnswerRevision.objects.order_by("number").values_list("number", "text")) == [
        (1, "Före lunch"),
        (2, "Efter lunch"),
    ]


def test_another_persons_save_starts_a_new_version(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Kommunens"})
    post_answers(board_client, cast.collaboration, {question: "Föreningens"})
    post_answers(officer_client, cast.collaboration, {question: "Kommunens igen"})
    revisions = list(AnswerRevision.objects.order_by("number"))
    assert [(r.number, r.author, r.organisation, r.text) for r in revisions] == [
        (1, cast.officer, cast.kommun, "Kommunens"),
        (2, cast.board_member, cast.forening, "Föreningens"),
        (3, cast.officer, cast.kommun, "Kommunens igen"),
    ]


def test_a_revision_shows_the_earlier_text(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Den tidiga <texten>"})
    post_answers(board_client, cast.collaboration, {question: "Den senare texten"})
    response = board_client.get(revision_url(cast.collaboration, question, 1))
    assert response.status_code == 200
    assert escape("Den tidiga <texten>") in response.text
    assert "Den senare texten" not in response.text
    assert "Skrivet av Tove Tjänsteperson (Halmstads kommun)" in response.text
    assert history_url(cast.collaboration) in officer_client.get(step_url(cast.collaboration)).text


def test_the_history_links_to_each_version(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Ett"})
    post_answers(board_client, cast.collaboration, {question: "Två"})
    html = officer_client.get(history_url(cast.collaboration)).text
    assert revision_url(cast.collaboration, question, 1) in html
    assert revision_url(cast.collaboration, question, 2) in html


def test_an_unknown_revision_is_not_found(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Ett"})
    assert officer_client.get(revision_url(cast.collaboration, question, 2)).status_code == 404
    assert officer_client.get(revision_url(cast.collaboration, questions(MALGRUPP)[0], 1)).status_code == 404
    bad_question = revision_url(cast.collaboration, question, 1).replace(question.code, "finns-inte")
    assert officer_client.get(bad_question).status_code == 404


def test_a_revision_of_another_collaboration_is_not_shown(cast, officer_client):
    other = CollaborationFactory(parties=[cast.kommun, cast.forening])
    question = questions()[0]
    write_answer(other, question, "I en annan samverkan", cast.officer, cast.kommun)
    assert officer_client.get(revision_url(cast.collaboration, question, 1)).status_code == 404
    assert "I en annan samverkan" not in officer_client.get(history_url(cast.collaboration)).text

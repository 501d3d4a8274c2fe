"""Reviewing a phase's answers and the history of every answer."""

from __future__ import annotations

from datetime import timedelta
from html import escape, unescape

import pytest
from django.utils import timezone

from collaboration.models import AnswerRevision, Phase, Question, Step
from tests.collaboration.helpers import (
    MALGRUPP,
    MODEL,
    PHASE_1,
    PHASE_2,
    PROBLEM,
    guide_review_url,
    history_url,
    phase_review_url,
    post_answers,
    questions,
    revision_url,
    step_url,
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


# Completing a phase (every party confirms): tests/collaboration/test_phase_consensus.py


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

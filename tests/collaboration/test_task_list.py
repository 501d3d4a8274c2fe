"""The task list: every step with its status and who last worked on it."""

from __future__ import annotations

import re

import pytest

from collaboration.models import Answer, Step, StepProgress, StepStatus
from tests.collaboration.helpers import (
    CHECKLIST,
    MALGRUPP,
    MODEL,
    PARTNER,
    PROBLEM,
    post_answers,
    questions,
    step_obj,
    task_list_url,
)

pytestmark = pytest.mark.django_db


def step_title(slug: str) -> str:
    return Step.objects.get(phase__guide__slug=MODEL, slug=slug).title


def status_of(html: str, phase: str, step: str) -> str:
    match = re.search(rf'id="status-{phase}-{step}"[^>]*>([^<]*)<', html)
    assert match, f"no status for {phase}/{step}"
    return match.group(1).strip()


def line_of(html: str, phase: str, step: str) -> str:
    """The task-list item of one step, tags stripped."""
    match = re.search(rf'<li>\s*<a [^>]*aria-describedby="status-{phase}-{step}".*?</li>', html, re.S)
    assert match, f"no line for {phase}/{step}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_a_new_process_lists_every_step_as_not_started(cast, officer_client):
    response = officer_client.get(task_list_url(cast.collaboration))
    assert response.status_code == 200
    for step in ["status", "kunskap", "problem-och-behov", "gemensam-bild", "utvardera-och-omformulera"]:
        assert f">{step_title(step)}</a>" in response.text
    assert status_of(response.text, "identifiera-och-involvera", "problem-och-behov") == "Ej påbörjad"
    assert "Påbörjad" not in response.text.replace("Ej påbörjad", "")


def test_the_checklist_guide_has_its_own_task_list(cast, board_client):
    response = board_client.get(task_list_url(cast.collaboration, CHECKLIST))
    assert response.status_code == 200
    assert status_of(response.text, "checklista", "varfor") == "Ej påbörjad"
    assert "identifiera-och-involvera" not in response.text


def test_a_saved_answer_makes_the_step_started(cast, officer_client):
    post_answers(officer_client, cast.collaboration, {questions()[0]: "Barnen saknar läxhjälp."})
    html = officer_client.get(task_list_url(cast.collaboration)).text
    assert status_of(html, "identifiera-och-involvera", "problem-och-behov") == "Påbörjad"
    assert status_of(html, "identifiera-och-involvera", "malgrupp") == "Ej påbörjad"


def test_a_step_marked_done_shows_as_done(cast, officer_client):
    post_answers(
        officer_client, cast.collaboration, {questions()[0]: "Svar"}, action="save-done", unanswered="confirmed"
    )
    html = officer_client.get(task_list_url(cast.collaboration)).text
    assert status_of(html, "identifiera-och-involvera", "problem-och-behov") == "Klar"
    assert "1 av 3 steg klara." in html


def test_it_counts_the_answered_questions_of_a_step(cast, officer_client):
    qs = questions(MALGRUPP)
    post_answers(officer_client, cast.collaboration, {qs[0]: "Ett", qs[1]: "Två"}, where=MALGRUPP)
    line = line_of(officer_client.get(task_list_url(cast.collaboration)).text, "identifiera-och-involvera", "malgrupp")
    assert f"2 av {len(qs)} frågor besvarade" in line


def test_it_shows_who_last_worked_on_a_step_with_organisation(cast, officer_client, board_client):
    post_answers(officer_client, cast.collaboration, {questions()[0]: "Tjänstepersonens svar"})
    line = line_of(
        board_client.get(task_list_url(cast.collaboration)).text, "identifiera-och-involvera", "problem-och-behov"
    )
    assert "senast Tove Tjänsteperson (Halmstads kommun)" in line
    progress = StepProgress.objects.get(collaboration=cast.collaboration, step=step_obj())
    assert re.search(r"\d{4} \d{2}:\d{2}", line), "the time of the last save is shown"
    assert progress.updated_by == cast.officer

    post_answers(board_client, cast.collaboration, {questions()[1]: "Styrelsens svar"})
    line = line_of(
        officer_client.get(task_list_url(cast.collaboration)).text, "identifiera-och-involvera", "problem-och-behov"
    )
    assert "senast Bo Styrelse (Föreningen Läxhjälp)" in line
    assert "Tove Tjänsteperson" not in line


def test_an_untouched_step_names_nobody(cast, officer_client):
    post_answers(officer_client, cast.collaboration, {questions()[0]: "Svar"})
    line = line_of(officer_client.get(task_list_url(cast.collaboration)).text, "identifiera-och-involvera", "malgrupp")
    assert "senast" not in line


def test_both_sides_write_in_the_same_process(cast, officer_client, board_client):
    officer_q, board_q = questions(PROBLEM)[0], questions(PARTNER)[0]
    assert post_answers(officer_client, cast.collaboration, {officer_q: "Från kommunen"}).status_code == 302
    assert (
        post_answers(board_client, cast.collaboration, {board_q: "Från föreningen"}, where=PARTNER).status_code == 302
    )

    officer_answer = Answer.objects.get(collaboration=cast.collaboration, question=officer_q)
    board_answer = Answer.objects.get(collaboration=cast.collaboration, question=board_q)
    assert (officer_answer.text, officer_answer.updated_by_organisation) == ("Från kommunen", cast.kommun)
    assert (board_answer.text, board_answer.updated_by_organisation) == ("Från föreningen", cast.forening)

    html = board_client.get(task_list_url(cast.collaboration)).text
    assert status_of(html, "identifiera-och-involvera", "problem-och-behov") == "Påbörjad"
    assert status_of(html, "identifiera-och-involvera", "samverkanspartner") == "Påbörjad"
    assert StepProgress.objects.filter(collaboration=cast.collaboration, status=StepStatus.IN_PROGRESS).count() == 2

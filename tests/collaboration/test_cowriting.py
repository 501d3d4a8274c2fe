"""Co-editing as people do it: two people, two tabs, long pastes, and where the save state shows.

Each test here reproduces a way a word was lost before the one save contract.
"""

from __future__ import annotations

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.cowriting.contract import text_digest
from collaboration.models import Activity, ActivityKind, Answer, AnswerRevision, StepStatus
from tests.collaboration.helpers import (
    autosave_result,
    browser_post,
    load_form,
    mark_steps,
    post_answers,
    questions,
    step_obj,
    step_url,
    stored,
)

pytestmark = pytest.mark.django_db

OFFICER_TEXT = "Kommunen ser att barnen saknar en lugn plats för läxor."
BOARD_TEXT = "Föreningen har volontärer som kan hjälpa till två kvällar i veckan."


def apply_autosave(form: dict[str, str], response, question) -> None:
    """Do what portal.js does with an autosave answer for a box the writer is typing in."""
    result = autosave_result(response, question)
    form[f"base-{question.code}"] = result["base"]


# 1. A colleague's answer is never erased by autosave of a box the writer never touched.


def test_autosave_of_another_box_does_not_move_the_untouched_boxs_base(cast, officer_client, board_client):
    box_1, box_2 = questions()[:2]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(
        officer_client, cast.collaboration, {box_1: OFFICER_TEXT}, form=officer_form, action="autosave", htmx=True
    )
    # The board member's page still shows box 1 empty; they type only in box 2.
    response = post_answers(
        board_client, cast.collaboration, {box_2: BOARD_TEXT}, form=board_form, action="autosave", htmx=True
    )
    assert autosave_result(response, box_1)["outcome"] == "stale"
    assert autosave_result(response, box_1)["base"] == board_form[f"base-{box_1.code}"]
    # Whatever the page does with the answer, the next autosave posts the empty box 1 again ...
    board_form[f"answer-{box_2.code}"] = BOARD_TEXT
    apply_autosave(board_form, response, box_2)
    board_form[f"base-{box_1.code}"] = autosave_result(response, box_1)["base"]
    post_answers(
        board_client,
        cast.collaboration,
        {box_2: BOARD_TEXT + " Och helger."},
        form=board_form,
        action="autosave",
        htmx=True,
    )
    # ... and the officer's answer stands, still theirs.
    answer = Answer.objects.get(collaboration=cast.collaboration, question=box_1)
    assert answer.text == OFFICER_TEXT
    assert answer.updated_by == cast.officer
    assert stored(cast.collaboration, box_2) == BOARD_TEXT + " Och helger."


def test_autosave_hands_an_untouched_box_the_colleagues_new_text_to_show(cast, officer_client, board_client):
    box_1, box_2 = questions()[:2]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {box_1: OFFICER_TEXT}, form=officer_form)
    response = post_answers(
        board_client, cast.collaboration, {box_2: BOARD_TEXT}, form=board_form, action="autosave", htmx=True
    )
    result = autosave_result(response, box_1)
    assert result["text"] == OFFICER_TEXT
    assert result["current_base"] == f"1:{text_digest(OFFICER_TEXT)}"
    # and the field says who changed it, where the writer looks
    status = re.search(
        rf'<p class="field-status" id="status-{box_1.code}" hx-swap-oob="true">(.*?)</p>', response.text, re.S
    )
    assert status
    assert "Tove Tjänsteperson ändrade svaret" in status.group(1)
    assert f'id="meta-{box_1.code}" hx-swap-oob="true">Senast ändrat av Tove Tjänsteperson' in response.text


def test_the_conflict_page_shows_an_untouched_box_with_the_colleagues_new_text(cast, officer_client, board_client):
    box_1, box_2 = questions()[:2]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {box_1: OFFICER_TEXT, box_2: "Kommunens rad"}, form=officer_form)
    # The board member changed only box 2, which the officer changed too: a conflict there.
    page = post_answers(board_client, cast.collaboration, {box_2: BOARD_TEXT}, form=board_form, action="save")
    assert page.status_code == 409
    form = page.context["form"]
    assert form[f"answer-{box_1.code}"].value() == OFFICER_TEXT
    assert "Tove Tjänsteperson ändrade svaret" in page.text
    # Resolving the conflict by keeping their own text in box 2 leaves box 1 as the officer wrote it.
    resolved = post_answers(board_client, cast.collaboration, {}, form=browser_post(page), action="save")
    assert resolved.status_code == 302
    assert stored(cast.collaboration, box_1) == OFFICER_TEXT
    assert stored(cast.collaboration, box_2) == BOARD_TEXT


# 2. The same person in two tabs or on two devices.


def test_the_same_person_in_two_tabs_gets_a_conflict_instead_of_overwriting_themselves(cast, officer_client):
    question = questions()[0]
    tab_1, tab_2 = load_form(officer_client, cast.collaboration), load_form(officer_client, cast.collaboration)
    post_answers(
        officer_client, cast.collaboration, {question: "Skrivet i flik ett"}, form=tab_1, action="autosave", htmx=True
    )
    response = post_answers(officer_client, cast.collaboration, {question: "Skrivet i flik två"}, form=tab_2)
    assert response.status_code == 409
    assert stored(cast.collaboration, question) == "Skrivet i flik ett"
    assert escape("Skrivet i flik ett") in response.text


def test_history_keeps_both_tabs_texts_when_the_second_tab_chooses_its_own(cast, officer_client):
    question = questions()[0]
    tab_1, tab_2 = load_form(officer_client, cast.collaboration), load_form(officer_client, cast.collaboration)
    post_answers(officer_client, cast.collaboration, {question: "Skrivet i flik ett"}, form=tab_1)
    conflict = post_answers(officer_client, cast.collaboration, {question: "Skrivet i flik två"}, form=tab_2)
    post_answers(officer_client, cast.collaboration, {}, form=browser_post(conflict), action="save")
    assert stored(cast.collaboration, question) == "Skrivet i flik två"
    texts = list(
        AnswerRevision.objects.filter(answer__question=question).order_by("number").values_list("text", flat=True)
    )
    assert texts == ["Skrivet i flik ett", "Skrivet i flik två"]


def test_the_conflict_view_does_not_let_autosave_write_over_the_colleagues_text(cast, officer_client, board_client):
    question = questions()[0]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    page = post_answers(board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="save")
    # Typing on in the conflict view autosaves, but only a button press decides over the colleague's text.
    autosave = post_answers(
        board_client,
        cast.collaboration,
        {question: BOARD_TEXT + "!"},
        form=browser_post(page),
        action="autosave",
        htmx=True,
    )
    assert autosave_result(autosave, question)["outcome"] == "conflict"
    assert stored(cast.collaboration, question) == OFFICER_TEXT


def test_an_explicit_save_from_the_conflict_view_does_not_write_over_a_newer_text(cast, officer_client, board_client):
    question = questions()[0]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    page = post_answers(board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="save")
    # The officer changes the text again while the board member reads the comparison.
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT + " Ny mening."})
    again = post_answers(board_client, cast.collaboration, {}, form=browser_post(page), action="save")
    assert again.status_code == 409
    assert stored(cast.collaboration, question) == OFFICER_TEXT + " Ny mening."


# 5. Text cut or thrown away without a word.


def test_no_text_box_carries_a_maxlength_that_would_cut_a_paste(cast, officer_client):
    page = officer_client.get(step_url(cast.collaboration))
    assert "maxlength=" not in page.text.replace("data-maxlength=", "")
    assert 'data-maxlength="20000"' in page.text
    create = officer_client.get(reverse("collaboration_create"))
    assert "maxlength=" not in create.text.replace("data-maxlength=", "")
    assert 'data-maxlength="200"' in create.text


def test_a_60000_character_paste_is_refused_with_a_message_at_the_field_and_kept_whole(cast, officer_client):
    long_box, other_box = questions()[:2]
    pasted = "Lång text. " * 5455  # 60,005 characters
    response = post_answers(
        officer_client, cast.collaboration, {long_box: pasted, other_box: "Kort svar"}, action="autosave", htmx=True
    )
    status = re.search(rf'id="status-{long_box.code}" hx-swap-oob="true">(.*?)</p>', response.text, re.S)
    assert status
    assert "högst 20000 tecken" in status.group(1).replace("\u00a0", "")
    assert "Inte sparat" in response.text
    assert stored(cast.collaboration, long_box) is None
    # the box the writer got right is saved meanwhile
    assert stored(cast.collaboration, other_box) == "Kort svar"
    page = post_answers(officer_client, cast.collaboration, {long_box: pasted}, action="save")
    assert page.status_code == 200
    assert page.context["form"][f"answer-{long_box.code}"].value() == pasted
    assert stored(cast.collaboration, long_box) is None


def test_leaving_the_conflict_view_is_guarded_because_the_writers_text_is_not_saved(cast, officer_client, board_client):
    question = questions()[0]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    page = post_answers(board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="save")
    # portal.js warns before leaving while a box differs from what the server holds: the page says so.
    assert 'data-unsaved="true"' in page.text


# 6. Status where the writer looks.


def test_autosave_reports_the_save_at_the_field_being_edited(cast, officer_client):
    first, last = questions()[0], questions()[-1]
    response = post_answers(officer_client, cast.collaboration, {first: "Ett svar"}, action="autosave", htmx=True)
    status = re.search(rf'id="status-{first.code}" hx-swap-oob="true">(.*?)</p>', response.text, re.S)
    assert status
    assert re.search(r"Sparat \d{2}:\d{2}", status.group(1))
    assert (
        f'id="meta-{first.code}" hx-swap-oob="true">Senast ändrat av Tove Tjänsteperson (Halmstads kommun)'
        in response.text
    )
    last_status = re.search(rf'id="status-{last.code}" hx-swap-oob="true">(.*?)</p>', response.text, re.S)
    assert last_status
    assert last_status.group(1) == ""


def test_an_autosave_conflict_is_reported_at_the_field(cast, officer_client, board_client):
    question = questions()[1]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    response = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="autosave", htmx=True
    )
    status = re.search(rf'id="status-{question.code}" hx-swap-oob="true">(.*?)</p>', response.text, re.S)
    assert status
    assert "Inte sparat: Tove Tjänsteperson har ändrat svaret medan du skrev." in status.group(1)
    assert 'value="save">Jämför texterna' in status.group(1)


def test_the_comparison_highlights_the_differences_and_labels_the_writers_box(cast, officer_client, board_client):
    question = questions()[0]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: "Barnen behöver en lugn plats."}, form=officer_form)
    page = post_answers(
        board_client, cast.collaboration, {question: "Barnen behöver en trygg plats."}, form=board_form, action="save"
    )
    assert page.status_code == 409
    assert '<del><span class="visually-hidden">Borttaget: </span>lugn</del>' in page.text
    assert '<ins><span class="visually-hidden">Tillagt: </span>trygg</ins>' in page.text
    assert '<span class="label-tag">Din text</span>' in page.text


def test_the_status_region_is_announced(cast, officer_client):
    page = officer_client.get(step_url(cast.collaboration))
    assert '<div id="autosave-status" class="autosave-status" role="status" aria-live="polite">' in page.text


# Autosave is the hottest request: a small constant number of queries.


def autosave_queries(client, collaboration, texts) -> int:
    form = load_form(client, collaboration)
    for question, text in texts.items():
        form[f"answer-{question.code}"] = text
    form["action"] = "autosave"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(step_url(collaboration), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert autosave_result(response, next(iter(texts)))["outcome"] == "saved"
    return len(queries)


def test_autosave_runs_the_same_queries_for_one_or_every_answer_changed(cast, officer_client):
    step_questions = questions()
    assert len(step_questions) == 8
    # The step was started before, by this person, a moment ago (progress and activity log in place).
    mark_steps(cast.collaboration, [step_obj()], StepStatus.IN_PROGRESS)
    Activity.record(
        collaboration=cast.collaboration,
        kind=ActivityKind.STEP_SAVED,
        actor=cast.officer,
        organisation=cast.kommun,
        summary="skrev i steget",
        step=step_obj().pk,
    )
    # The first answers: rows and history entries are created.
    first_one = autosave_queries(officer_client, cast.collaboration, {step_questions[0]: "Ett"})
    first_all = autosave_queries(
        officer_client, cast.collaboration, {q: f"Svar {i}" for i, q in enumerate(step_questions[1:])}
    )
    # Typing on: history entries fold.
    typing_one = autosave_queries(officer_client, cast.collaboration, {step_questions[0]: "Ett till"})
    typing_all = autosave_queries(
        officer_client, cast.collaboration, {q: f"Nytt {i}" for i, q in enumerate(step_questions)}
    )
    assert first_one == first_all
    assert typing_one == typing_all
    assert typing_all <= 20


def test_typing_on_is_one_entry_in_the_activity_log_and_marking_done_another(cast, officer_client):
    question = questions()[0]
    form = load_form(officer_client, cast.collaboration)
    for text in ("Ett", "Ett två", "Ett två tre"):
        post_answers(officer_client, cast.collaboration, {question: text}, form=form, action="autosave", htmx=True)
    post_answers(officer_client, cast.collaboration, {}, form=form, action="save-done", unanswered="confirmed")
    entries = list(cast.collaboration.activities.order_by("created_at", "pk").values_list("kind", "summary"))
    assert entries == [
        (ActivityKind.STEP_SAVED, "skrev i steget ”Problem- och behovsformulering”"),
        (ActivityKind.STEP_DONE, "markerade steget ”Problem- och behovsformulering” som klart"),
    ]

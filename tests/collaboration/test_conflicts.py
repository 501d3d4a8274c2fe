"""Two people writing the same answer at once: nothing is overwritten, both texts stay in view."""

from __future__ import annotations

from html import escape

import pytest

from collaboration.cowriting.contract import text_digest
from collaboration.models import Answer, AnswerRevision
from tests.collaboration.helpers import (
    autosave_result,
    browser_post,
    load_form,
    post_answers,
    questions,
    step_url,
    stored,
)

pytestmark = pytest.mark.django_db

OFFICER_TEXT = "Kommunen ser att barnen saknar en lugn plats för läxor."
BOARD_TEXT = "Föreningen ser att föräldrarna inte hinner hjälpa till."


@pytest.fixture
def both_loaded(cast, officer_client, board_client):
    """Officer and board member have the same empty step open."""
    return load_form(officer_client, cast.collaboration), load_form(board_client, cast.collaboration)


@pytest.fixture
def conflict(cast, officer_client, board_client, both_loaded):
    """The officer saved first; the board member's later save of the same answer conflicts."""
    officer_form, board_form = both_loaded
    question = questions()[0]
    first = post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    assert first.status_code == 302
    later = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="save-continue"
    )
    return question, board_form, later


def test_the_later_save_gets_a_conflict_page(conflict):
    _, _, response = conflict
    assert response.status_code == 409
    assert "Någon annan har ändrat svaret medan du skrev" in response.text


def test_it_keeps_the_first_text_stored_on_conflict(cast, conflict):
    question, _, _ = conflict
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert answer.text == OFFICER_TEXT
    assert answer.updated_by == cast.officer
    assert AnswerRevision.objects.filter(answer=answer).count() == 1


def test_it_keeps_both_texts_on_conflict(conflict):
    question, _, response = conflict
    html = response.text
    assert escape(OFFICER_TEXT) in html
    assert escape(BOARD_TEXT) in html
    assert "Sparad text från Tove Tjänsteperson (Halmstads kommun)" in html
    # The writer's own text stays in the box, the colleague's is shown beside it.
    assert response.context["form"][f"answer-{question.code}"].value() == BOARD_TEXT


def test_the_conflict_offers_to_take_the_stored_text(conflict):
    question, _, response = conflict
    assert f'name="take_theirs" value="{question.code}"' in response.text


def test_the_conflict_page_records_which_stored_version_the_writer_was_shown(cast, conflict):
    question, board_form, response = conflict
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    form = response.context["form"]
    # The box keeps the writer's text on the base it was written on; the colleague's version is only "seen".
    assert form[f"base-{question.code}"].value() == board_form[f"base-{question.code}"]
    assert form[f"seen-{question.code}"].value() == str(answer.base)
    assert f'value="{answer.base}"' in response.text


def test_a_conflict_does_not_mark_the_step_done(cast, officer_client, board_client, both_loaded):
    officer_form, board_form = both_loaded
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    response = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="save-done"
    )
    assert response.status_code == 409
    assert officer_client.get(step_url(cast.collaboration)).context["page"].progress.status == "paborjad"


def test_taking_theirs_shows_the_stored_text_and_keeps_the_writers_own_beside_it(cast, board_client, conflict):
    question, _, response = conflict
    form = browser_post(response)
    form["take_theirs"] = question.code
    result = board_client.post(step_url(cast.collaboration), form)
    assert result.status_code == 200
    assert stored(cast.collaboration, question) == OFFICER_TEXT
    assert result.context["form"][f"answer-{question.code}"].value() == OFFICER_TEXT
    # The writer's own text is not thrown away: it stays on the page, ready to be used again.
    assert result.context["form"][f"mine-{question.code}"].value() == BOARD_TEXT
    assert "Din egen text (inte sparad)" in result.text
    assert escape(BOARD_TEXT) in result.text
    assert f'name="restore_mine" value="{question.code}"' in result.text


def test_the_writers_own_text_can_be_put_back_after_taking_theirs(cast, board_client, conflict):
    question, _, response = conflict
    form = browser_post(response)
    form["take_theirs"] = question.code
    taken = board_client.post(step_url(cast.collaboration), form)
    form = browser_post(taken)
    form["restore_mine"] = question.code
    restored = board_client.post(step_url(cast.collaboration), form)
    assert restored.status_code == 200
    assert restored.context["form"][f"answer-{question.code}"].value() == BOARD_TEXT
    # Saving now is the writer's decision, made with both texts in view.
    saved = post_answers(board_client, cast.collaboration, {}, form=browser_post(restored), action="save")
    assert saved.status_code == 302
    assert stored(cast.collaboration, question) == BOARD_TEXT


def test_taking_theirs_then_saving_keeps_the_stored_text(cast, board_client, conflict):
    question, _, response = conflict
    form = browser_post(response)
    form["take_theirs"] = question.code
    taken = board_client.post(step_url(cast.collaboration), form)
    saved = post_answers(board_client, cast.collaboration, {}, form=browser_post(taken), action="save")
    assert saved.status_code == 302
    assert stored(cast.collaboration, question) == OFFICER_TEXT
    page = board_client.get(saved.url)
    assert page.context["form"][f"answer-{question.code}"].value() == OFFICER_TEXT


def test_saving_a_merge_on_the_new_base_stores_the_merged_text(cast, board_client, conflict):
    question, _, response = conflict
    form = browser_post(response)
    merged = f"{OFFICER_TEXT}\n{BOARD_TEXT}"
    result = post_answers(board_client, cast.collaboration, {question: merged}, form=form)
    assert result.status_code == 302
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert answer.text == merged
    assert answer.updated_by == cast.board_member
    assert answer.version == 2


def test_saving_again_on_the_old_base_still_conflicts(cast, board_client, conflict):
    question, board_form, _ = conflict
    response = post_answers(board_client, cast.collaboration, {question: BOARD_TEXT + " igen"}, form=board_form)
    assert response.status_code == 409
    assert stored(cast.collaboration, question) == OFFICER_TEXT


def test_an_untouched_field_does_not_conflict_when_a_colleague_changed_it(
    cast, officer_client, board_client, both_loaded
):
    officer_form, board_form = both_loaded
    first, second = questions()[:2]
    post_answers(officer_client, cast.collaboration, {first: OFFICER_TEXT}, form=officer_form)
    # The board member writes only in the second box; the first box still holds what was loaded (nothing).
    response = post_answers(board_client, cast.collaboration, {second: BOARD_TEXT}, form=board_form)
    assert response.status_code == 302
    assert stored(cast.collaboration, first) == OFFICER_TEXT
    assert stored(cast.collaboration, second) == BOARD_TEXT


def test_an_untouched_field_with_earlier_text_keeps_the_colleagues_change(cast, officer_client, board_client):
    first, second = questions()[:2]
    post_answers(officer_client, cast.collaboration, {first: "Version ett"})
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {first: "Version två"}, form=officer_form)
    response = post_answers(board_client, cast.collaboration, {second: BOARD_TEXT}, form=board_form)
    assert response.status_code == 302
    assert stored(cast.collaboration, first) == "Version två"
    assert stored(cast.collaboration, second) == BOARD_TEXT


def test_other_answers_in_a_conflicting_post_are_saved(cast, officer_client, board_client, both_loaded):
    officer_form, board_form = both_loaded
    first, second = questions()[:2]
    post_answers(officer_client, cast.collaboration, {first: OFFICER_TEXT}, form=officer_form)
    response = post_answers(
        board_client, cast.collaboration, {first: BOARD_TEXT, second: "Inget bråk här"}, form=board_form
    )
    assert response.status_code == 409
    assert stored(cast.collaboration, first) == OFFICER_TEXT
    assert stored(cast.collaboration, second) == "Inget bråk här"
    # and the page now carries the saved answer's new base, so the next save does not conflict on it
    assert response.context["form"][f"base-{second.code}"].value() == f"1:{text_digest('Inget bråk här')}"


def test_the_same_text_typed_by_both_is_no_conflict(cast, officer_client, board_client, both_loaded):
    officer_form, board_form = both_loaded
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Samma"}, form=officer_form)
    response = post_answers(board_client, cast.collaboration, {question: "Samma"}, form=board_form)
    assert response.status_code == 302
    assert Answer.objects.get(collaboration=cast.collaboration, question=question).version == 1


def test_an_autosave_conflict_says_not_saved(cast, officer_client, board_client, both_loaded):
    officer_form, board_form = both_loaded
    question = questions()[0]
    post_answers(
        officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form, action="autosave", htmx=True
    )
    response = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="autosave", htmx=True
    )
    assert response.status_code == 200
    assert "Inte sparat" in response.text
    assert "Sparat " not in response.text.replace("Inte sparat", "")
    assert stored(cast.collaboration, question) == OFFICER_TEXT


def test_autosave_keeps_reporting_a_conflict_until_the_writer_has_seen_both_texts(
    cast, officer_client, board_client, both_loaded
):
    officer_form, board_form = both_loaded
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: OFFICER_TEXT}, form=officer_form)
    first = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT}, form=board_form, action="autosave", htmx=True
    )
    # The base the browser receives still points at what the board member loaded ...
    loaded_base = board_form[f"base-{question.code}"]
    assert autosave_result(first, question) == {"code": question.code, "outcome": "conflict", "base": loaded_base}
    # ... so the next keystroke's autosave is refused again instead of overwriting the officer's text.
    again = post_answers(
        board_client, cast.collaboration, {question: BOARD_TEXT + "!"}, form=board_form, action="autosave", htmx=True
    )
    assert "Inte sparat" in again.text
    assert stored(cast.collaboration, question) == OFFICER_TEXT


def test_a_writers_own_save_that_overtook_the_next_one_is_no_conflict(cast, board_client):
    form = load_form(board_client, cast.collaboration)
    question = questions()[0]
    # An autosave lands, but its answer never reaches the browser before the writer presses Spara.
    post_answers(
        board_client, cast.collaboration, {question: "Första meningen."}, form=form, action="autosave", htmx=True
    )
    response = post_answers(board_client, cast.collaboration, {question: "Första meningen. Andra meningen."}, form=form)
    assert response.status_code == 302
    assert stored(cast.collaboration, question) == "Första meningen. Andra meningen."

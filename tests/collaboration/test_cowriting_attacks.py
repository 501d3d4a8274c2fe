"""Attacks from the hostile review of the save contract: two tabs folding, CRLF at the limit, conflicts resolved in turn."""

from __future__ import annotations

import pytest

from collaboration.models import Answer, AnswerRevision
from tests.collaboration.helpers import (
    autosave_result,
    load_form,
    post_answers,
    questions,
    stored,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_same_person_two_tabs_fold_lets_the_first_tab_overwrite_the_second_tabs_text(cast):
    """Tab P saves, tab Q (reloaded on P's text) adds to it, then P (which never saw Q's text) autosaves."""
    q = questions()[0]
    officer = client_for(cast.officer)
    tab_p = load_form(officer, cast.collaboration)
    # Tab P types and autosaves "A".
    r = post_answers(officer, cast.collaboration, {q: "A"}, form=tab_p, action="autosave", htmx=True)
    assert autosave_result(r, q)["outcome"] == "saved"
    tab_p[f"base-{q.code}"] = autosave_result(r, q)["base"]
    tab_p[f"answer-{q.code}"] = "A"
    # Tab Q is opened (sees "A") and adds to it.
    tab_q = load_form(officer, cast.collaboration)
    r = post_answers(
        officer, cast.collaboration, {q: "A och B från flik två"}, form=tab_q, action="autosave", htmx=True
    )
    assert autosave_result(r, q)["outcome"] == "saved"
    # Tab P never saw Q's text; it goes on typing on its own base.
    r = post_answers(
        officer, cast.collaboration, {q: "A, fortsatt i flik ett"}, form=tab_p, action="autosave", htmx=True
    )
    assert autosave_result(r, q)["outcome"] == "conflict", "tab P overwrote tab Q's text it never saw"
    assert stored(cast.collaboration, q) == "A och B från flik två"


def test_history_keeps_the_second_tabs_text(cast):
    q = questions()[0]
    officer = client_for(cast.officer)
    tab_p = load_form(officer, cast.collaboration)
    r = post_answers(officer, cast.collaboration, {q: "A"}, form=tab_p, action="autosave", htmx=True)
    tab_p[f"base-{q.code}"] = autosave_result(r, q)["base"]
    tab_q = load_form(officer, cast.collaboration)
    post_answers(officer, cast.collaboration, {q: "A och B från flik två"}, form=tab_q, action="autosave", htmx=True)
    post_answers(officer, cast.collaboration, {q: "A, fortsatt i flik ett"}, form=tab_p, action="autosave", htmx=True)
    texts = set(AnswerRevision.objects.filter(answer__question=q).values_list("text", flat=True))
    assert "A och B från flik två" in texts or Answer.objects.get(question=q).text == "A och B från flik två", texts


# --- CRLF: the browser posts line breaks as CRLF, the limit is checked before they are folded to LF ---


def test_text_within_the_limit_as_the_writer_sees_it_is_not_refused(cast, officer_client):
    q = questions()[0]
    # 19,000 characters as the box shows them (LF line breaks): 1,000 lines of 18 characters + LF.
    typed = "Kort rad här\n" * 1500  # 19,500 characters in the box, 1,500 line breaks
    assert len(typed) <= 20_000
    posted = typed.replace("\n", "\r\n")  # what a browser sends: 21,000 characters
    response = post_answers(officer_client, cast.collaboration, {q: posted}, action="autosave", htmx=True)
    assert autosave_result(response, q)["outcome"] == "saved", "a text the counter says fits is refused"


# --- conflicts resolved in different orders ---


def test_resolving_one_conflict_keeps_the_other_conflict_in_view(cast, officer_client, board_client):
    q1, q2 = questions()[:2]
    officer_form = load_form(officer_client, cast.collaboration)
    board_form = load_form(board_client, cast.collaboration)
    post_answers(officer_client, cast.collaboration, {q1: "Kommunens ett", q2: "Kommunens två"}, form=officer_form)
    page = post_answers(
        board_client, cast.collaboration, {q1: "Föreningens ett", q2: "Föreningens två"}, form=board_form, action="save"
    )
    assert page.status_code == 409
    from tests.collaboration.helpers import browser_post, step_url

    form = browser_post(page)
    form["take_theirs"] = q1.code
    taken = board_client.post(step_url(cast.collaboration), form)
    assert taken.status_code == 200
    # The second box still conflicts: the writer must still see the colleague's text and be able to take it.
    assert "Kommunens två" in taken.text, "box 2's comparison vanished after resolving box 1"
    assert f'name="take_theirs" value="{q2.code}"' in taken.text


def test_saving_after_resolving_one_conflict_decides_the_other_with_both_texts_in_view(
    cast, officer_client, board_client
):
    """After 'Använd den sparade texten' on box 1, box 2's comparison is still on screen, so Spara is a decision."""
    q1, q2 = questions()[:2]
    officer_form = load_form(officer_client, cast.collaboration)
    board_form = load_form(board_client, cast.collaboration)
    post_answers(officer_client, cast.collaboration, {q1: "Kommunens ett", q2: "Kommunens två"}, form=officer_form)
    page = post_answers(
        board_client, cast.collaboration, {q1: "Föreningens ett", q2: "Föreningens två"}, form=board_form, action="save"
    )
    from tests.collaboration.helpers import browser_post, step_url

    form = browser_post(page)
    form["take_theirs"] = q1.code
    taken = board_client.post(step_url(cast.collaboration), form)
    assert "Någon annan har ändrat svaret" in taken.text
    assert f'<a href="#id_answer-{q2.code}">' in taken.text
    saved = post_answers(board_client, cast.collaboration, {}, form=browser_post(taken), action="save")
    assert saved.status_code == 302
    assert stored(cast.collaboration, q1) == "Kommunens ett"
    assert stored(cast.collaboration, q2) == "Föreningens två"

"""Nothing a writer types is lost: errors keep the text, repeats store once, signing out keeps a draft."""

from __future__ import annotations

from html import escape

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from collaboration.models import Answer, AnswerRevision
from portal.drafts import owner_token
from tests.collaboration.helpers import (
    NEW_BASE,
    browser_post,
    load_form,
    login_url,
    phase_review_url,
    post_answers,
    questions,
    step_url,
    stored,
)
from tests.conftest import expired_session_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ODD_UNICODE = "Åsa 👩🏽‍🌾 ﷽ \u200b e\u0301 \u202eRTL\u202c – ”citat” \t tab"


def test_a_too_long_answer_gets_a_swedish_error_and_nothing_is_saved(cast, officer_client):
    first, second = questions()[:2]
    too_long = "a" * 20_001
    response = post_answers(officer_client, cast.collaboration, {first: too_long, second: "Kort och giltigt"})
    assert response.status_code == 200
    assert "Svaret får vara högst 20000 tecken långt (nu 20001)" in response.text
    assert not Answer.objects.exists()
    assert not AnswerRevision.objects.exists()


def test_a_too_long_answer_is_shown_again_as_typed(cast, officer_client):
    first, second = questions()[:2]
    too_long = "Lång text. " * 1819  # 20 009 characters
    response = post_answers(officer_client, cast.collaboration, {first: too_long, second: "Kort och giltigt"})
    assert response.context["form"][f"answer-{first.code}"].value() == too_long
    assert too_long in response.text
    assert "Kort och giltigt" in response.text


def test_exactly_the_limit_is_accepted(cast, officer_client):
    question = questions()[0]
    response = post_answers(officer_client, cast.collaboration, {question: "a" * 20_000})
    assert response.status_code == 302
    assert len(stored(cast.collaboration, question)) == 20_000


def test_a_too_long_autosave_says_not_saved(cast, officer_client):
    question = questions()[0]
    response = post_answers(officer_client, cast.collaboration, {question: "a" * 20_001}, action="autosave", htmx=True)
    assert response.status_code == 200
    assert "Inte sparat" in response.text
    assert "högst 20000 tecken" in response.text
    assert not Answer.objects.exists()


def test_a_nul_character_gets_a_swedish_error_and_nothing_is_saved(cast, officer_client):
    first, second = questions()[:2]
    response = post_answers(officer_client, cast.collaboration, {first: "före\x00efter", second: "Giltigt"})
    assert response.status_code == 200
    assert "Svaret innehåller ett otillåtet tecken (nolltecken)" in response.text
    assert not Answer.objects.exists()


def test_a_double_submit_stores_once_with_one_revision(cast, officer_client):
    question = questions()[0]
    form = load_form(officer_client, cast.collaboration)
    first = post_answers(officer_client, cast.collaboration, {question: "Dubbelklick"}, form=form)
    second = post_answers(officer_client, cast.collaboration, {question: "Dubbelklick"}, form=form)
    assert first.status_code == 302
    assert second.status_code == 302
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert answer.text == "Dubbelklick"
    assert answer.version == 1
    assert AnswerRevision.objects.filter(answer=answer).count() == 1


def test_a_double_submit_by_two_tabs_of_another_person_does_not_conflict(cast, officer_client, board_client):
    question = questions()[0]
    form = load_form(board_client, cast.collaboration)
    post_answers(board_client, cast.collaboration, {question: "Samma text"}, form=form)
    post_answers(board_client, cast.collaboration, {question: "Samma text"}, form=form)
    assert Answer.objects.filter(collaboration=cast.collaboration).count() == 1
    assert AnswerRevision.objects.count() == 1


def sign_in(client: Client, user, next_url: str):
    return client.post(login_url(), {"username": user.email, "password": PASSWORD, "next": next_url})


def test_text_posted_after_the_session_expired_comes_back_after_signing_in(cast, officer_client):
    question = questions()[0]
    form = load_form(officer_client, cast.collaboration)
    Session.objects.all().delete()  # the session runs out while the officer is typing

    response = post_answers(officer_client, cast.collaboration, {question: "Skrivet under lång tid"}, form=form)
    assert response.status_code == 302
    assert response.url.startswith(login_url())
    assert not Answer.objects.exists()

    signed_in = sign_in(officer_client, cast.officer, step_url(cast.collaboration))
    assert signed_in.status_code == 302
    page = officer_client.get(step_url(cast.collaboration))
    assert page.status_code == 200
    assert "återställd" in page.text
    assert page.context["form"][f"answer-{question.code}"].value() == "Skrivet under lång tid"
    assert "Skrivet under lång tid" in page.text


def test_a_restored_draft_is_saved_when_the_writer_saves(cast):
    question = questions()[0]
    client = expired_session_client()
    client.post(
        step_url(cast.collaboration),
        {
            f"answer-{question.code}": "Återställd text",
            f"base-{question.code}": NEW_BASE,
            "draft_owner": owner_token(cast.officer.pk),
        },
    )
    sign_in(client, cast.officer, step_url(cast.collaboration))
    assert not Answer.objects.exists()
    form = browser_post(client.get(step_url(cast.collaboration)))
    response = post_answers(client, cast.collaboration, {}, form=form)
    assert response.status_code == 302
    assert stored(cast.collaboration, question) == "Återställd text"


def test_the_draft_comes_back_on_every_reload_until_the_writer_saves(cast):
    question = questions()[0]
    client = expired_session_client()
    client.post(
        step_url(cast.collaboration),
        {
            f"answer-{question.code}": "Inte förlorad",
            f"base-{question.code}": "",
            "draft_owner": owner_token(cast.officer.pk),
        },
    )
    sign_in(client, cast.officer, step_url(cast.collaboration))
    assert "Inte förlorad" in client.get(step_url(cast.collaboration)).text
    again = client.get(step_url(cast.collaboration))
    assert "Släng den återställda texten" in again.text
    assert "Inte förlorad" in again.text


def test_a_signed_out_autosave_says_so_and_keeps_the_draft(cast):
    question = questions()[0]
    client = expired_session_client()
    response = client.post(
        step_url(cast.collaboration),
        {
            f"answer-{question.code}": "Under autosparning",
            "action": "autosave",
            "draft_owner": owner_token(cast.board_member.pk),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Du har loggats ut" in response.text
    assert not Answer.objects.exists()
    sign_in(client, cast.board_member, step_url(cast.collaboration))
    page = client.get(step_url(cast.collaboration))
    assert page.context["form"][f"answer-{question.code}"].value() == "Under autosparning"


def test_markup_is_stored_as_typed(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: SCRIPT})
    assert stored(cast.collaboration, question) == SCRIPT


def test_markup_is_shown_escaped_on_the_step_page(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: SCRIPT})
    response = board_client.get(step_url(cast.collaboration))
    assert SCRIPT not in response.text
    assert escape(SCRIPT) in response.text
    assert response.context["form"][f"answer-{question.code}"].value() == SCRIPT


def test_markup_is_shown_escaped_on_the_review_page(cast, officer_client, board_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: SCRIPT})
    response = board_client.get(phase_review_url(cast.collaboration))
    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert escape(SCRIPT) in response.text


def test_markup_is_shown_escaped_in_a_conflict(cast, officer_client, board_client):
    question = questions()[0]
    officer_form, board_form = (
        load_form(officer_client, cast.collaboration),
        load_form(board_client, cast.collaboration),
    )
    post_answers(officer_client, cast.collaboration, {question: SCRIPT}, form=officer_form)
    response = post_answers(board_client, cast.collaboration, {question: "<b>min</b>"}, form=board_form)
    assert response.status_code == 409
    assert SCRIPT not in response.text
    assert "<b>min</b>" not in response.text
    assert escape(SCRIPT) in response.text


def test_odd_unicode_round_trips_exactly(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: ODD_UNICODE})
    assert stored(cast.collaboration, question) == ODD_UNICODE
    page = officer_client.get(step_url(cast.collaboration))
    assert page.context["form"][f"answer-{question.code}"].value() == ODD_UNICODE
    assert escape(ODD_UNICODE, quote=False) in page.text


def test_odd_unicode_saved_again_unchanged_is_no_new_version(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: ODD_UNICODE})
    post_answers(officer_client, cast.collaboration, {})  # the loaded form, sent back untouched
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert answer.version == 1
    assert answer.text == ODD_UNICODE


def test_a_post_that_leaves_out_a_question_does_not_clear_its_answer(cast, officer_client, board_client):
    first, second = questions()[:2]
    post_answers(officer_client, cast.collaboration, {first: "Får inte försvinna"})
    form = load_form(board_client, cast.collaboration)
    del form[f"answer-{first.code}"]  # e.g. a page built before the question was added, or a partial autosave
    response = post_answers(board_client, cast.collaboration, {second: "Ett annat svar"}, form=form)
    assert response.status_code == 302
    assert stored(cast.collaboration, first) == "Får inte försvinna"
    assert stored(cast.collaboration, second) == "Ett annat svar"


def test_a_kept_draft_is_dropped_once_the_writer_saves_again(cast):
    from django.urls import reverse

    from collaboration.cowriting.contract import text_digest
    from collaboration.models import Question
    from tests.factories import PASSWORD

    url = reverse("step", args=[cast.collaboration.code, "samverkansmodellen", "planera-och-justera", "metod"])
    client = expired_session_client()
    question = Question.objects.filter(group__step__slug="metod").order_by("group__order", "order").first()
    question_code = question.code
    base = f"0:{text_digest('')}"
    client.post(
        url,
        {
            f"answer-{question_code}": "Utkast medan jag var utloggad",
            f"base-{question_code}": base,
            "draft_owner": owner_token(cast.officer.pk),
        },
    )
    client.post(reverse("login"), {"username": cast.officer.email, "password": PASSWORD})
    assert "Utkast medan jag var utloggad" in client.get(url).text  # kept, so dropping it below means something
    # The writer saves newer text from the page that was still open.
    client.post(
        url,
        {f"answer-{question_code}": "Nyare text", f"base-{question_code}": base, "action": "save"},
        HTTP_HX_REQUEST="true",
    )
    page = client.get(url)
    assert "Utkast medan jag var utloggad" not in page.text
    assert "Nyare text" in page.text

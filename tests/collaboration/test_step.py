"""A step page: questions with guidance beside them, saving in every way the page offers."""

from __future__ import annotations

import re
from html import unescape

import pytest

from collaboration.cowriting.contract import text_digest
from collaboration.models import Answer, Method, PhasePrinciple, PhaseQuestion, StepProgress, StepStatus, Tip
from tests.collaboration.helpers import (
    CHECKLIST,
    MALGRUPP,
    MODEL,
    PARTNER,
    PROBLEM,
    autosave_result,
    browser_post,
    phase_review_url,
    post_answers,
    questions,
    step_obj,
    step_url,
    stored,
    task_list_url,
)

pytestmark = pytest.mark.django_db


def progress_status(collaboration, where=PROBLEM):
    progress = StepProgress.objects.filter(collaboration=collaboration, step=step_obj(where)).first()
    return progress.status if progress else None


def test_the_page_shows_every_question_of_the_step_with_a_text_box(cast, officer_client):
    response = officer_client.get(step_url(cast.collaboration))
    assert response.status_code == 200
    html = unescape(response.text)
    for question in questions():
        assert question.text in html
        assert f'name="answer-{question.code}"' in html
        assert f'name="base-{question.code}"' in html
        assert f'id="q-{question.code}"' in html


def test_the_page_shows_the_tips_under_tank_pa(cast, officer_client):
    html = unescape(officer_client.get(step_url(cast.collaboration)).text)
    tips = list(Tip.objects.filter(step=step_obj()))
    assert tips
    assert "Tänk på</h2>" in html
    for tip in tips:
        assert tip.text in html


def test_the_page_shows_the_methods_under_kom_vidare(cast, officer_client):
    html = unescape(officer_client.get(step_url(cast.collaboration)).text)
    methods = list(Method.objects.filter(step=step_obj()))
    assert methods
    assert "Kom vidare</h2>" in html
    for method in methods:
        assert method.title in html
        assert method.text in html


def test_the_page_shows_the_principles_of_its_phase(cast, officer_client):
    html = unescape(officer_client.get(step_url(cast.collaboration)).text)
    links = list(PhasePrinciple.objects.filter(phase=step_obj().phase).select_related("principle"))
    assert {link.principle.slug for link in links} >= {"dialog", "mangfald"}
    for link in links:
        assert link.principle.name in html
        assert link.why in html
    # Kvalitet belongs to the third phase, not this one.
    assert "<strong>Kvalitet</strong>" not in html


def test_the_page_shows_the_questions_for_the_whole_phase(cast, officer_client):
    html = unescape(officer_client.get(step_url(cast.collaboration)).text)
    phase_questions = list(PhaseQuestion.objects.filter(phase=step_obj().phase))
    assert phase_questions
    for question in phase_questions:
        assert question.text in html


def test_a_checklist_step_opens_too(cast, board_client):
    where = (CHECKLIST, "checklista", "varfor")
    response = board_client.get(step_url(cast.collaboration, where))
    assert response.status_code == 200
    assert questions(where)[0].text in unescape(response.text)


def test_an_unknown_step_is_not_found(cast, officer_client):
    assert (
        officer_client.get(step_url(cast.collaboration, (MODEL, "identifiera-och-involvera", "finns-inte"))).status_code
        == 404
    )
    assert (
        officer_client.get(step_url(cast.collaboration, (MODEL, "planera-och-justera", "malgrupp"))).status_code == 404
    )
    assert (
        officer_client.get(
            step_url(cast.collaboration, ("finns-inte", "identifiera-och-involvera", "malgrupp"))
        ).status_code
        == 404
    )


def test_the_answer_is_stored_with_author_and_organisation(cast, officer_client):
    question = questions()[0]
    response = post_answers(officer_client, cast.collaboration, {question: "Barnen i Centrum saknar läxhjälp."})
    assert response.status_code == 302
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert answer.text == "Barnen i Centrum saknar läxhjälp."
    assert answer.updated_by == cast.officer
    assert answer.updated_by_organisation == cast.kommun
    assert answer.version == 1


def test_save_and_continue_goes_to_the_next_step(cast, officer_client):
    response = post_answers(officer_client, cast.collaboration, {questions()[0]: "Svar"}, action="save-continue")
    assert response.status_code == 302
    assert response.url == step_url(cast.collaboration, MALGRUPP)
    assert progress_status(cast.collaboration) == StepStatus.IN_PROGRESS


def test_save_and_continue_from_the_last_step_of_a_phase_goes_to_the_next_phase(cast, officer_client):
    response = post_answers(
        officer_client, cast.collaboration, {questions(PARTNER)[0]: "Svar"}, where=PARTNER, action="save-continue"
    )
    assert response.url == step_url(cast.collaboration, (MODEL, "planera-och-justera", "gemensam-bild"))


def test_save_and_continue_from_the_very_last_step_goes_to_the_task_list(cast, officer_client):
    where = (MODEL, "implementera-och-polera", "utvardera-och-omformulera")
    response = post_answers(
        officer_client, cast.collaboration, {questions(where)[0]: "Svar"}, where=where, action="save-continue"
    )
    assert response.url == task_list_url(cast.collaboration)
    assert stored(cast.collaboration, questions(where)[0]) == "Svar"


def test_save_later_goes_to_the_task_list(cast, officer_client):
    response = post_answers(
        officer_client, cast.collaboration, {questions()[0]: "Fortsätter i morgon"}, action="save-later"
    )
    assert response.status_code == 302
    assert response.url == task_list_url(cast.collaboration)
    assert stored(cast.collaboration, questions()[0]) == "Fortsätter i morgon"
    assert "Dina svar är sparade." in officer_client.get(response.url).text


def test_marking_the_last_open_step_done_leads_to_the_phase_review(cast, officer_client):
    """Not back to an earlier, finished step: what comes next is agreeing on the phase."""
    phase = step_obj(PROBLEM).phase
    steps = list(phase.steps.order_by("order"))
    for step in steps[1:]:
        StepProgress.objects.create(collaboration=cast.collaboration, step=step, status=StepStatus.DONE)
    response = post_answers(officer_client, cast.collaboration, {}, action="save-done", unanswered="confirmed")
    assert response.status_code == 302
    assert response.url == phase_review_url(cast.collaboration)
    page = officer_client.get(response.url).text
    assert "Alla steg i fasen är klara." in page
    # While another step is open, marking one done goes on to the next step, as before.
    StepProgress.objects.filter(collaboration=cast.collaboration, step=steps[-1]).update(status=StepStatus.IN_PROGRESS)
    StepProgress.objects.filter(collaboration=cast.collaboration, step=steps[0]).update(status=StepStatus.IN_PROGRESS)
    again = post_answers(officer_client, cast.collaboration, {}, action="save-done", unanswered="confirmed")
    assert again.url == step_url(cast.collaboration, MALGRUPP)


def test_save_done_marks_the_step_done(cast, officer_client):
    response = post_answers(
        officer_client, cast.collaboration, {questions()[0]: "Klart"}, action="save-done", unanswered="confirmed"
    )
    assert response.status_code == 302
    assert response.url == step_url(cast.collaboration, MALGRUPP)
    assert progress_status(cast.collaboration) == StepStatus.DONE
    page = officer_client.get(step_url(cast.collaboration)).text
    assert "Klar</span>" in page
    assert 'value="reopen"' in page
    assert 'value="save-done"' not in page


def test_save_done_without_new_text_still_marks_the_step_done(cast, officer_client):
    post_answers(officer_client, cast.collaboration, {}, action="save-done", unanswered="confirmed")
    assert progress_status(cast.collaboration) == StepStatus.DONE


def test_reopen_makes_a_done_step_started_again(cast, officer_client):
    post_answers(
        officer_client, cast.collaboration, {questions()[0]: "Klart"}, action="save-done", unanswered="confirmed"
    )
    response = post_answers(officer_client, cast.collaboration, {}, action="reopen")
    assert response.status_code == 302
    assert response.url == step_url(cast.collaboration)
    assert progress_status(cast.collaboration) == StepStatus.IN_PROGRESS
    page = officer_client.get(response.url).text
    assert "är öppnat igen" in page
    assert 'value="save-done"' in page


def test_the_answer_shows_who_changed_it_last(cast, officer_client, board_client):
    post_answers(officer_client, cast.collaboration, {questions()[0]: "Svar från kommunen"})
    html = board_client.get(step_url(cast.collaboration)).text
    assert "Senast ändrat av Tove Tjänsteperson (Halmstads kommun)" in html
    assert "Svar från kommunen" in html

    post_answers(board_client, cast.collaboration, {questions()[0]: "Svar från föreningen"})
    html = officer_client.get(step_url(cast.collaboration)).text
    assert "Senast ändrat av Bo Styrelse (Föreningen Läxhjälp)" in html
    assert "Senast ändrat av Tove" not in html


def test_a_stored_answer_is_in_its_text_box(cast, officer_client):
    question = questions()[1]
    post_answers(officer_client, cast.collaboration, {question: "Det andra svaret"})
    response = officer_client.get(step_url(cast.collaboration))
    assert response.context["form"][f"answer-{question.code}"].value() == "Det andra svaret"
    assert re.search(rf'<textarea name="answer-{question.code}"[^>]*>\s*Det andra svaret</textarea>', response.text)


def test_autosave_stores_the_answer_and_says_saved(cast, officer_client):
    question = questions()[0]
    response = post_answers(
        officer_client, cast.collaboration, {question: "Skrivs just nu"}, action="autosave", htmx=True
    )
    assert response.status_code == 200
    assert re.search(r"Sparat \d{2}:\d{2}", response.text)
    assert "<html" not in response.text  # only the status part, not the page
    assert stored(cast.collaboration, question) == "Skrivs just nu"


def test_autosave_tells_the_page_the_new_base_of_the_saved_box(cast, officer_client):
    question = questions()[0]
    response = post_answers(
        officer_client, cast.collaboration, {question: "Skrivs just nu"}, action="autosave", htmx=True
    )
    result = autosave_result(response, question)
    assert result["outcome"] == "saved"
    assert result["base"] == f"1:{text_digest('Skrivs just nu')}"


def test_autosave_twice_with_the_returned_base_keeps_saving(cast, officer_client):
    question = questions()[0]
    form = browser_post(officer_client.get(step_url(cast.collaboration)))
    post_answers(officer_client, cast.collaboration, {question: "Första"}, form=form, action="autosave", htmx=True)
    form[f"base-{question.code}"] = f"1:{text_digest('Första')}"
    response = post_answers(
        officer_client, cast.collaboration, {question: "Första och andra"}, form=form, action="autosave", htmx=True
    )
    assert "Sparat" in response.text
    assert "Inte sparat" not in response.text
    assert stored(cast.collaboration, question) == "Första och andra"


def test_autosave_without_changes_saves_nothing(cast, officer_client):
    response = post_answers(officer_client, cast.collaboration, {}, action="autosave", htmx=True)
    assert response.status_code == 200
    assert "Sparat" not in response.text
    assert not Answer.objects.exists()
    assert progress_status(cast.collaboration) is None


def test_browser_line_breaks_are_stored_as_plain_newlines(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Rad ett\r\nRad två\r\n\r\nRad fyra"})
    assert stored(cast.collaboration, question) == "Rad ett\nRad två\n\nRad fyra"


def test_leading_and_trailing_spaces_are_kept(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "  indraget\n"})
    assert stored(cast.collaboration, question) == "  indraget\n"


def test_clearing_an_answer_stores_an_empty_text(cast, officer_client):
    question = questions()[0]
    post_answers(officer_client, cast.collaboration, {question: "Något"})
    post_answers(officer_client, cast.collaboration, {question: ""})
    assert stored(cast.collaboration, question) == ""


def test_saving_a_step_sets_a_planned_collaboration_going(cast, officer_client):
    assert cast.collaboration.status == "planerad"
    post_answers(officer_client, cast.collaboration, {questions()[0]: "Nu börjar vi"})
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.status == "pagar"


def test_plain_save_stays_on_the_step(cast, officer_client):
    from django.urls import reverse

    from collaboration.models import Answer

    url = reverse("step", args=[cast.collaboration.code, "samverkansmodellen", "planera-och-justera", "metod"])
    form = officer_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    first = next(name for name in data if name.startswith("answer-"))
    data[first] = "Vi prövar tjänstedesign."
    data["action"] = "save"
    response = officer_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    assert Answer.objects.get(collaboration=cast.collaboration, question__code=first.removeprefix("answer-")).text == (
        "Vi prövar tjänstedesign."
    )


# --- marking a step done with questions left empty: asked once, never silently -------------------


def test_marking_done_with_empty_questions_saves_and_asks_first(cast, officer_client):
    qs = questions()
    response = post_answers(officer_client, cast.collaboration, {qs[0]: "Det vi vet hittills"}, action="save-done")
    assert response.status_code == 200
    empty = len(qs) - 1
    assert f"{empty} frågor saknar svar – markera ändå som klar?" in response.text
    assert "Markera ändå som klart" in response.text
    assert "Fortsätt skriva" in response.text
    assert qs[1].text in response.text
    # What was typed is saved, and the step is not done yet.
    assert stored(cast.collaboration, qs[0]) == "Det vi vet hittills"
    assert progress_status(cast.collaboration) == StepStatus.IN_PROGRESS


def test_confirming_marks_the_step_done_and_keeps_the_saved_text(cast, officer_client):
    qs = questions()
    post_answers(officer_client, cast.collaboration, {qs[0]: "Det vi vet hittills"}, action="save-done")
    # The confirmation page's button posts only the action and the confirmation, no answers.
    response = officer_client.post(step_url(cast.collaboration), {"action": "save-done", "unanswered": "confirmed"})
    assert response.status_code == 302
    assert response.url == step_url(cast.collaboration, MALGRUPP)
    assert progress_status(cast.collaboration) == StepStatus.DONE
    assert stored(cast.collaboration, qs[0]) == "Det vi vet hittills"


def test_continue_writing_leads_back_to_the_step_with_the_text(cast, officer_client):
    qs = questions()
    response = post_answers(officer_client, cast.collaboration, {qs[0]: "Det vi vet hittills"}, action="save-done")
    assert f'href="{step_url(cast.collaboration)}"' in response.text
    assert "Det vi vet hittills" in officer_client.get(step_url(cast.collaboration)).text


def test_a_step_with_every_question_answered_is_marked_done_without_asking(cast, officer_client):
    texts = {q: f"Svar {i}" for i, q in enumerate(questions())}
    response = post_answers(officer_client, cast.collaboration, texts, action="save-done")
    assert response.status_code == 302
    assert progress_status(cast.collaboration) == StepStatus.DONE


def test_one_empty_question_is_named_in_the_singular(cast, officer_client):
    qs = questions()
    texts = {q: f"Svar {i}" for i, q in enumerate(qs[1:])}
    response = post_answers(officer_client, cast.collaboration, texts, action="save-done")
    assert "1 fråga saknar svar – markera ändå som klar?" in response.text

"""Who may open and change the guided process: every party member; nobody else learns it exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from collaboration.models import Answer, FormChoice, Party, PartyState, PhaseCompletion, PhaseConfirmation, Role, Step
from tests.collaboration.helpers import (
    CHECKLIST,
    MODEL,
    NEW_BASE,
    PHASE_1,
    guide_review_url,
    history_url,
    login_url,
    mark_steps,
    phase_review_url,
    questions,
    revision_url,
    step_url,
    task_list_url,
    write_answer,
)
from tests.conftest import Cast, client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MEMBERS = ["officer", "board_member", "coordinator", "civil_coordinator"]
POSTED_TEXT = "Skrivet av någon i behörighetstestet"


@dataclass
class Case:
    method: str
    url: Callable[[Cast], str]
    data: Callable[[Cast], dict[str, Any]] = lambda cast: {}
    changed: Callable[[Cast], bool] | None = None  # for POSTs: did the request change anything?


def _step_post(cast: Cast) -> dict[str, Any]:
    question = questions()[1]
    return {f"answer-{question.code}": POSTED_TEXT, f"base-{question.code}": NEW_BASE, "action": "save-later"}


def _chooser_post(cast: Cast) -> dict[str, Any]:
    answers = dict.fromkeys(
        ["temporary", "established", "general_support", "market", "shared_challenge", "input_wanted"], "nej"
    )
    return {**answers, "initiative": "offentlig", "action": "choose", "chosen_form": "dialog", "reason": "Prövar"}


CASES = {
    "task_list_model": Case("get", lambda c: task_list_url(c.collaboration)),
    "task_list_checklist": Case("get", lambda c: task_list_url(c.collaboration, CHECKLIST)),
    "step_get": Case("get", lambda c: step_url(c.collaboration)),
    "step_post": Case(
        "post",
        lambda c: step_url(c.collaboration),
        _step_post,
        lambda c: Answer.objects.filter(text=POSTED_TEXT).exists(),
    ),
    "guide_review": Case("get", lambda c: guide_review_url(c.collaboration)),
    "phase_review_get": Case("get", lambda c: phase_review_url(c.collaboration)),
    "phase_review_post": Case(
        "post",
        lambda c: phase_review_url(c.collaboration),
        lambda c: {"action": "confirm"},
        lambda c: PhaseConfirmation.objects.exists(),
    ),
    "step_history": Case("get", lambda c: history_url(c.collaboration)),
    "revision_detail": Case("get", lambda c: revision_url(c.collaboration, questions()[0], 1)),
    "form_chooser_get": Case("get", lambda c: reverse("form_chooser", args=[c.collaboration.code])),
    "form_chooser_post": Case(
        "post",
        lambda c: reverse("form_chooser", args=[c.collaboration.code]),
        _chooser_post,
        lambda c: FormChoice.objects.exists(),
    ),
}


@pytest.fixture
def process(cast: Cast) -> Cast:
    """A process with something to see: an answer with a revision, and phase 1's steps all done."""
    write_answer(cast.collaboration, questions()[0], "Ett befintligt svar", cast.officer, cast.kommun)
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    return cast


def request(client, case: Case, cast: Cast):
    if case.method == "get":
        return client.get(case.url(cast))
    return client.post(case.url(cast), case.data(cast))


@pytest.mark.parametrize("role", MEMBERS)
@pytest.mark.parametrize("name", list(CASES))
def test_party_members_can_use_every_process_page(process, role, name):
    case = CASES[name]
    response = request(client_for(getattr(process, role)), case, process)
    if case.method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert not response.url.startswith(login_url())
        assert case.changed is not None
        assert case.changed(process)


@pytest.mark.parametrize("name", list(CASES))
def test_an_outsider_gets_not_found_and_changes_nothing(process, name):
    case = CASES[name]
    response = request(client_for(process.outsider), case, process)
    assert response.status_code == 404
    assert "Läxhjälp i Centrum" not in response.text
    if case.changed is not None:
        assert not case.changed(process)


@pytest.mark.parametrize("name", list(CASES))
def test_a_former_member_gets_not_found(process, name):
    former = MembershipFactory(organisation=process.kommun, role=Role.OFFICER, is_active=False).user
    case = CASES[name]
    response = request(client_for(former), case, process)
    assert response.status_code == 404
    if case.changed is not None:
        assert not case.changed(process)


@pytest.mark.parametrize("name", list(CASES))
def test_an_anonymous_visitor_is_sent_to_sign_in_and_changes_nothing(process, name):
    case = CASES[name]
    response = request(client_for(None), case, process)
    assert response.status_code == 302
    assert response.url.startswith(login_url())
    assert "next=" in response.url
    if case.changed is not None:
        assert not case.changed(process)


@pytest.mark.parametrize("state", [PartyState.INVITED, PartyState.DECLINED, PartyState.LEFT])
@pytest.mark.parametrize("name", list(CASES))
def test_an_organisation_that_has_not_accepted_sees_nothing_of_the_process(process, state, name):
    """Invited (not yet answered), declined or departed: every process page is 404 and nothing changes."""
    Party.objects.filter(collaboration=process.collaboration, organisation=process.forening).update(state=state)
    case = CASES[name]
    for role in ("board_member", "civil_coordinator"):
        response = request(client_for(getattr(process, role)), case, process)
        assert response.status_code == 404, role
        assert "Läxhjälp i Centrum" not in response.text
        assert "Ett befintligt svar" not in response.text
        if case.changed is not None:
            assert not case.changed(process)


GET_ONLY = ["task_list_model", "task_list_checklist", "guide_review", "step_history", "revision_detail"]


@pytest.mark.parametrize("name", GET_ONLY)
def test_read_only_process_pages_refuse_a_post(process, name):
    response = client_for(process.officer).post(CASES[name].url(process), {"action": "complete"})
    assert response.status_code == 405
    assert not PhaseCompletion.objects.exists()


def test_an_unknown_collaboration_is_not_found_for_a_member(process, officer_client):
    import uuid

    assert officer_client.get(reverse("task_list", args=[uuid.uuid4(), MODEL])).status_code == 404


def test_an_outsider_cannot_read_an_answer_through_the_step_page(process, outsider_client):
    response = outsider_client.get(step_url(process.collaboration))
    assert response.status_code == 404
    assert "Ett befintligt svar" not in response.text

"""Agreeing on a phase, attacked: stale pages, other parties, two people at once."""

from __future__ import annotations

import pytest

from collaboration.models import (
    Party,
    PartyState,
    PhaseCompletion,
    PhaseConfirmation,
    Status,
    Step,
)
from collaboration.parties import party_answer, party_invite, party_leave
from tests.collaboration.helpers import (
    MODEL,
    PHASE_1,
    PROBLEM,
    mark_steps,
    phase_review_url,
    post_answers,
    questions,
)

pytestmark = pytest.mark.django_db

CONFIRM = {"action": "confirm"}


def phase_steps(phase: str = PHASE_1) -> list[Step]:
    return list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=phase).order_by("order"))


def test_a_party_that_left_and_came_back_is_asked_again(cast, officer_client, board_client):
    """The förening confirmed, left, and was invited again; its old 'Vi är överens' must not complete the phase."""
    mark_steps(cast.collaboration, phase_steps())
    board_client.post(phase_review_url(cast.collaboration), CONFIRM)
    party = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    party_leave(party=party, user=cast.civil_coordinator, message="Vi hinner inte.")
    # While the förening is away the kommun rewrites the joint answers, then invites the förening again.
    post_answers(officer_client, cast.collaboration, {questions(PROBLEM)[0]: "Kommunens nya text."})
    party = party_invite(
        collaboration=cast.collaboration,
        organisation=cast.forening,
        user=cast.officer,
        inviting_organisation=cast.kommun,
    )
    party_answer(party=party, user=cast.civil_coordinator, accept=True)
    assert Party.objects.get(pk=party.pk).state == PartyState.ACCEPTED
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert not PhaseCompletion.objects.exists(), (
        "the phase completed on a confirmation the förening gave before it left"
    )


def test_changing_a_joint_answer_after_a_party_confirmed_does_not_complete_on_the_old_confirmation(
    cast, officer_client, board_client
):
    """The kommun said 'Vi är överens' about a text; the förening rewrites it and confirms alone."""
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    question = questions(PROBLEM)[0]
    response = post_answers(board_client, cast.collaboration, {question: "Helt annat problem än vi kom överens om."})
    assert response.status_code == 302
    board_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert not PhaseCompletion.objects.exists(), "the phase is 'agreed' on a text the kommun never saw"


def test_reopening_a_phase_of_an_ended_collaboration_keeps_it_ended(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    board_client.post(phase_review_url(cast.collaboration), CONFIRM)
    from django.urls import reverse

    officer_client.post(reverse("collaboration_end", args=[cast.collaboration.code]), {"closing_note": "Klart."})
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.is_ended
    assert cast.collaboration.status == Status.FINISHED
    response = officer_client.post(phase_review_url(cast.collaboration), {"action": "reopen", "reason": "Fel"})
    cast.collaboration.refresh_from_db()
    assert response.status_code in (302, 400, 404)
    assert cast.collaboration.status == Status.FINISHED or not cast.collaboration.is_ended, (
        f"an ended collaboration now says '{cast.collaboration.get_status_display()}' although it is ended"
    )


def test_an_ended_collaboration_takes_no_new_confirmations(cast, officer_client):
    from django.urls import reverse

    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(reverse("collaboration_end", args=[cast.collaboration.code]), {"closing_note": "Klart."})
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert not PhaseConfirmation.objects.exists(), "an ended collaboration is still being agreed on"


def test_a_double_click_on_vi_ar_overens_is_not_answered_with_an_error(cast, officer_client):
    """The second click of a double click arrives after the first confirmation is stored."""
    mark_steps(cast.collaboration, phase_steps())
    page = officer_client.get(phase_review_url(cast.collaboration)).content.decode()
    import re

    posted = dict(
        re.findall(r'<form method="post" class="confirm-phase">.*?name="(organisation)" value="([^"]+)"', page, re.S)
    )
    posted.update(CONFIRM)
    first = officer_client.post(phase_review_url(cast.collaboration), posted)
    second = officer_client.post(phase_review_url(cast.collaboration), posted)
    assert first.status_code == 302
    second_text = second.content.decode()
    assert second.status_code == 302, f"the second click answers {second.status_code}: " + " ".join(
        m for m in ["Välj en av parterna i listan.", "Välj vilken part du bekräftar för."] if m in second_text
    )
    assert PhaseConfirmation.objects.count() == 1

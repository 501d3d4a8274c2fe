"""Attacks on 'what is expected of you' must point at things one can and should do."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from collaboration.collaborations import collaboration_archive, collaboration_end
from collaboration.models import Party, Step
from collaboration.parties import party_leave
from tests.collaboration.helpers import MODEL, PHASE_1, mark_steps, share_url

pytestmark = pytest.mark.django_db


def home_text(client) -> str:
    return html.unescape(client.get(reverse("home")).content.decode())


def test_an_ended_and_archived_collaboration_no_longer_asks_to_confirm_a_phase(cast, officer_client):
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    assert "Bekräfta för Halmstads kommun" in home_text(officer_client)
    collaboration_end(
        collaboration=cast.collaboration, user=cast.officer, acting_organisation=cast.kommun, closing_note="Klart."
    )
    collaboration_archive(collaboration=cast.collaboration, user=cast.officer, acting_organisation=cast.kommun)
    assert "Bekräfta för Halmstads kommun" not in home_text(officer_client), (
        "the start page still asks the kommun to agree on a phase of an ended, archived collaboration"
    )


def test_a_party_that_left_is_not_named_as_having_shared_something_to_read(cast, officer_client, board_client):
    board_client.post(share_url(cast.collaboration), {"action": "share"})
    assert "Läs vad Föreningen Läxhjälp har delat" in home_text(officer_client)
    party = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    party_leave(party=party, user=cast.civil_coordinator)
    assert "Läs vad Föreningen Läxhjälp har delat" not in home_text(officer_client), (
        "the kommun is sent to read answers of a party that left; the comparison no longer shows them"
    )

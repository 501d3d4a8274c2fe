"""Consent changes are race-safe: two people answering or leaving at the same moment (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from collaboration.models import Party, PartyState
from collaboration.parties import LastPartyError, PartyStateError, party_answer, party_leave
from tests.conftest import Cast
from tests.factories import PartyFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads that start together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_accepting_at_once_accept_once(cast: Cast):
    party = PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, invited_by=cast.officer)
    results = at_once(
        lambda: party_answer(party=party, user=cast.outsider, accept=True, message="Först"),
        lambda: party_answer(party=party, user=cast.outsider, accept=True, message="Sedan"),
    )
    assert all(isinstance(r, Party) for r in results), results
    party.refresh_from_db()
    assert party.state == PartyState.ACCEPTED
    assert party.message in {"Först", "Sedan"}


def test_an_accept_and_a_decline_at_once_give_one_answer(cast: Cast):
    party = PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, invited_by=cast.officer)
    results = at_once(
        lambda: party_answer(party=party, user=cast.outsider, accept=True),
        lambda: party_answer(party=party, user=cast.outsider, accept=False),
    )
    assert sum(isinstance(r, PartyStateError) for r in results) == 1, results
    party.refresh_from_db()
    assert party.state in {PartyState.ACCEPTED, PartyState.DECLINED}


def test_the_last_two_parties_leaving_at_once_leave_one_behind(cast: Cast):
    kommun = Party.objects.get(collaboration=cast.collaboration, organisation=cast.kommun)
    forening = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    results = at_once(
        lambda: party_leave(party=kommun, user=cast.coordinator),
        lambda: party_leave(party=forening, user=cast.civil_coordinator),
    )
    assert sum(isinstance(r, LastPartyError) for r in results) == 1, results
    assert Party.objects.filter(collaboration=cast.collaboration, state=PartyState.ACCEPTED).count() == 1

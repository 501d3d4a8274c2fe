"""Attacks with volume: the per-party pages make a fixed number of queries however much data there is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.models import PartyState, Role
from principles.models import Principle
from tests.collaboration.helpers import CHECKLIST_WHY, questions, share_url, write_answer
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    client.get(url)  # the process reads a guide's content once and keeps it (collaboration.guidance.cache)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_party_that_rates_and_shares(cast, n: int) -> None:
    org = OrganisationFactory(name=f"Förening {n}")
    person = MembershipFactory(organisation=org, role=Role.BOARD_MEMBER).user
    PartyFactory(collaboration=cast.collaboration, organisation=org, state=PartyState.ACCEPTED)
    client = client_for(person)
    client.post(
        reverse("principle_rate", args=[cast.collaboration.code]),
        {f"rating-{p.slug}": "samtal" for p in Principle.objects.all()} | {"part": str(org.code)},
    )
    write_answer(cast.collaboration, questions(CHECKLIST_WHY)[0], f"Svar {n}", person, org, party=org)
    client.post(share_url(cast.collaboration), {"action": "share"})


@pytest.mark.parametrize("name", ["principle_check", "activity_log", "compare", "collaboration_detail", "home"])
def test_pages_do_not_grow_with_parties(cast, officer_client, name):
    urls = {
        "principle_check": reverse("principle_check", args=[cast.collaboration.code]),
        "activity_log": reverse("activity_log", args=[cast.collaboration.code]),
        "compare": reverse("phase_compare", args=[cast.collaboration.code, "infor-forsta-samtalet", "checklista"]),
        "collaboration_detail": reverse("collaboration_detail", args=[cast.collaboration.code]),
        "home": reverse("home"),
    }
    add_party_that_rates_and_shares(cast, 1)
    few = count(officer_client, urls[name])
    for n in range(2, 7):
        add_party_that_rates_and_shares(cast, n)
    assert count(officer_client, urls[name]) == few

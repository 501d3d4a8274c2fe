"""The overview's pages run a fixed number of queries, however many collaborations the organisation has."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Agreement, AgreementState, Collaboration, CollaborationForm, Party, PartyState, Phase
from tests.factories import OrganisationFactory, PublicOrganisationFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("overview", {}),
    ("overview", {"sektor": "ideburen", "sok": "samverkan", "ordning": "titel", "sida": "2"}),
    ("overview_statistics", {}),
    ("overview_statistics", {"status": "pagar", "inaktiv": "on"}),
    ("overview_statistics", {"avsiktsforklaring": "faststalld"}),
    ("overview_mapping", {}),
]


def add_collaborations(organisation, partners, count: int) -> None:
    """`count` collaborations of `organisation` with varied forms, phases, years and partners (bulk: fast)."""
    forms = [*list(CollaborationForm.objects.all()), None]
    phases = [*list(Phase.objects.filter(guide__slug="samverkansmodellen", kind="phase")), None]
    created = Collaboration.objects.bulk_create(
        [
            Collaboration(
                title=f"Samverkan nummer {i}",
                form=forms[i % len(forms)],
                current_phase=phases[i % len(phases)],
                status=["planerad", "pagar", "avslutad"][i % 3],
                starts_on=date(2019 + i % 7, 1 + i % 12, 1),
            )
            for i in range(count)
        ]
    )
    parties = []
    for i, collaboration in enumerate(created):
        parties.append(Party(collaboration=collaboration, organisation=organisation, state=PartyState.ACCEPTED))
        parties.append(
            Party(collaboration=collaboration, organisation=partners[i % len(partners)], state=PartyState.ACCEPTED)
        )
    Party.objects.bulk_create(parties)
    states = [AgreementState.UTKAST, AgreementState.GRANSKNING, AgreementState.FASTSTALLD, None]
    Agreement.objects.bulk_create(
        [
            Agreement(
                collaboration=collaboration,
                state=states[i % 4],
                adopted_at=timezone.now() if states[i % 4] == AgreementState.FASTSTALLD else None,
            )
            for i, collaboration in enumerate(created)
            if states[i % 4] is not None
        ]
    )


def count_queries(client: Client, url: str, params: dict[str, str]) -> int:
    client.get(url, params)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_the_number_of_queries_does_not_grow_with_the_collaborations(cast, coordinator_client, name, params):
    partners = [
        OrganisationFactory(name="Föreningen Ett"),
        OrganisationFactory(name="Stiftelsen Två", kind="stiftelse"),
        PublicOrganisationFactory(name="Region Tre", kind="region"),
    ]
    url = reverse(name, args=[cast.kommun.code])
    add_collaborations(cast.kommun, partners, 10)
    few = count_queries(coordinator_client, url, params)
    add_collaborations(cast.kommun, partners, 990)
    assert Collaboration.objects.with_party(cast.kommun).count() == 1001
    many = count_queries(coordinator_client, url, params)
    assert many == few, f"{name}: {few} queries with 11 collaborations, {many} with 1,001"
    assert few <= 20

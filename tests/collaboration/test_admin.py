"""The collaboration app's parts of the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_persons_admin_page_shows_their_memberships(admin_client, cast):
    page = admin_client.get(reverse("admin:portal_user_change", args=[cast.officer.pk]))
    assert page.status_code == 200
    assert "Halmstads kommun" in page.text  # the membership inline the collaboration app adds


def test_a_phase_admin_page_edits_its_principles(admin_client, cast):
    from collaboration.models import PhasePrinciple

    link = PhasePrinciple.objects.select_related("phase").first()
    page = admin_client.get(reverse("admin:collaboration_phase_change", args=[link.phase_id]))
    assert page.status_code == 200
    assert link.why in page.text

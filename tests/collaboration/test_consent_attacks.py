"""Organisations an attacker cannot take over, and invitations that are what the coordinator last sent."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from collaboration.models import Invitation, Membership, Organisation, Role
from tests.conftest import client_for
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _invite(client: Client, organisation: Organisation, email: str, role: str, capture):
    with capture(execute=True):
        return client.post(reverse("invitation_create", args=[organisation.code]), {"email": email, "role": role})


def _membership_url(membership: Membership) -> str:
    return reverse("membership_edit", args=[membership.organisation.code, membership.code])


def test_the_registering_side_cannot_make_its_own_officer_first_coordinator_by_deactivating_them_for_a_moment(
    cast, django_capture_on_commit_callbacks
):
    """Rule: the first coordinator is not one of the registering organisation's people unless an admin
    approves. The kommun's coordinator deactivates a colleague, invites them, and turns them back on."""
    squatted = OrganisationFactory(name="Stockholms stad", registered_by=cast.kommun, verified_at=None)
    coordinator = client_for(cast.coordinator)
    colleague = Membership.objects.get(user=cast.officer, organisation=cast.kommun)

    assert coordinator.post(_membership_url(colleague), {"role": Role.OFFICER, "is_active": "0"}).status_code == 302
    _invite(coordinator, squatted, cast.officer.email, Role.COORDINATOR, django_capture_on_commit_callbacks)
    assert coordinator.post(_membership_url(colleague), {"role": Role.OFFICER, "is_active": "1"}).status_code == 302

    link = re.search(r"https?://\S+/inbjudan/[^/\s]+/", mail.outbox[-1].body)
    if link is not None:
        officer = client_for(cast.officer)
        officer.post(urlsplit(link.group(0)).path)
    assert not Membership.objects.filter(
        organisation=squatted, user=cast.officer, role=Role.COORDINATOR, is_active=True
    ).exists(), "the registering kommun's own officer now coordinates the organisation it registered"


def test_inviting_again_with_the_first_role_after_changing_it_sends_that_invitation(
    cast, coordinator_client, django_capture_on_commit_callbacks
):
    """Invite as officer, correct it to coordinator (which revokes the first), then back to officer: the third
    POST equals the first, so create-once sends the coordinator to the revoked invitation and sends nothing."""
    email = "ny.kollega@halmstad.se"
    for role in (Role.OFFICER, Role.COORDINATOR, Role.OFFICER):
        response = _invite(coordinator_client, cast.kommun, email, role, django_capture_on_commit_callbacks)
        assert response.status_code == 302
    pending = [i for i in Invitation.objects.filter(organisation=cast.kommun, email=email) if i.is_pending]
    assert [i.role for i in pending] == [Role.OFFICER], f"pending invitations: {[i.role for i in pending]}"

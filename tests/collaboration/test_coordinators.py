"""An organisation always keeps at least one active coordinator, also under concurrency and stale invitations."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from collaboration.models import Invitation, Membership, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

LAST_COORDINATOR = "måste ha minst en aktiv samordnare. Utse en ny samordnare först."


def edit_url(membership: Membership) -> str:
    return reverse("membership_edit", args=[membership.organisation.code, membership.code])


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_demoting_each_other_at_once_leave_one_coordinator_and_no_server_error(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes one write lock per transaction, so it cannot deadlock here")
    organisation = OrganisationFactory(name="Föreningen Två Samordnare")
    first = MembershipFactory(organisation=organisation, role=Role.COORDINATOR)
    second = MembershipFactory(organisation=organisation, role=Role.COORDINATOR)

    # Hold each change just before it writes until the other one has read too: that is the
    # moment two requests at once meet. A request that is made to wait for the other's lock
    # never gets here, so the barrier gives up after a short while.
    barrier = threading.Barrier(2, timeout=3)
    original_save = Membership.save

    def save_when_both_have_read(self, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "save", save_when_both_have_read)

    responses: dict[str, object] = {}

    def demote(name: str, actor: Membership, target: Membership) -> None:
        try:
            client = client_for(actor.user)
            client.raise_request_exception = False
            responses[name] = client.post(edit_url(target), {"role": Role.BOARD_MEMBER, "is_active": "1"})
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=("first demotes second", first, second)),
        threading.Thread(target=demote, args=("second demotes first", second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in responses.values())  # type: ignore[attr-defined]
    assert statuses == [200, 302], statuses
    refused = next(r for r in responses.values() if r.status_code == 200)  # type: ignore[attr-defined]
    assert LAST_COORDINATOR in refused.text  # type: ignore[attr-defined]
    coordinators = Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR, is_active=True)
    assert coordinators.count() == 1


@pytest.mark.django_db
def test_a_stale_invitation_accepted_by_the_last_coordinator_does_not_take_the_role_away(
    cast, django_capture_on_commit_callbacks
):
    """Nina is invited as officer while deactivated, becomes the only coordinator, then accepts the old link."""
    nina = UserFactory(full_name="Nina Ny")
    membership = MembershipFactory(user=nina, organisation=cast.kommun, role=Role.OFFICER, is_active=False)
    coordinator_client = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("invitation_create", args=[cast.kommun.code]), {"email": nina.email, "role": Role.OFFICER}
        )
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert Invitation.objects.pending().filter(email=nina.email).exists()

    # Meanwhile: Nina is made coordinator, and the other coordinator steps down.
    assert (
        coordinator_client.post(edit_url(membership), {"role": Role.COORDINATOR, "is_active": "1"}).status_code == 302
    )
    own = Membership.objects.get(user=cast.coordinator, organisation=cast.kommun)
    stepping_down = {"role": Role.OFFICER, "is_active": "1", "confirm": "1"}
    assert coordinator_client.post(edit_url(own), stepping_down).status_code == 302

    response = client_for(nina).post(link)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    assert membership.is_active
    assert cast.kommun.has_active_coordinator()


@pytest.mark.django_db
def test_an_invitation_still_reactivates_a_member_with_the_invited_role(cast, django_capture_on_commit_callbacks):
    nina = UserFactory(full_name="Nina Ny")
    membership = MembershipFactory(user=nina, organisation=cast.kommun, role=Role.COORDINATOR, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.coordinator).post(
            reverse("invitation_create", args=[cast.kommun.code]), {"email": nina.email, "role": Role.OFFICER}
        )
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]

    assert client_for(nina).post(link).status_code == 302

    membership.refresh_from_db()
    assert membership.role == Role.OFFICER
    assert membership.is_active

"""A double click on "Skapa konto" on an invitation (needs PostgreSQL for real concurrency)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from collaboration.forms.organisations import AcceptInvitationForm
from collaboration.models import Invitation, Role
from portal.models import User
from tests.factories import MembershipFactory, PublicOrganisationFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrency")
def test_a_double_click_on_creating_the_account_is_no_server_error(monkeypatch):
    kommun = PublicOrganisationFactory(name="Halmstads kommun")
    inviter = MembershipFactory(organisation=kommun, role=Role.COORDINATOR).user
    _invitation, token = Invitation.issue(
        organisation=kommun, email="ny@halmstad.se", role=Role.OFFICER, invited_by=inviter
    )
    url = reverse("invitation_accept", args=[token])

    barrier = threading.Barrier(2)
    real_is_valid = AcceptInvitationForm.is_valid

    def both_have_read(self):  # both clicks have found the invitation usable and no account yet
        valid = real_is_valid(self)
        barrier.wait(timeout=10)
        return valid

    monkeypatch.setattr(AcceptInvitationForm, "is_valid", both_have_read)
    statuses: list[int] = []

    def click() -> None:
        client = Client(raise_request_exception=False)
        response = client.post(
            url, {"full_name": "Nina Ny", "password1": "ett-langt-losenord-77", "password2": "ett-langt-losenord-77"}
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert User.objects.filter(email="ny@halmstad.se").count() == 1
    assert 500 not in statuses, f"statuses {statuses}: the second click ends in a server error"

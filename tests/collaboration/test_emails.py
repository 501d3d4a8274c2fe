"""Mail that goes out: names on one line, plain-text subjects, and a sender told when nothing went out."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from collaboration.models import Invitation, MailStatus, Organisation, OrganisationKind, Role, Sector
from portal.models import User
from tests.factories import organisation_number

pytestmark = pytest.mark.django_db

NEW_EMAIL = "ny.person@exempel.se"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    def post(client: Client, organisation: Organisation, email: str = NEW_EMAIL, role: str = Role.COORDINATOR):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("invitation_create", args=[organisation.code]), {"email": email, "role": role}, follow=True
            )

    return post


def register(client: Client, name: str):
    return client.post(
        reverse("organisation_create"),
        {
            "name": name,
            "kind": OrganisationKind.FORENING.value,
            "sector": Sector.CIVIL.value,
            "organisation_number": organisation_number(91_234),
        },
    )


@pytest.mark.parametrize(
    "typed",
    [
        "Föreningen\nLäxhjälp Halmstad",
        "Föreningen\u2028Läxhjälp\u2029Halmstad",
        "  Föreningen \t Läxhjälp\r\n Halmstad\x00 ",
        "Föreningen\u202e Läxhjälp Halmstad",
    ],
)
def test_a_registered_organisations_name_is_stored_on_one_line(cast, coordinator_client, typed):
    response = register(coordinator_client, typed)
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Föreningen Läxhjälp Halmstad").exists()


def test_a_name_of_only_line_breaks_is_no_name(cast, coordinator_client):
    response = register(coordinator_client, "\u2028\n ")
    assert response.status_code == 200
    assert response.context["form"].has_error("name", "required")
    assert "Ange organisationens namn." in response.text


def test_the_admin_cleans_an_organisations_name_too(cast):
    organisation = Organisation(
        name="Stiftelsen\u2028Sommarljus",
        kind=OrganisationKind.STIFTELSE,
        sector=Sector.CIVIL,
        organisation_number=organisation_number(91_235),
    )
    organisation.full_clean()
    assert organisation.name == "Stiftelsen Sommarljus"


def test_a_new_members_name_is_stored_on_one_line(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun, role=Role.OFFICER)
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    password = "mitt-eget-langa-losenord-789"

    response = Client().post(link, {"full_name": "Nina\u2028Ny\n", "password1": password, "password2": password})

    assert response.status_code == 302
    assert User.objects.get(email=NEW_EMAIL).full_name == "Nina Ny"


def test_an_invitation_subject_is_plain_text(cast, coordinator_client, invite):
    organisation = Organisation.objects.create(
        name='Föreningen "Läxhjälp" & Co',
        kind=OrganisationKind.FORENING,
        sector=Sector.CIVIL,
        organisation_number=organisation_number(91_236),
        registered_by=cast.kommun,
    )
    invite(coordinator_client, organisation)
    assert mail.outbox[0].subject == 'Du är inbjuden till Föreningen "Läxhjälp" & Co i Samverkansportalen'


def test_a_name_stored_with_a_line_break_before_cleaning_still_gets_its_mail(cast, coordinator_client, invite):
    """Names stored before they were cleaned: the subject is still one line and the mail goes out."""
    Organisation.objects.filter(pk=cast.kommun.pk).update(name="Halmstads\u2028kommun")
    response = invite(coordinator_client, cast.kommun)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Du är inbjuden till Halmstads kommun i Samverkansportalen"
    assert f"En inbjudan till {NEW_EMAIL} skickas nu." in response.text


@pytest.fixture
def invite_committed():
    """Post the invitation form outside any test transaction: the mail goes out at the real commit."""

    def post(client: Client, organisation: Organisation, email: str = NEW_EMAIL, role: str = Role.COORDINATOR):
        return client.post(
            reverse("invitation_create", args=[organisation.code]), {"email": email, "role": role}, follow=True
        )

    return post


@pytest.mark.django_db(transaction=True)
def test_the_sender_is_told_when_the_invitation_mail_does_not_go_out(
    cast, coordinator_client, invite_committed, monkeypatch, caplog
):
    def relay_down(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", relay_down)

    with caplog.at_level(logging.ERROR, logger="collaboration.tasks"):
        response = invite_committed(coordinator_client, cast.kommun)

    assert response.status_code == 200
    assert f"Inbjudan till {NEW_EMAIL} kunde inte skickas: e-postmeddelandet gick inte iväg." in response.text
    assert "En inbjudan har skickats" not in response.text
    assert 'class="message message--warning"' in response.text
    # The invitation is not left waiting as if it had been sent: the organisation page says it failed.
    assert Invitation.objects.get(email=NEW_EMAIL).mail_status == MailStatus.FAILED
    assert "E-postmeddelandet kunde inte skickas. Bjud in igen" in response.text
    assert "The invitation e-mail to ny.person@exempel.se could not be sent" in caplog.text
    assert "SMTPServerDisconnected" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_inviting_again_after_a_failed_mail_works(cast, coordinator_client, invite_committed, monkeypatch):
    def relay_down(self, messages):
        raise OSError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", relay_down)
        invite_committed(coordinator_client, cast.kommun)
    response = invite_committed(coordinator_client, cast.kommun)
    assert f"En inbjudan har skickats till {NEW_EMAIL}." in response.text
    assert Invitation.objects.pending().filter(email=NEW_EMAIL).count() == 1
    assert len(mail.outbox) == 1

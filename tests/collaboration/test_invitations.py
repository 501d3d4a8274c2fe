"""Coordinators invite people by e-mail; the link is single-use, expires and can be replaced."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Invitation, Membership, Organisation, Role
from portal.models import User
from tests.conftest import client_for
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_EMAIL = "ny.person@exempel.se"
NEW_PASSWORD = "mitt-eget-langa-losenord-789"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form as `client` and return the response; the e-mail goes out on commit."""

    def post(client: Client, organisation: Organisation, email: str = NEW_EMAIL, role: str = Role.OFFICER):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("invitation_create", args=[organisation.code]), {"email": email, "role": role})

    return post


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://127.0.0.1:8000(/inbjudan/[A-Za-z0-9_\-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def accept_as_new_user(client: Client, link: str, name: str = "Nina Ny"):
    return client.post(link, {"full_name": name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_a_coordinator_invites_someone_by_email(cast, coordinator_client, invite):
    response = invite(coordinator_client, cast.kommun)

    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[cast.kommun.code])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    assert "Sam Samordnare har bjudit in dig att arbeta för Halmstads kommun" in message.body
    assert "med rollen Tjänsteperson" in message.body
    link = link_in(message)
    assert link in message.alternatives[0].content

    page = coordinator_client.get(response.url)
    # The page was answered before the test's transaction committed, so the mail was still queued.
    assert f"En inbjudan till {NEW_EMAIL} skickas nu." in page.text
    assert f"{NEW_EMAIL} – Tjänsteperson" in page.text
    assert "E-post: skickad." in page.text


def test_only_a_hash_of_the_link_is_stored(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_the_link_shows_a_form_to_choose_a_password(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    response = Client().get(link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert "Välkommen till Halmstads kommun" in response.text
    assert f"Du har bjudits in som Tjänsteperson. Du loggar in med {NEW_EMAIL}." in response.text
    assert 'name="full_name"' in response.text
    assert 'name="password1"' in response.text
    assert 'name="password2"' in response.text


def test_accepting_creates_the_account_and_membership_and_signs_in(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun, role=Role.COORDINATOR)
    link = link_in(mail.outbox[0])
    client = Client()

    response = accept_as_new_user(client, link)

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email=NEW_EMAIL)
    assert user.full_name == "Nina Ny"
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.organisation == cast.kommun
    assert membership.role == Role.COORDINATOR
    assert membership.is_active
    assert client.session[SESSION_KEY] == str(user.pk)
    start = client.get(response.url)
    assert "Välkommen! Du är nu med i Halmstads kommun." in start.text
    assert "Läxhjälp i Centrum" in start.text
    assert Invitation.objects.get(email=NEW_EMAIL).accepted_at is not None


def test_the_new_account_can_sign_in_with_the_chosen_password(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    accept_as_new_user(Client(), link_in(mail.outbox[0]))
    client = Client()
    response = client.post(reverse("login"), {"username": NEW_EMAIL, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(User.objects.get(email=NEW_EMAIL).pk)


@pytest.mark.parametrize(
    ("password1", "password2", "field", "code", "message"),
    [
        (NEW_PASSWORD, "något-annat-lösenord", "password2", "password_mismatch", "Lösenorden är inte lika."),
        (
            "kort",
            "kort",
            "password1",
            "password_too_short",
            "Det här lösenordet är för kort. Det måste innehålla minst 10 tecken.",
        ),
        (
            "9081726354019",
            "9081726354019",
            "password1",
            "password_entirely_numeric",
            "Detta lösenord är enbart numeriskt.",
        ),
    ],
    ids=["mismatch", "too-short", "numeric"],
)
def test_it_refuses_a_weak_or_mistyped_password(
    cast, coordinator_client, invite, password1, password2, field, code, message
):
    invite(coordinator_client, cast.kommun)
    link = link_in(mail.outbox[0])
    response = Client().post(link, {"full_name": "Nina Ny", "password1": password1, "password2": password2})
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code), response.context["form"].errors.as_data()
    assert message in response.text
    assert 'value="Nina Ny"' in response.text
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert Client().get(link).status_code == 200  # the link still works


def test_it_asks_for_a_name(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    response = Client().post(
        link_in(mail.outbox[0]), {"full_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.context["form"].has_error("full_name", "required")
    assert "Ange ditt namn." in response.text
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_the_link_works_only_once(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    link = link_in(mail.outbox[0])
    accept_as_new_user(Client(), link)

    again = Client().get(link)
    assert again.status_code == 404
    assert "Inbjudan gäller inte längre" in again.text
    reuse = accept_as_new_user(Client(), link, name="Någon Annan")
    assert reuse.status_code == 404
    assert User.objects.get(email=NEW_EMAIL).full_name == "Nina Ny"


def test_an_expired_link_does_not_work(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    link = link_in(mail.outbox[0])
    Invitation.objects.filter(email=NEW_EMAIL).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = Client().get(link)
    assert response.status_code == 404
    assert "Inbjudan gäller inte längre" in response.text
    assert accept_as_new_user(Client(), link).status_code == 404
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_link_is_valid_for_fourteen_days(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=14), abs=timedelta(seconds=5))


def test_an_unknown_link_does_not_work(cast):
    response = Client().get(reverse("invitation_accept", args=["inte-en-riktig-inbjudan"]))
    assert response.status_code == 404
    assert "Inbjudan gäller inte längre" in response.text


def test_a_new_invitation_to_the_same_address_replaces_the_earlier_one(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun, role=Role.OFFICER)
    invite(coordinator_client, cast.kommun, email=NEW_EMAIL.upper(), role=Role.COORDINATOR)
    first, second = (link_in(message) for message in mail.outbox)

    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert Invitation.objects.pending().filter(email=NEW_EMAIL).count() == 1
    accept_as_new_user(Client(), second)
    assert Membership.objects.get(user__email=NEW_EMAIL).role == Role.COORDINATOR


def test_a_revoked_invitation_does_not_work(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    invitation = Invitation.objects.get(email=NEW_EMAIL)
    response = coordinator_client.post(reverse("invitation_revoke", args=[cast.kommun.code, invitation.pk]))
    assert response.status_code == 302
    assert "Inbjudan är återkallad." in coordinator_client.get(response.url).text
    assert Client().get(link_in(mail.outbox[0])).status_code == 404


def test_it_refuses_to_invite_an_existing_member(cast, coordinator_client, invite):
    response = invite(coordinator_client, cast.kommun, email=cast.officer.email.upper())
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "already_member")
    assert "Personen är redan medlem i Halmstads kommun." in response.text
    assert mail.outbox == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "code", "message"),
    [
        ({"email": "inte-en-adress", "role": Role.OFFICER}, "email", "invalid", "Ange en e-postadress i formatet"),
        ({"email": "", "role": Role.OFFICER}, "email", "required", "Ange personens e-postadress."),
        ({"email": NEW_EMAIL}, "role", "required", "Välj en roll."),
    ],
    ids=["bad-address", "no-address", "no-role"],
)
def test_it_refuses_an_incomplete_invitation(cast, coordinator_client, data, field, code, message):
    response = coordinator_client.post(reverse("invitation_create", args=[cast.kommun.code]), data)
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert message in response.text
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_existing_user_signs_in_and_confirms_to_join(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun, email=cast.outsider.email, role=Role.OFFICER)
    link = link_in(mail.outbox[0])
    client = Client()

    prompt = client.get(link)
    assert prompt.status_code == 200
    assert f"Det finns redan ett konto för {cast.outsider.email}. Logga in för att tacka ja" in prompt.text
    assert 'name="password1"' not in prompt.text
    assert not Membership.objects.filter(user=cast.outsider, organisation=cast.kommun).exists()

    signed_in = client.post(reverse("login"), {"username": cast.outsider.email, "password": PASSWORD, "next": link})
    assert signed_in.status_code == 302
    assert signed_in.url == link
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "Du är inbjuden med rollen Tjänsteperson." in confirm.text
    assert not Membership.objects.filter(user=cast.outsider, organisation=cast.kommun).exists()

    accepted = client.post(link)

    assert accepted.status_code == 302
    membership = Membership.objects.get(user=cast.outsider, organisation=cast.kommun)
    assert membership.role == Role.OFFICER
    assert Membership.objects.get(user=cast.outsider, organisation=cast.other_org).role == Role.COORDINATOR
    assert "Du är nu med i Halmstads kommun." in client.get(accepted.url).text
    assert client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).status_code == 200
    assert client.get(link).status_code == 404


def test_someone_else_signed_in_cannot_use_the_invitation(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun, email=cast.outsider.email)
    link = link_in(mail.outbox[0])
    response = client_for(cast.board_member).post(link)
    assert response.status_code == 403
    assert "Inbjudan är till någon annan" in response.text
    assert not Membership.objects.filter(organisation=cast.kommun, user__in=[cast.outsider, cast.board_member]).exists()
    assert Invitation.objects.pending().filter(email=cast.outsider.email).exists()


def test_a_former_member_gets_access_back_with_the_invited_role(cast, coordinator_client, invite):
    Membership.objects.filter(user=cast.officer).update(is_active=False)
    invite(coordinator_client, cast.kommun, email=cast.officer.email, role=Role.COORDINATOR)
    client = client_for(cast.officer)
    client.post(link_in(mail.outbox[0]))
    membership = Membership.objects.get(user=cast.officer, organisation=cast.kommun)
    assert membership.is_active
    assert membership.role == Role.COORDINATOR


@pytest.fixture
def registered(cast) -> Organisation:
    """A partner the kommun's coordinator registered, without members yet."""
    return OrganisationFactory(name="Stiftelsen Ny Partner", registered_by=cast.kommun, verified_at=None)


def test_the_registering_organisation_may_invite_the_first_coordinator(cast, coordinator_client, invite, registered):
    url = reverse("invitation_create", args=[registered.code])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["role"].choices] == [Role.COORDINATOR.value]
    assert 'value="tjansteperson"' not in page.text
    assert (
        "Bjud in organisationens samordnare"
        in coordinator_client.get(reverse("organisation_detail", args=[registered.code])).text
    )

    refused = invite(coordinator_client, registered, email="ordforande@nypartner.se", role=Role.OFFICER)
    assert refused.context["form"].has_error("role", "invalid_choice")
    assert "Välj en roll i listan." in refused.text
    assert mail.outbox == []

    response = invite(coordinator_client, registered, email="ordforande@nypartner.se", role=Role.COORDINATOR)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["ordforande@nypartner.se"]
    accept_as_new_user(Client(), link_in(mail.outbox[0]), name="Olga Ordförande")
    membership = Membership.objects.get(user__email="ordforande@nypartner.se")
    assert membership.organisation == registered
    assert membership.role == Role.COORDINATOR

    # Once the partner has its own coordinator, its people are its own business: the registering side
    # no longer reaches its management pages at all.
    assert coordinator_client.get(url).status_code == 404
    assert invite(coordinator_client, registered, email="nagon@nypartner.se").status_code == 404
    assert coordinator_client.get(reverse("organisation_detail", args=[registered.code])).status_code == 404


def test_the_registering_organisation_does_not_see_the_partners_members(cast, coordinator_client, registered):
    MembershipFactory(organisation=registered, role=Role.COORDINATOR, user__full_name="Paula Partner")
    response = coordinator_client.get(reverse("organisation_detail", args=[registered.code]))
    assert response.status_code == 404
    assert "Paula Partner" not in response.text


def test_other_organisations_cannot_invite_to_a_registered_partner(cast, registered, invite):
    response = invite(client_for(cast.civil_coordinator), registered, role=Role.COORDINATOR)
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_revoked_invitation_can_be_sent_again_at_once(cast, coordinator_client, invite):
    invite(coordinator_client, cast.kommun)
    first = Invitation.objects.get(email=NEW_EMAIL)
    coordinator_client.post(reverse("invitation_revoke", args=[cast.kommun.code, first.pk]))
    # The same form sent again a minute later is a new decision, not a double click.
    invite(coordinator_client, cast.kommun)
    assert Invitation.objects.pending().filter(email=NEW_EMAIL).exclude(pk=first.pk).count() == 1
    assert len(mail.outbox) == 2


def test_the_role_choices_fit_the_sector_and_explain_each_role(cast, coordinator_client, invite):
    kommun_page = coordinator_client.get(reverse("invitation_create", args=[cast.kommun.code]))
    labels = dict(kommun_page.context["form"].fields["role"].choices)
    assert list(labels) == [Role.COORDINATOR.value, Role.OFFICER.value]
    assert (
        str(labels[Role.OFFICER.value])
        == "Tjänsteperson – anställd i den offentliga organisationen, arbetar i samverkan för den"
    )
    assert "Samordnare – hanterar organisationens medlemmar" in kommun_page.text

    refused = invite(coordinator_client, cast.kommun, role=Role.BOARD_MEMBER)
    assert refused.context["form"].has_error("role", "invalid_choice")
    assert Invitation.objects.filter(email=NEW_EMAIL).count() == 0

    civil_page = client_for(cast.civil_coordinator).get(reverse("invitation_create", args=[cast.forening.code]))
    assert [v for v, _label in civil_page.context["form"].fields["role"].choices] == [
        Role.COORDINATOR.value,
        Role.BOARD_MEMBER.value,
    ]

"""Nobody takes over an organisation by registering it.

* the registering side sees only the first-coordinator invitation it sent, and
  nothing once the organisation has a coordinator of its own;
* an organisation registered by a partner is "ej verifierad" until a site admin
  verifies it, and its first coordinator is not one of the registering side's people;
* a duplicate organisationsnummer says which organisation it is and how to claim it.
"""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from collaboration.models import ClaimStatus, Invitation, Organisation, OrganisationClaim, Role, Sector
from portal.models import User
from tests.conftest import Cast, client_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, organisation_number

pytestmark = pytest.mark.django_db

PARTNER_EMAIL = "ordforande@nypartner.se"


@pytest.fixture
def registered(cast: Cast) -> Organisation:
    """A partner the kommun's coordinator registered through the portal: not verified."""
    return OrganisationFactory(name="Stiftelsen Ny Partner", registered_by=cast.kommun, verified_at=None)


@pytest.fixture
def admin_client(db) -> Client:
    return client_for(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    def post(client: Client, organisation: Organisation, email: str, role: str = Role.COORDINATOR):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("invitation_create", args=[organisation.code]), {"email": email, "role": role})

    return post


def detail(organisation: Organisation) -> str:
    return reverse("organisation_detail", args=[organisation.code])


# --- 10: the registering side sees another organisation's people only as far as it should ---


def test_the_registering_coordinator_sees_only_the_invitation_they_sent(cast, registered, invite):
    second = MembershipFactory(organisation=cast.kommun, role=Role.COORDINATOR, user__full_name="Sigge Samordnare").user
    assert invite(client_for(cast.coordinator), registered, PARTNER_EMAIL).status_code == 302

    assert PARTNER_EMAIL in client_for(cast.coordinator).get(detail(registered)).text
    other_side = client_for(second).get(detail(registered))
    assert other_side.status_code == 200
    assert PARTNER_EMAIL not in other_side.text

    invitation = Invitation.objects.get(email=PARTNER_EMAIL)
    revoke = reverse("invitation_revoke", args=[registered.code, invitation.pk])
    client_for(second).post(revoke)
    assert Invitation.objects.pending().filter(pk=invitation.pk).exists()
    assert client_for(cast.coordinator).post(revoke).status_code == 302
    assert not Invitation.objects.pending().filter(pk=invitation.pk).exists()


def test_the_registering_side_never_sees_invitations_it_did_not_send(cast, registered, invite):
    """Say a site admin invited someone: that address is none of the registering side's business."""
    Invitation.issue(organisation=registered, email="kassor@nypartner.se", role=Role.OFFICER, invited_by=None)  # type: ignore[arg-type]
    page = client_for(cast.coordinator).get(detail(registered))
    assert page.status_code == 200
    assert "kassor@nypartner.se" not in page.text


def test_the_registering_side_sees_nothing_once_the_organisation_has_a_coordinator(cast, registered, invite):
    invite(client_for(cast.coordinator), registered, PARTNER_EMAIL)
    partner = MembershipFactory(organisation=registered, role=Role.COORDINATOR, user__email=PARTNER_EMAIL).user
    Invitation.issue(organisation=registered, email="medlem@nypartner.se", role=Role.OFFICER, invited_by=partner)

    client = client_for(cast.coordinator)
    for url in [detail(registered), reverse("invitation_create", args=[registered.code])]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "medlem@nypartner.se" not in response.text
    pending = Invitation.objects.get(email="medlem@nypartner.se")
    assert client.post(reverse("invitation_revoke", args=[registered.code, pending.pk])).status_code == 404
    assert Invitation.objects.pending().filter(pk=pending.pk).exists()
    listing = client.get(reverse("organisation_list")).text
    assert "har en egen samordnare" in listing
    assert detail(registered) not in listing


# --- 14: unverified until a site admin checks; the first coordinator is someone of its own ---


def test_a_registered_organisation_is_shown_as_unverified_everywhere(cast, coordinator_client):
    response = coordinator_client.post(
        reverse("organisation_create"),
        {
            "name": "Stockholms stad",
            "kind": "kommun",
            "sector": Sector.PUBLIC,
            "organisation_number": organisation_number(4242),
        },
    )
    assert response.status_code == 302
    stad = Organisation.objects.get(name="Stockholms stad")
    assert (stad.verified_at, stad.registered_by) == (None, cast.kommun)

    note = "ej verifierad, registrerad av Halmstads kommun"
    assert note in coordinator_client.get(response.url).text
    create_form = client_for(cast.board_member).get(reverse("collaboration_create"))
    assert f"Stockholms stad (Kommun, {note})" in create_form.text
    party_invite = client_for(cast.officer).get(reverse("party_invite", args=[cast.collaboration.code]))
    assert note in party_invite.text


def test_a_site_admin_verifies_an_organisation(cast, registered, admin_client):
    response = admin_client.post(
        reverse("admin:collaboration_organisation_changelist"),
        {"action": "verify", "_selected_action": [registered.pk]},
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.verified_at is not None
    assert registered.verified_by is not None
    assert registered.verified_by.is_superuser
    form = client_for(cast.officer).get(reverse("collaboration_create"))
    assert "ej verifierad" not in form.text


def test_an_organisation_a_site_admin_adds_is_verified(admin_client):
    response = admin_client.post(
        reverse("admin:collaboration_organisation_add"),
        {
            "name": "Laholms kommun",
            "sector": Sector.PUBLIC,
            "kind": "kommun",
            "organisation_number": organisation_number(777),
            "municipality": "Laholm",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(name="Laholms kommun").verified_at is not None


@pytest.mark.parametrize("who", ["coordinator", "officer"])
def test_the_first_coordinator_cannot_be_one_of_the_registering_side(cast, registered, invite, who):
    email = getattr(cast, who).email
    response = invite(client_for(cast.coordinator), registered, email.upper())
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "registering_member")
    assert f"{email} hör till Halmstads kommun." in response.text
    assert "kontakta portalens administratör" in response.text
    assert not Invitation.objects.filter(organisation=registered).exists()
    assert mail.outbox == []


def test_a_former_member_of_the_registering_side_may_be_invited(cast, registered, invite):
    former = MembershipFactory(organisation=cast.kommun, role=Role.OFFICER, is_active=False).user
    assert invite(client_for(cast.coordinator), registered, former.email).status_code == 302


def test_a_site_admin_can_issue_that_invitation(cast, registered, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:collaboration_invitation_add"),
            {"organisation": registered.pk, "email": cast.officer.email, "role": Role.COORDINATOR},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=registered)
    assert (invitation.email, invitation.role, invitation.is_pending) == (cast.officer.email, Role.COORDINATOR, True)
    assert mail.outbox[0].to == [cast.officer.email]


# --- 14: a duplicate organisationsnummer leads to a claim that site admins handle ---


def test_a_duplicate_number_leads_to_a_claim(cast, outsider_client):
    taken = OrganisationFactory(name="Stockholms stad", registered_by=cast.kommun, verified_at=None)
    response = outsider_client.post(
        reverse("organisation_create"),
        {
            "name": "Stockholms stad",
            "kind": "kommun",
            "sector": Sector.PUBLIC,
            "organisation_number": taken.organisation_number,
        },
    )
    assert response.status_code == 200
    assert "finns redan i portalen som Stockholms stad" in response.text
    claim_url = reverse("organisation_claim", args=[taken.code])
    assert claim_url in response.text

    page = outsider_client.get(claim_url)
    assert page.status_code == 200
    assert "ej verifierad, registrerad av Halmstads kommun" in page.text
    empty = outsider_client.post(claim_url, {"reason": ""})
    assert empty.context["form"].has_error("reason", "required")
    assert not OrganisationClaim.objects.exists()

    assert outsider_client.post(claim_url, {"reason": "Jag är kanslichef i Stockholms stad."}).status_code == 302
    outsider_client.post(claim_url, {"reason": "Ring växeln och fråga efter mig."})
    claim = OrganisationClaim.objects.get()
    assert (claim.organisation, claim.requested_by, claim.status) == (taken, cast.outsider, ClaimStatus.PENDING)
    assert claim.reason == "Ring växeln och fråga efter mig."


def test_a_site_admin_approves_a_claim_and_the_claimant_is_invited_as_coordinator(
    cast, admin_client, django_capture_on_commit_callbacks
):
    taken = OrganisationFactory(name="Stockholms stad", registered_by=cast.kommun, verified_at=None)
    claim = OrganisationClaim.objects.create(organisation=taken, requested_by=cast.outsider, reason="Kanslichef")
    changelist = reverse("admin:collaboration_organisationclaim_changelist")
    assert (
        "Kanslichef" in admin_client.get(reverse("admin:collaboration_organisationclaim_change", args=[claim.pk])).text
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "approve", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.handled_by is not None
    assert claim.handled_at is not None
    invitation = Invitation.objects.get(organisation=taken)
    assert (invitation.email, invitation.role) == (cast.outsider.email, Role.COORDINATOR)
    assert mail.outbox[0].to == [cast.outsider.email]

    # Approving again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "approve", "_selected_action": [claim.pk]})
    assert len(mail.outbox) == 1


def test_a_rejected_claim_invites_nobody(cast, admin_client):
    taken = OrganisationFactory(registered_by=cast.kommun, verified_at=None)
    claim = OrganisationClaim.objects.create(organisation=taken, requested_by=cast.outsider, reason="Jag vill")
    admin_client.post(
        reverse("admin:collaboration_organisationclaim_changelist"),
        {"action": "reject", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert not Invitation.objects.filter(organisation=taken).exists()


def test_organisations_loaded_with_the_portal_are_verified(db):
    from django.core.management import call_command

    call_command("load_demo_data", stdout=io.StringIO())
    assert not Organisation.objects.filter(verified_at__isnull=True).exists()
    assert User.objects.filter(email="samordnare@laxhjalp.demo.se").exists()

"""A party that nobody in the portal may approve for does not block adoption for ever.

The portal names such a party when a version is sent and on every agreement page; a public party's
coordinator invites its first approver, or registers an approval the party decided outside the portal
(a board's minutes), bound to the version's hash and marked everywhere as registered by that coordinator.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.access import without_approver
from collaboration.agreement import approval, drafting, versions
from collaboration.agreement.approval import ApproveOutcome, RegisterOutcome
from collaboration.documents.contents import agreement_version_pdf
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementState,
    AgreementVersion,
    Approval,
    Invitation,
    Membership,
    Role,
)
from collaboration.organisations import RegisteringMemberError, invitation_accept
from tests.collaboration.helpers import send_version
from tests.conftest import Cast, client_for
from tests.factories import MembershipFactory, UserFactory
from tests.pdf_reading import attachments, text_of

pytestmark = pytest.mark.django_db

DECISION = "Styrelseprotokoll 2026-11-24 § 7"


def register_url(cast: Cast, organisation, number: int = 1) -> str:  # type: ignore[no-untyped-def]
    return reverse("agreement_register_approval", args=[cast.collaboration.code, number, organisation.code])


def decision(version: AgreementVersion, **changes: str) -> dict[str, str]:
    return {
        "person_name": "Maja Ordförande",
        "role_title": "Ordförande",
        "decided_on": timezone.localdate().isoformat(),
        "decision_reference": DECISION,
        "version_hash": version.sha256[:12],
        "confirm": "on",
    } | changes


def approve_both(cast: Cast, version: AgreementVersion) -> None:
    assert approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun) in (
        ApproveOutcome.APPROVED,
        ApproveOutcome.ADOPTED,
    )
    assert approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening) in (
        ApproveOutcome.APPROVED,
        ApproveOutcome.ADOPTED,
    )


def test_the_send_and_version_pages_name_the_party_nobody_can_approve_for(
    cast: Cast, church, coordinator_client: Client, officer_client: Client, board_client: Client
) -> None:  # type: ignore[no-untyped-def]
    drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    send_page = coordinator_client.get(reverse("agreement_send", args=[cast.collaboration.code])).content.decode()
    assert "En part har ingen som kan godkänna i portalen" in send_page
    assert "Bjud in någon som kan godkänna för Equmeniakyrkan Halmstad" in send_page
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    page = coordinator_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).content.decode()
    assert "ingen i portalen kan godkänna för parten" in page
    assert register_url(cast, church) in page
    # Others are told who can fix it, without the links.
    for client in (officer_client, board_client):
        page = client.get(reverse("agreement_detail", args=[cast.collaboration.code])).content.decode()
        assert "En part har ingen som kan godkänna i portalen" in page
        assert "Samordnaren för en kommun, region eller myndighet i samverkan kan bjuda in" in page
        assert register_url(cast, church) not in page
    assert version.number == 1


def test_a_coordinator_registers_a_paper_decision_and_it_adopts_the_version(
    cast: Cast, church, coordinator_client: Client, board_client: Client
) -> None:  # type: ignore[no-untyped-def]
    """The blocker: with Equmeniakyrkan named and nobody able to approve for it, nothing could finish."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve_both(cast, version)
    assert Agreement.objects.get().state == AgreementState.GRANSKNING

    response = coordinator_client.post(register_url(cast, church), decision(version), follow=True)
    assert response.status_code == 200
    assert "Alla parter har godkänt version 1. Avsiktsförklaringen är fastställd." in response.content.decode()
    agreement = Agreement.objects.get()
    assert agreement.state == AgreementState.FASTSTALLD
    approval = Approval.objects.get(organisation=church)
    assert approval.approved_by is None
    assert approval.approved_by_name == "Maja Ordförande"
    assert approval.role_title == "Ordförande"
    assert approval.decided_on == timezone.localdate()
    assert approval.decision_reference == DECISION
    assert approval.version_sha256 == version.sha256
    assert approval.registered_by == cast.coordinator
    assert approval.registered_by_organisation == cast.kommun

    marked = "registrerat av Sam Samordnare (Halmstads kommun) för Equmeniakyrkan Halmstad"
    page = board_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).content.decode()
    assert marked in page
    log = board_client.get(reverse("activity_log", args=[cast.collaboration.code])).content.decode()
    assert "registrerade för Equmeniakyrkan Halmstad ett godkännande av version 1" in log
    assert Activity.objects.filter(kind=ActivityKind.AGREEMENT_APPROVAL_REGISTERED).count() == 1

    agreement.collaboration = cast.collaboration
    version = AgreementVersion.objects.get(pk=version.pk)
    for archive in (False, True):
        pdf = agreement_version_pdf(agreement=agreement, version=version, user=cast.board_member, archive=archive)
        # Words broken over lines in the narrow table are joined again ("Halm‐ stads").
        text = " ".join(text_of(pdf.content).split()).replace("\u2010 ", "")
        assert "registrerat av Sam Samordnare (Halmstads kommun) för Equmeniakyrkan Halmstad" in text
        assert DECISION in text
        assert "Ordförande" in text
    assert attachments(pdf.content)  # the archive copy still carries the version's JSON


def test_bad_decisions_are_refused_with_swedish_messages_and_change_nothing(
    cast: Cast, church, coordinator_client: Client
) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    before_sent = (timezone.localdate() - timedelta(days=30)).isoformat()
    cases = {
        "Kontrollsumman stämmer inte med version 1": decision(version, version_hash="0" * 12),
        "Beslutsdatumet kan inte vara i framtiden.": decision(version, decided_on=tomorrow),
        "Beslutet kan inte vara fattat före": decision(version, decided_on=before_sent),
        "Skriv namnet på den som fattade beslutet.": decision(version, person_name="   "),
        "Bekräfta att du har sett beslutet.": {k: v for k, v in decision(version).items() if k != "confirm"},
        "Skriv högst 300 tecken": decision(version, decision_reference="§" * 60_000),
    }
    for message, data in cases.items():
        response = coordinator_client.post(register_url(cast, church), data)
        assert response.status_code == 400, message
        page = response.content.decode()
        assert message in page
        # What was typed stays in the form.
        assert 'value="Ordförande"' in page
    assert not Approval.objects.exists()


def test_a_short_hash_must_be_twelve_characters_and_may_be_pasted_with_spaces(cast: Cast, church) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert not versions.hash_confirms(version.sha256[:11], version)
    assert versions.hash_confirms(f"  {version.sha256[:6]} {version.sha256[6:16].upper()}… ", version)
    assert versions.hash_confirms(version.sha256, version)


def test_only_a_public_partys_coordinator_registers_and_only_for_a_party_without_approvers(
    cast: Cast, church, officer_client: Client, board_client: Client, coordinator_client: Client
) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    civil_client = client_for(cast.civil_coordinator)
    for client in (officer_client, board_client, civil_client):
        assert client.get(register_url(cast, church)).status_code == 404
        assert client.post(register_url(cast, church), decision(version)).status_code == 404
    # The förening approves for itself: nobody registers a decision in its name (a page for it is 404; a
    # post, as from a page opened before the förening got its approver, is refused and says why).
    assert coordinator_client.get(register_url(cast, cast.forening)).status_code == 404
    refused = coordinator_client.post(register_url(cast, cast.forening), decision(version))
    assert refused.status_code == 409
    assert "Nu finns det någon i portalen som kan godkänna för Föreningen Läxhjälp" in refused.content.decode()
    assert not Approval.objects.exists()
    # The workflow says the same, whatever a page sent.
    outcome = approval.agreement_register_approval(
        version=version,
        user=cast.coordinator,
        organisation=cast.forening,
        acting=cast.kommun,
        person_name="Någon",
        role_title="Ordförande",
        decided_on=timezone.localdate(),
        decision_reference=DECISION,
        typed_hash=version.sha256,
    )
    assert outcome is RegisterOutcome.HAS_APPROVER
    outcome = approval.agreement_register_approval(
        version=version,
        user=cast.officer,
        organisation=church,
        acting=cast.kommun,
        person_name="Någon",
        role_title="Ordförande",
        decided_on=timezone.localdate(),
        decision_reference=DECISION,
        typed_hash=version.sha256,
    )
    assert outcome is RegisterOutcome.NOT_ALLOWED
    assert not Approval.objects.exists()


def test_a_double_click_registers_once(cast: Cast, church, coordinator_client: Client) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    first = coordinator_client.post(register_url(cast, church), decision(version), follow=True)
    second = coordinator_client.post(register_url(cast, church), decision(version), follow=True)
    assert "är registrerat" in first.content.decode()
    assert "Equmeniakyrkan Halmstad har redan godkänt version 1" in second.content.decode()
    assert Approval.objects.filter(organisation=church).count() == 1


def test_a_registration_for_a_version_no_longer_in_review_keeps_what_was_typed(
    cast: Cast, church, coordinator_client: Client
) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    page = coordinator_client.get(register_url(cast, church))
    assert page.status_code == 200
    # A colleague edits the text while the coordinator types.
    send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Ändrat under tiden."})
    response = coordinator_client.post(register_url(cast, church), decision(version))
    assert response.status_code == 409
    text = response.content.decode()
    assert "Version 1 är inte längre för granskning" in text
    assert DECISION in text
    assert not Approval.objects.exists()


def test_a_coordinator_invites_the_first_approver_who_can_then_approve(
    cast: Cast, church, coordinator_client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    url = reverse("agreement_invite_approver", args=[cast.collaboration.code, church.code])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"email": "Ordforande@Kyrkan.se"}, follow=True)
    assert "En inbjudan till ordforande@kyrkan.se är skickad" in response.content.decode()
    invitation = Invitation.objects.get(organisation=church)
    assert invitation.role == Role.COORDINATOR
    assert [m.to for m in mail.outbox if "ordforande@kyrkan.se" in m.to]

    person = UserFactory(email="ordforande@kyrkan.se", full_name="Maja Ordförande")
    invitation_accept(invitation=invitation, user=person)
    assert without_approver([church]) == []
    outcome = approval.agreement_approve(version=version, user=person, organisation=church)
    assert outcome is ApproveOutcome.APPROVED


def test_none_of_the_inviting_sides_people_can_become_the_first_approver(
    cast: Cast, church, coordinator_client: Client
) -> None:  # type: ignore[no-untyped-def]
    """Else a kommun could invite its own officer to approve in the association's name."""
    send_version(cast.collaboration, cast.officer, cast.kommun)
    url = reverse("agreement_invite_approver", args=[cast.collaboration.code, church.code])
    response = coordinator_client.post(url, {"email": cast.board_member.email})
    assert response.status_code == 400
    assert "hör till en annan part i samverkan" in response.content.decode()
    # An address the form cannot know (a private one) is refused when the invitation is taken.
    coordinator_client.post(url, {"email": "privat@exempel.se"})
    invitation = Invitation.objects.get(organisation=church)
    officer_private = UserFactory(email="privat@exempel.se")
    MembershipFactory(user=officer_private, organisation=cast.kommun, role=Role.OFFICER, is_active=False)
    with pytest.raises(RegisteringMemberError):
        invitation_accept(invitation=invitation, user=officer_private)
    assert not Membership.objects.filter(organisation=church).exists()


def test_no_invitation_for_a_party_that_has_someone_who_can_approve(cast: Cast, coordinator_client: Client) -> None:
    url = reverse("agreement_invite_approver", args=[cast.collaboration.code, cast.forening.code])
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url, {"email": "ny@exempel.se"}).status_code == 404
    assert not Invitation.objects.exists()


def test_the_review_mail_names_the_party_nobody_can_approve_for(
    cast: Cast, church, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_version(cast.collaboration, cast.officer, cast.kommun)
    review = [m for m in mail.outbox if "är skickad för granskning" in m.subject]
    assert review
    assert "Ingen i portalen kan godkänna för Equmeniakyrkan Halmstad." in " ".join(review[0].body.split())

"""Who is told by e-mail about the agreement, and how: the parties' people, as each of them chose."""

from __future__ import annotations

import pytest
from django.core import mail

from collaboration.agreement import approval, drafting, review, versions
from collaboration.cowriting.contract import EMPTY_BASE, Edit
from collaboration.models import AgreementSection, PartyState, Role
from portal.models import EmailChoice, Notification
from tests.conftest import Cast
from tests.factories import MembershipFactory, OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the sending tasks a service call queued for its commit, as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sent_version(cast: Cast, committed):  # type: ignore[no-untyped-def]
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    drafting.agreement_save(
        agreement=agreement,
        edits=[Edit(slot=AgreementSection.objects.get(slug="malgrupp"), text="Barn.", base=EMPTY_BASE)],
        writer="notifications",
        user=cast.officer,
        organisation=cast.kommun,
    )
    mail.outbox.clear()
    with committed():
        _, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    return version


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_sending_for_review_mails_every_party_member_but_the_sender(cast: Cast, committed) -> None:  # type: ignore[no-untyped-def]
    invited_org = OrganisationFactory(name="Föreningen Inbjuden")
    invited = MembershipFactory(organisation=invited_org, role=Role.COORDINATOR).user
    PartyFactory(collaboration=cast.collaboration, organisation=invited_org, state=PartyState.INVITED)
    version = sent_version(cast, committed)
    assert recipients() == {
        cast.coordinator.email,
        cast.board_member.email,
        cast.civil_coordinator.email,
    }
    assert cast.outsider.email not in recipients()
    assert invited.email not in recipients()
    message = mail.outbox[0]
    assert "Version 1 av avsiktsförklaringen är skickad för granskning" in message.subject
    assert f"/avsiktsforklaring/version/{version.number}/" in message.body
    assert "Ändra vilka e-postmeddelanden du får" in message.body


def test_daily_and_never_are_respected(cast: Cast, committed) -> None:  # type: ignore[no-untyped-def]
    cast.board_member.email_notifications = EmailChoice.DAILY
    cast.board_member.save()
    cast.civil_coordinator.email_notifications = EmailChoice.NEVER
    cast.civil_coordinator.save()
    sent_version(cast, committed)
    assert recipients() == {cast.coordinator.email}
    assert Notification.objects.filter(recipient=cast.board_member, sent_at__isnull=True).count() == 1
    assert not Notification.objects.filter(recipient=cast.civil_coordinator).exists()


def test_comments_approvals_change_requests_and_adoption_are_told(cast: Cast, committed) -> None:  # type: ignore[no-untyped-def]
    version = sent_version(cast, committed)
    mail.outbox.clear()
    with committed():
        review.agreement_comment(
            version=version,
            user=cast.board_member,
            organisation=cast.forening,
            section_slug="malgrupp",
            text="Vilka barn?",
        )
    assert any("Ny kommentar på ”Målgrupp” i version 1" in m.subject for m in mail.outbox)
    assert cast.board_member.email not in recipients()
    mail.outbox.clear()
    with committed():
        review.agreement_request_changes(
            version=version, user=cast.board_member, organisation=cast.forening, message="Skriv vilka skolor."
        )
    assert any("begär ändringar i version 1" in m.subject and "Skriv vilka skolor." in m.body for m in mail.outbox)
    mail.outbox.clear()
    with committed():
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    assert any("har godkänt version 1" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    with committed():
        approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    adopted = [m for m in mail.outbox if m.subject.startswith("Avsiktsförklaringen är fastställd")]
    # Everyone is told of the adoption, also the person whose approval completed it.
    assert {a for m in adopted for a in m.to} == {
        cast.officer.email,
        cast.coordinator.email,
        cast.board_member.email,
        cast.civil_coordinator.email,
    }

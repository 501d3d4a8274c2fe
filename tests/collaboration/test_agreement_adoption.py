"""A fastställd avsiktsförklaring proves who approved what: adoption is bound to the parties a version names.

Who may approve a version, when it is adopted, what happens when a party joins or leaves while it is under
review, what a version "became" afterwards (read from the recorded adoption), and the hash checked again
before anything is adopted or printed as a record.
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from collaboration.agreement import approval, drafting, review, versions
from collaboration.agreement.approval import ApproveOutcome
from collaboration.documents.contents import agreement_version_pdf, version_status
from collaboration.models import (
    Activity,
    ActivityKind,
    Adoption,
    Agreement,
    AgreementState,
    AgreementVersion,
    Approval,
    Party,
    PartyState,
    Role,
)
from collaboration.parties import party_answer, party_leave
from tests.collaboration.helpers import send_version, write_sections
from tests.conftest import Cast, client_for
from tests.factories import PartyFactory
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db

BACKGROUND = "bakgrund-och-problembild"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the mail tasks a workflow queued for its commit, as the request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def approve(version: AgreementVersion, user, organisation) -> ApproveOutcome:  # type: ignore[no-untyped-def]
    return approval.agreement_approve(version=version, user=user, organisation=organisation)


def agreement_of(cast: Cast) -> Agreement:
    return Agreement.objects.get(collaboration=cast.collaboration)


def join(cast: Cast, organisation, user) -> Party:  # type: ignore[no-untyped-def]
    """Invite `organisation` and let `user` accept, as the party pages do."""
    party = PartyFactory(collaboration=cast.collaboration, organisation=organisation, state=PartyState.INVITED)
    return party_answer(party=party, user=user, accept=True)


def leave(cast: Cast, organisation, user) -> None:  # type: ignore[no-untyped-def]
    party_leave(party=Party.objects.get(collaboration=cast.collaboration, organisation=organisation), user=user)


# --- Only the parties a version names approve it, and adopt it -----------------------------------------


def test_a_party_that_joined_and_one_that_left_never_adopt_a_version_that_names_another(cast: Cast):
    """The review's reproduction: v1 names the kommun and the förening; a third party joins and approves v1,
    the förening (named, never approved) leaves. The agreement must not become fastställd."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    join(cast, cast.other_org, cast.outsider)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.OUTDATED
    assert approve(version, cast.outsider, cast.other_org) is ApproveOutcome.OUTDATED
    leave(cast, cast.forening, cast.civil_coordinator)

    agreement = agreement_of(cast)
    assert agreement.state == AgreementState.UTKAST
    assert agreement.adopted_version is None
    assert not Adoption.objects.exists()
    assert not Approval.objects.exists()


def test_an_approval_by_a_party_the_version_does_not_name_counts_for_nothing(cast: Cast):
    """Even a party that became accepted without the workflow noticing cannot approve, or complete, a version."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    # Accepted behind the workflow's back (as an admin could): the version is still in review.
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    assert approve(version, cast.outsider, cast.other_org) is ApproveOutcome.NOT_NAMED
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    # Every named party has approved, but the parties now are not the ones named: it is not adopted.
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.APPROVED
    assert agreement_of(cast).state == AgreementState.GRANSKNING
    assert not Adoption.objects.exists()


def test_adoption_needs_every_named_party_and_is_recorded(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    assert not Adoption.objects.exists()
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.ADOPTED
    adoption = Adoption.objects.get()
    assert adoption.version == version
    assert adoption.version_sha256 == version.sha256
    assert adoption.completed_by == cast.board_member
    assert agreement_of(cast).adopted_at == adoption.adopted_at


def test_a_version_names_its_parties_by_code_in_its_hashed_snapshot(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert {p["code"] for p in version.parties} == {str(cast.kommun.code), str(cast.forening.code)}
    assert version.snapshot["format"] == "samverkansportalen/avsiktsforklaring/2"
    assert version.hash_matches()
    assert {o.pk for o in version.named_organisations()} == {cast.kommun.pk, cast.forening.pk}


def test_a_party_joining_during_review_makes_the_version_outdated_and_the_next_one_names_it(
    cast: Cast, committed, officer_client: Client
) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    mail.outbox.clear()
    with committed():
        join(cast, cast.other_org, cast.outsider)
    agreement = agreement_of(cast)
    assert agreement.state == AgreementState.UTKAST
    entry = Activity.objects.get(kind=ActivityKind.AGREEMENT_OUTDATED)
    assert "Föreningen Utanför har tillkommit som part" in entry.summary
    subjects = {m.subject for m in mail.outbox}
    assert "Version 1 av avsiktsförklaringen kan inte fastställas: parterna har ändrats" in subjects
    lapsed = [m for m in mail.outbox if "Ert godkännande av version 1 gäller inte längre" in m.subject]
    # The kommun had approved: those who may approve for it are told, with a link to what changed.
    assert {a for m in lapsed for a in m.to} == {cast.coordinator.email}
    assert "/avsiktsforklaring/jamfor/?fran=1&till=utkast" in lapsed[0].body

    for name, args in (("agreement_detail", ()), ("agreement_version", (1,)), ("agreement_edit", ())):
        page = officer_client.get(reverse(name, args=[cast.collaboration.code, *args]))
        assert "Version 1 kan inte fastställas: Föreningen Utanför har tillkommit som part" in page.text
        assert "Godkännandena av version 1 gäller inte längre." in page.text

    outcome, second = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert outcome is versions.SendOutcome.SENT
    assert second is not None
    assert {p["name"] for p in second.parties} == {"Halmstads kommun", "Föreningen Läxhjälp", "Föreningen Utanför"}
    assert approve(second, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    assert approve(second, cast.board_member, cast.forening) is ApproveOutcome.APPROVED
    assert approve(second, cast.outsider, cast.other_org) is ApproveOutcome.ADOPTED


def test_a_party_leaving_during_review_makes_the_version_outdated_even_when_the_others_approved(cast: Cast):
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.APPROVED
    leave(cast, cast.other_org, cast.outsider)
    agreement = agreement_of(cast)
    # The version names a party that has left: it is not the agreement between the parties now.
    assert agreement.state == AgreementState.UTKAST
    assert agreement.adopted_version is None
    assert (
        "Föreningen Utanför har lämnat samverkan" in Activity.objects.get(kind=ActivityKind.AGREEMENT_OUTDATED).summary
    )


def test_a_party_leaving_an_adopted_agreement_leaves_the_version_in_force(cast: Cast):
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(version, cast.coordinator, cast.kommun)
    approve(version, cast.board_member, cast.forening)
    assert approve(version, cast.outsider, cast.other_org) is ApproveOutcome.ADOPTED
    leave(cast, cast.other_org, cast.outsider)
    assert agreement_of(cast).adopted_version == version
    assert not Activity.objects.filter(kind=ActivityKind.AGREEMENT_OUTDATED).exists()


# --- What a version became: read from the recorded adoption ----------------------------------------------


def test_a_replaced_version_that_every_party_approved_but_was_never_adopted_says_so(cast: Cast):
    """Counting approvals said "fastställd tidigare" for a version that was never adopted."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    for organisation, user, role in (
        (cast.kommun, cast.coordinator, Role.COORDINATOR),
        (cast.forening, cast.board_member, Role.BOARD_MEMBER),
    ):
        # Approvals as a race could have left them: all there, no adoption recorded.
        Approval.objects.create(
            version=version,
            organisation=organisation,
            approved_by=user,
            approved_by_name=user.full_name,
            role=role,
            version_sha256=version.sha256,
        )
    agreement = agreement_of(cast)
    write_sections(agreement, {BACKGROUND: "Ny text."}, cast.officer, cast.kommun)
    versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    agreement = agreement_of(cast)
    status = version_status(agreement, version)
    assert status.label == "Ersatt av version 2, blev aldrig fastställd"
    assert not status.adopted
    pdf = text_of(agreement_version_pdf(agreement=agreement, version=version, user=cast.officer).content)
    assert "blev aldrig fastställd" in pdf
    assert "Alla parter har godkänt version 1" not in pdf


def test_an_earlier_adopted_version_is_fastställd_tidigare(cast: Cast):
    first = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(first, cast.coordinator, cast.kommun)
    approve(first, cast.board_member, cast.forening)
    agreement = agreement_of(cast)
    drafting.agreement_revise(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    second = send_version(cast.collaboration, cast.officer, cast.kommun, {BACKGROUND: "Andra versionen."})
    approve(second, cast.coordinator, cast.kommun)
    approve(second, cast.board_member, cast.forening)
    agreement = agreement_of(cast)
    assert version_status(agreement, first).label == "Fastställd tidigare, ersatt av version 2"
    assert Adoption.objects.count() == 2


# --- The hash is checked again before adopting and before printing the record ------------------------------


def tamper(version: AgreementVersion) -> None:
    """Change the stored text behind the application's back (the database, a restore gone wrong)."""
    AgreementVersion.objects.filter(pk=version.pk).update(content=version.content.replace("Barn", "Vuxna"))


def test_a_version_whose_content_no_longer_matches_its_hash_is_never_adopted(cast: Cast, caplog):  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    tamper(version)
    with caplog.at_level(logging.ERROR, logger="collaboration.agreement.versions"):
        outcome = approve(AgreementVersion.objects.get(pk=version.pk), cast.board_member, cast.forening)
    assert outcome is ApproveOutcome.TAMPERED
    assert agreement_of(cast).state == AgreementState.GRANSKNING
    assert not Adoption.objects.exists()
    assert not Approval.objects.filter(organisation=cast.forening).exists()
    assert "no longer matches its SHA-256" in caplog.text


def test_the_archive_copy_of_a_tampered_version_is_refused_not_printed(cast: Cast, officer_client: Client, caplog):  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(version, cast.coordinator, cast.kommun)
    approve(version, cast.board_member, cast.forening)
    tamper(version)
    for name in ("agreement_archive_pdf", "agreement_version_pdf"):
        with caplog.at_level(logging.ERROR, logger="collaboration.agreement.versions"):
            response = officer_client.get(reverse(name, args=[cast.collaboration.code, 1]))
        assert response.status_code == 409
        assert response["Content-Type"].startswith("text/html")
        assert "stämmer inte med sin kontrollsumma" in response.content.decode()
    assert "no longer matches its SHA-256" in caplog.text


# --- Saying the state plainly -----------------------------------------------------------------------------


def test_starting_a_new_version_without_an_edit_alarms_nobody(cast: Cast, officer_client: Client, board_client: Client):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(version, cast.coordinator, cast.kommun)
    approve(version, cast.board_member, cast.forening)
    officer_client.post(reverse("agreement_revise", args=[cast.collaboration.code]))
    for client in (officer_client, board_client):
        page = client.get(reverse("agreement_detail", args=[cast.collaboration.code])).content.decode()
        assert "Version 1 gäller. Ett nytt utkast har påbörjats, men inget är ändrat än." in page
        assert "gäller inte längre" not in page
        assert "gäller inte den nuvarande texten" not in page
        home = client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).content.decode()
        assert "version 1 är fastställd och gäller" in home
        assert "gäller inte den nuvarande texten" not in home
    write_sections(agreement_of(cast), {BACKGROUND: "En ändring."}, cast.officer, cast.kommun)
    page = board_client.get(reverse("agreement_detail", args=[cast.collaboration.code])).content.decode()
    assert "Version 1 gäller. Ett nytt utkast pågår." in page
    assert "gäller inte längre" not in page


def test_an_edit_after_approval_mails_the_approvers_a_link_to_what_changed(cast: Cast, committed):  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(version, cast.board_member, cast.forening)
    mail.outbox.clear()
    with committed():
        write_sections(agreement_of(cast), {BACKGROUND: "Ändrat efter godkännandet."}, cast.officer, cast.kommun)
    lapsed = [m for m in mail.outbox if m.subject == "Ert godkännande av version 1 gäller inte längre"]
    # Those who may approve for the förening (its board member and coordinator), no one else.
    assert {a for m in lapsed for a in m.to} == {cast.board_member.email, cast.civil_coordinator.email}
    assert "texten har ändrats efter att versionen skickades för granskning" in lapsed[0].body
    assert f"/samverkan/{cast.collaboration.code}/avsiktsforklaring/jamfor/?fran=1&till=utkast" in lapsed[0].body


def test_a_party_that_approved_after_asking_for_changes_has_no_open_request(cast: Cast, board_client: Client):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    review.agreement_request_changes(
        version=version, user=cast.board_member, organisation=cast.forening, message="Skriv in tiderna."
    )
    url = reverse("agreement_version", args=[cast.collaboration.code, 1])
    page = board_client.get(url).content.decode()
    assert "Väntar på svar" in page
    assert "Skicka begäran om ändringar" in page
    approve(version, cast.board_member, cast.forening)
    page = board_client.get(url).content.decode()
    assert "Avslutad: Föreningen Läxhjälp godkände versionen" in page
    assert "Väntar på svar" not in page
    assert "Skicka begäran om ändringar" not in page


def test_a_member_of_a_party_not_named_is_told_it_approves_the_next_version(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    client = client_for(cast.outsider)
    page = client.get(reverse("agreement_version", args=[cast.collaboration.code, version.number])).content.decode()
    assert "Tillkom efter att version 1 skickades och godkänner nästa version." in page
    assert 'name="decision_reference"' not in page
    response = client.post(
        reverse("agreement_approve", args=[cast.collaboration.code, 1]),
        {"organisation": str(cast.other_org.code)},
        follow=True,
    )
    assert "Föreningen Utanför är inte part i version 1" in response.content.decode()
    assert not Approval.objects.exists()


def test_adoptions_made_before_they_were_recorded_are_recorded_by_the_migration(cast: Cast):
    """Migration 0022 writes the Adoption rows from the version in force and the log's "fastställd" entries."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("collaboration.migrations.0022_agreement_adoption_and_registered_approvals")
    first = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve(first, cast.coordinator, cast.kommun)
    approve(first, cast.board_member, cast.forening)
    drafting.agreement_revise(agreement=agreement_of(cast), user=cast.officer, organisation=cast.kommun)
    second = send_version(cast.collaboration, cast.officer, cast.kommun, {BACKGROUND: "Andra versionen."})
    approve(second, cast.coordinator, cast.kommun)
    approve(second, cast.board_member, cast.forening)
    # A third version every party approved without it being adopted (a race): the log never called it adopted.
    drafting.agreement_revise(agreement=agreement_of(cast), user=cast.officer, organisation=cast.kommun)
    send_version(cast.collaboration, cast.officer, cast.kommun, {BACKGROUND: "Tredje versionen."})
    Adoption.objects.all().delete()

    migration.record_past_adoptions(apps, None)
    migration.record_past_adoptions(apps, None)  # and a second run adds nothing

    assert sorted(Adoption.objects.values_list("version__number", flat=True)) == [1, 2]
    assert Adoption.objects.get(version=second).adopted_at == agreement_of(cast).adopted_at

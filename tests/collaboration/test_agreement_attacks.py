"""Attacks on adoption bound to a version's parties, outdated versions and approvals registered from outside.

Sequences of joining, leaving, inviting, editing and approving in hostile orders; stale tabs; the inviting
side trying to become the partner's approver; hostile text in the registered decision; lock order against
PostgreSQL deadlocks (those two need DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration.access import without_approver
from collaboration.agreement import approval, drafting, versions
from collaboration.agreement.approval import ApproveOutcome, RegisterOutcome
from collaboration.documents import batch_export
from collaboration.documents.contents import agreement_version_pdf
from collaboration.models import (
    Agreement,
    AgreementState,
    AgreementVersion,
    Approval,
    ChangeRequest,
    Collaboration,
    Invitation,
    Membership,
    Party,
    PartyState,
    Role,
)
from collaboration.organisations import RegisteringMemberError, invitation_accept
from collaboration.parties import party_answer, party_invite, party_leave
from portal.models import Notification
from tests.collaboration.helpers import send_version, write_sections

# The party nobody may approve for, and a decision to register for it, as the feature's own tests make them.
from tests.collaboration.test_agreement_outside_approval import DECISION, decision, register_url
from tests.conftest import Cast, client_for
from tests.factories import (
    CollaborationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    PublicOrganisationFactory,
    UserFactory,
)
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db

BACKGROUND = "bakgrund-och-problembild"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def invite_url(cast: Cast, organisation) -> str:  # type: ignore[no-untyped-def]
    return reverse("agreement_invite_approver", args=[cast.collaboration.code, organisation.code])


def register(cast: Cast, version: AgreementVersion, organisation, **changes: Any) -> RegisterOutcome:  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "person_name": "Maja Ordförande",
        "role_title": "Ordförande",
        "decided_on": timezone.localdate(),
        "decision_reference": DECISION,
        "typed_hash": version.sha256,
    } | changes
    return approval.agreement_register_approval(
        version=version, user=cast.coordinator, organisation=organisation, acting=cast.kommun, **fields
    )


def lapsed_mail_to(user) -> bool:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(recipient=user, kind="godkannande-galler-inte").exists()


# --- 1. Lock order: accepting an invitation deadlocks with every agreement workflow (PostgreSQL) -------


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    from tests.collaboration.test_consent_concurrency import at_once

    return at_once(*calls)


def _forced_interleaving(agreement_side: str) -> tuple[Any, Any]:
    """Patch so that the join holds the collaboration row (touched) before it asks for the agreement's lock,
    and the agreement workflow holds the agreement's lock before it touches the collaboration."""
    who = threading.local()
    join_holds, workflow_holds = threading.Event(), threading.Event()
    touch, after = Collaboration.touch, approval.after_parties_changed

    def touch_in_between(self: Collaboration) -> None:
        if getattr(who, "name", "") == agreement_side:
            workflow_holds.set()
            join_holds.wait(timeout=3)
        touch(self)

    def after_in_between(**kwargs: Any) -> None:
        if getattr(who, "name", "") == "join":
            join_holds.set()
            workflow_holds.wait(timeout=3)
        after(**kwargs)

    return (
        mock.patch.object(Collaboration, "touch", touch_in_between),
        mock.patch.object(approval, "after_parties_changed", after_in_between),
    ), who


def _as(who: Any, name: str, call: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        who.name = name
        return call()

    return run


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_accepting_an_invitation_while_a_party_approves_does_not_deadlock(cast: Cast):
    """party_answer: Party row -> Collaboration row (touch) -> Agreement row (after_parties_changed).
    agreement_approve: Agreement row -> Collaboration row (touch). Opposite orders: PostgreSQL kills one."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    party = PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, invited_by=cast.officer)
    (touch_patch, after_patch), who = _forced_interleaving("approve")
    with touch_patch, after_patch:
        results = _at_once(
            _as(who, "join", lambda: party_answer(party=party, user=cast.outsider, accept=True)),
            _as(
                who,
                "approve",
                lambda: approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun),
            ),
        )
    assert not any(isinstance(r, Exception) for r in results), results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_accepting_an_invitation_while_someone_autosaves_the_agreement_does_not_deadlock(cast: Cast):
    """The same cycle with an autosave, which runs every few seconds while anyone types."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    agreement = Agreement.objects.get(pk=version.agreement_id)
    party = PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, invited_by=cast.officer)
    (touch_patch, after_patch), who = _forced_interleaving("save")
    with touch_patch, after_patch:
        results = _at_once(
            _as(who, "join", lambda: party_answer(party=party, user=cast.outsider, accept=True)),
            _as(who, "save", lambda: write_sections(agreement, {BACKGROUND: "Ny text."}, cast.officer, cast.kommun)),
        )
    assert not any(isinstance(r, Exception) for r in results), results


# --- 2. Mail: a party that left is told its approval lapsed; a registered approval lapses silently ------


def test_people_of_a_party_that_left_are_not_mailed_that_its_approval_lapsed(cast: Cast):
    """The förening approves v1 and leaves. Its board member gets "Ert godkännande av version 1 gäller inte
    längre" with a link to the comparison page, which is 404 for them now: a mail to someone outside."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert (
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
        is ApproveOutcome.APPROVED
    )
    party_leave(
        party=Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening),
        user=cast.civil_coordinator,
    )
    notification = Notification.objects.filter(recipient=cast.board_member, kind="godkannande-galler-inte").first()
    if notification is not None:
        # What the mail links to is closed to them.
        assert client_for(cast.board_member).get(notification.path).status_code == 404
    assert notification is None, "a person of the party that left was mailed about the agreement"


def test_a_registered_approval_that_lapses_is_told_to_the_coordinator_who_registered_it(cast: Cast, church):
    """The church's paper decision no longer counts after an edit, but nobody is told: the church has nobody
    in the portal (that is why it was registered) and the coordinator who registered it gets no mail."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert register(cast, version, church) is RegisterOutcome.REGISTERED
    agreement = Agreement.objects.get(pk=version.agreement_id)
    write_sections(agreement, {BACKGROUND: "Ändrat efter beslutet."}, cast.officer, cast.kommun)
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.UTKAST
    assert lapsed_mail_to(cast.coordinator), "the registrar is not told that the church must decide again"


# --- 3. Change requests: a party that approved can still ask for changes from a stale page -------------


def test_a_party_that_approved_cannot_post_a_change_request_from_a_stale_page(cast: Cast, coordinator_client: Client):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    page = coordinator_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1]))
    assert 'name="message"' in page.text  # the change form, as the stale tab shows it
    assert (
        approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
        is ApproveOutcome.APPROVED
    )
    coordinator_client.post(
        reverse("agreement_request_changes", args=[cast.collaboration.code, 1]),
        {"organisation": str(cast.kommun.code), "message": "Ändra målgruppen."},
    )
    page = coordinator_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).text
    # The kommun has approved and asks for changes at the same time; the request shows as open.
    assert not ChangeRequest.objects.filter(organisation=cast.kommun).exists(), (
        "an approved party's change request was stored: " + ("open" if "Väntar på svar" in page else "")
    )


# --- 4. Registering: a stale page loses its text; second invitations bypass the first-coordinator rule ---


def test_a_registration_posted_after_the_party_got_an_approver_says_so_and_keeps_the_text(
    cast: Cast, church, coordinator_client: Client
):
    """The service has HAS_APPROVER and the view a Swedish message for it, but the view 404s before it
    gets there: the coordinator who typed the decision gets "Sidan finns inte" and loses it."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert coordinator_client.get(register_url(cast, church)).status_code == 200
    MembershipFactory(organisation=church, role=Role.COORDINATOR)  # the church's first coordinator arrives
    response = coordinator_client.post(register_url(cast, church), decision(version))
    assert response.status_code == 409, response.status_code
    assert "Nu finns det någon i portalen som kan godkänna" in response.text
    assert DECISION in response.text


def test_a_second_invitation_from_the_inviting_side_is_not_taken_by_its_own_person(
    cast: Cast, church, coordinator_client: Client
):
    """The rule is checked only while the organisation has no coordinator. The kommun sends two invitations
    while the church has none; the church's chair takes the first, and the kommun's own person then takes
    the second unchecked, becoming the church's coordinator (and approver) by the kommun's invitation."""
    send_version(cast.collaboration, cast.officer, cast.kommun)
    coordinator_client.post(invite_url(cast, church), {"email": "ordforande@kyrkan.se"})
    coordinator_client.post(invite_url(cast, church), {"email": "privat@exempel.se"})
    first, second = Invitation.objects.filter(organisation=church).order_by("pk")
    chair = UserFactory(email="ordforande@kyrkan.se")
    invitation_accept(invitation=first, user=chair)
    # The kommun's officer, with the private address the form could not know.
    kommun_person = UserFactory(email="privat@exempel.se")
    MembershipFactory(user=kommun_person, organisation=cast.kommun, role=Role.OFFICER)
    with pytest.raises(RegisteringMemberError):
        invitation_accept(invitation=second, user=kommun_person)


def test_a_person_of_a_party_not_yet_accepted_does_not_become_the_first_approver(
    cast: Cast, church, coordinator_client: Client
):
    """ "None of another party's people" is checked only when the invitation is sent. A region invited (not yet
    accepted) has its coordinator invited as the church's first approver; then the region accepts. One person
    now approves for two parties of the same agreement, and the church's approval is the region's."""
    region = PublicOrganisationFactory(name="Region Halland", kind="region")
    region_coordinator = MembershipFactory(organisation=region, role=Role.COORDINATOR).user
    region_party = PartyFactory(collaboration=cast.collaboration, organisation=region, invited_by=cast.coordinator)
    # The form now refuses the address (test below); an invitation made before the region was invited:
    invitation, _token = Invitation.issue(
        organisation=church, email=region_coordinator.email, role=Role.COORDINATOR, invited_by=cast.coordinator
    )
    invitation_accept(invitation=invitation, user=region_coordinator)
    party_answer(party=region_party, user=region_coordinator, accept=True)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    first = approval.agreement_approve(version=version, user=region_coordinator, organisation=region)
    assert first is ApproveOutcome.APPROVED
    # One person's approval never stands for two parties of the same version.
    second = approval.agreement_approve(version=version, user=region_coordinator, organisation=church)
    assert second is ApproveOutcome.OTHER_PARTY
    assert not Approval.objects.filter(organisation=church).exists()


def test_the_invite_form_refuses_a_person_of_a_party_not_yet_accepted(cast: Cast, church, coordinator_client: Client):
    region = PublicOrganisationFactory(name="Region Halland", kind="region")
    region_coordinator = MembershipFactory(organisation=region, role=Role.COORDINATOR).user
    PartyFactory(collaboration=cast.collaboration, organisation=region, invited_by=cast.coordinator)
    response = coordinator_client.post(invite_url(cast, church), {"email": region_coordinator.email})
    assert response.status_code == 400
    assert "hör till en annan part i samverkan" in response.content.decode()
    assert not Invitation.objects.filter(organisation=church).exists()


# --- 5. Registered names are not cleaned to one line, so the "registrerat av" mark can be garbled --------


def test_the_decision_makers_name_and_role_are_cleaned_to_one_line(cast: Cast, church, coordinator_client: Client):
    """README: names are cleaned to one line. A right-to-left override in the name reverses the very mark
    that says the approval was registered by the kommun ("registrerat av …" follows it in the same cell)."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    coordinator_client.post(
        register_url(cast, church),
        decision(version, person_name="Maja\nOrdförande\u202e", role_title="Ordf\u202eörande\r\n"),
    )
    approval = Approval.objects.get(organisation=church)
    assert approval.approved_by_name == "Maja Ordförande"
    assert approval.role_title == "Ordförande"


# --- 7. One version that fails its hash check fails a coordinator's whole batch export -----------------


def _adopted(cast: Cast, collaboration: Collaboration) -> AgreementVersion:
    version = send_version(collaboration, cast.officer, cast.kommun)
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    assert (
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
        is ApproveOutcome.ADOPTED
    )
    return version


def test_one_tampered_version_does_not_fail_the_whole_batch_export(cast: Cast):
    good = _adopted(cast, cast.collaboration)
    other = CollaborationFactory(title="Lovskola", parties=[cast.kommun, cast.forening])
    bad = _adopted(cast, other)
    AgreementVersion.objects.filter(pk=bad.pk).update(content=bad.content.replace("läxhjälp", "LÄXHJÄLP"))
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=[cast.collaboration, other]
    )
    # Built directly (the task would mark the export failed and raise): one bad version must be skipped and
    # said so in the index, as a collaboration that lost its agreement is, not fail all of them.
    batch_export.build(export)
    export.refresh_from_db()
    assert export.status == "klar", export.status
    assert good.pk != bad.pk


# --- 9. Agreements wrongly adopted before the fix stay "approved by all parties" ------------------------


def test_an_agreement_adopted_without_a_named_party_before_the_fix_is_not_called_approved_by_all(
    cast: Cast, board_client: Client
):
    """The bug this change fixes left agreements fastställda without a party they name. The migration records
    those adoptions as they are, and the version page and PDF go on saying "Alla parter har godkänt" although
    the förening, named in version 1, never approved: nothing flags, re-checks or lists them."""
    import importlib

    from django.apps import apps

    from collaboration.models import Activity, ActivityKind, Adoption

    migration = importlib.import_module("collaboration.migrations.0022_agreement_adoption_and_registered_approvals")
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    # As the old code did it: another party joined and approved, the named förening left, v1 adopted.
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    Approval.objects.create(
        version=version,
        organisation=cast.other_org,
        approved_by=cast.outsider,
        approved_by_name="Otto Utanför",
        role=Role.COORDINATOR,
        version_sha256=version.sha256,
    )
    Party.objects.filter(collaboration=cast.collaboration, organisation=cast.forening).update(state=PartyState.LEFT)
    now = timezone.now()
    Agreement.objects.filter(pk=version.agreement_id).update(
        state=AgreementState.FASTSTALLD, adopted_version=version, adopted_at=now
    )
    Activity.record(
        collaboration=cast.collaboration,
        kind=ActivityKind.AGREEMENT_ADOPTED,
        actor=cast.outsider,
        organisation=cast.other_org,
        summary="alla parter har godkänt version 1",
        version=1,
    )
    migration.record_past_adoptions(apps, None)
    adoption = Adoption.objects.get(version=version)
    assert adoption.unapproved_by == ["Föreningen Läxhjälp"]
    page = client_for(cast.coordinator).get(reverse("agreement_version", args=[cast.collaboration.code, 1])).text
    assert "Alla parter har godkänt den här versionen" not in page
    assert "Föreningen Läxhjälp godkände den aldrig" in page
    agreement = Agreement.objects.get(pk=version.agreement_id)
    agreement.collaboration = cast.collaboration
    for archive in (False, True):
        document = agreement_version_pdf(agreement=agreement, version=version, user=None, archive=archive)
        text = " ".join(text_of(document.content).split())
        assert "Föreningen Läxhjälp godkände den aldrig" in text
        assert "Alla parter har godkänt version 1" not in text


# --- Attacks that must keep failing ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "board_member", "civil_coordinator", "outsider"])
def test_nobody_but_a_public_partys_coordinator_reaches_the_new_pages(cast: Cast, church, who: str):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    client = client_for(getattr(cast, who))
    for url in (register_url(cast, church), invite_url(cast, church)):
        assert client.get(url).status_code == 404, (who, url)
    assert client.post(register_url(cast, church), decision(version)).status_code == 404
    assert client.post(invite_url(cast, church), {"email": "x@exempel.se"}).status_code == 404
    assert not Approval.objects.exists()
    assert not Invitation.objects.exists()


def test_a_public_party_invited_but_not_accepted_reaches_nothing(cast: Cast, church):
    region = PublicOrganisationFactory(name="Region Halland", kind="region")
    person = MembershipFactory(organisation=region, role=Role.COORDINATOR).user
    PartyFactory(collaboration=cast.collaboration, organisation=region)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    client = client_for(person)
    assert client.get(register_url(cast, church)).status_code == 404
    assert client.post(register_url(cast, church), decision(version)).status_code == 404


def test_anonymous_and_csrf_less_posts_change_nothing(cast: Cast, church):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    anonymous = Client()
    assert anonymous.post(register_url(cast, church), decision(version)).status_code in (302, 200)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.coordinator)
    assert strict.post(register_url(cast, church), decision(version)).status_code == 403
    assert strict.post(invite_url(cast, church), {"email": "x@exempel.se"}).status_code == 403
    assert not Approval.objects.exists()
    assert not Invitation.objects.exists()


def test_hash_confirms_edge_cases(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    h = version.sha256
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in h[:12])
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in h[:16])
    for typed in ("", " ", "…", "." * 20, h[:11] + "…", fullwidth, h[:12] + "x", h + "0", "0" * 64, "\u200b" + h):
        assert not versions.hash_confirms(typed, version), repr(typed)
    if any(c.isdigit() for c in h[:16]):
        assert not versions.hash_confirms(arabic, version)
    assert versions.hash_confirms(h[:12] + "...", version)
    assert versions.hash_confirms(h.upper(), version)


def test_sixty_thousand_characters_are_refused_at_the_field(cast: Cast, church, coordinator_client: Client):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    for field in ("person_name", "role_title", "decision_reference", "version_hash"):
        response = coordinator_client.post(register_url(cast, church), decision(version, **{field: "å" * 60_000}))
        assert response.status_code == 400, field
    response = coordinator_client.post(invite_url(cast, church), {"email": "a" * 60_000 + "@exempel.se"})
    assert response.status_code == 400
    assert not Approval.objects.exists()
    assert not Invitation.objects.exists()


def test_a_version_sent_just_after_midnight_takes_a_decision_of_that_local_day(cast: Cast, church):
    from collaboration.forms.agreement import RegisterApprovalForm

    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    local_midnight = timezone.localtime().replace(hour=0, minute=30)
    AgreementVersion.objects.filter(pk=version.pk).update(created_at=local_midnight)
    version.refresh_from_db()
    today = timezone.localdate()
    assert RegisterApprovalForm(decision(version, decided_on=today.isoformat()), version=version).is_valid()
    yesterday = (today - timedelta(days=1)).isoformat()
    form = RegisterApprovalForm(decision(version, decided_on=yesterday), version=version)
    assert not form.is_valid()
    assert form.has_error("decided_on", "before_sent")


def test_stale_registration_for_an_old_version_number(cast: Cast, church, coordinator_client: Client):
    v1 = send_version(cast.collaboration, cast.officer, cast.kommun)
    send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Nytt."})
    response = coordinator_client.post(register_url(cast, church, 1), decision(v1))
    assert response.status_code == 409
    assert register(cast, v1, church) is RegisterOutcome.OUTDATED
    assert not Approval.objects.exists()


def test_leave_rejoin_and_revise_sequences_never_adopt_without_a_named_party(cast: Cast, church):
    v1 = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert register(cast, v1, church) is RegisterOutcome.REGISTERED
    approval.agreement_approve(version=v1, user=cast.coordinator, organisation=cast.kommun)
    party_leave(party=Party.objects.get(collaboration=cast.collaboration, organisation=church), user=cast.coordinator)
    assert Agreement.objects.get().state == AgreementState.UTKAST
    # Invited again and accepted: parties are those v1 names, but v1 stays out of review.
    party = Party.objects.get(collaboration=cast.collaboration, organisation=church)
    party_invite(
        collaboration=cast.collaboration, organisation=church, user=cast.coordinator, inviting_organisation=cast.kommun
    )
    party.refresh_from_db()
    party_answer(party=party, user=cast.coordinator, accept=True)
    assert approval.agreement_approve(version=v1, user=cast.board_member, organisation=cast.forening) is (
        ApproveOutcome.OUTDATED
    )
    assert Agreement.objects.get().state == AgreementState.UTKAST
    # Adopted, a party joins, revised: the next version names it and waits for it.
    v2 = send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "v2"})
    register(cast, v2, church)
    approval.agreement_approve(version=v2, user=cast.coordinator, organisation=cast.kommun)
    assert approval.agreement_approve(version=v2, user=cast.board_member, organisation=cast.forening) is (
        ApproveOutcome.ADOPTED
    )
    party_answer(
        party=PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org),
        user=cast.outsider,
        accept=True,
    )
    assert Agreement.objects.get().state == AgreementState.FASTSTALLD
    drafting.agreement_revise(agreement=Agreement.objects.get(), user=cast.coordinator, organisation=cast.kommun)
    v3 = send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "v3"})
    assert cast.other_org.pk in {o.pk for o in v3.named_organisations()}
    register(cast, v3, church)
    approval.agreement_approve(version=v3, user=cast.coordinator, organisation=cast.kommun)
    assert approval.agreement_approve(version=v3, user=cast.board_member, organisation=cast.forening) is (
        ApproveOutcome.APPROVED
    )


@pytest.mark.parametrize("page", ["agreement_detail", "agreement_version"])
def test_the_agreement_pages_run_as_many_queries_for_eight_parties_as_for_three(
    cast: Cast, church, coordinator_client: Client, page: str
):
    def count() -> int:
        version = Agreement.objects.get().latest_version
        args = [cast.collaboration.code] + ([version.number] if page == "agreement_version" else [])  # type: ignore[union-attr]
        coordinator_client.get(reverse(page, args=args))
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(reverse(page, args=args)).status_code == 200
        return len(queries.captured_queries)

    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    register(cast, version, church)
    few = count()
    for n in range(5):
        organisation = OrganisationFactory(name=f"Förening {n}")
        MembershipFactory(organisation=organisation, role=Role.BOARD_MEMBER)
        PartyFactory(collaboration=cast.collaboration, organisation=organisation, state=PartyState.ACCEPTED)
        silent = OrganisationFactory(name=f"Tyst förening {n}")
        PartyFactory(collaboration=cast.collaboration, organisation=silent, state=PartyState.ACCEPTED)
    agreement = Agreement.objects.get()
    write_sections(agreement, {BACKGROUND: "Fler parter."}, cast.officer, cast.kommun)
    version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)[1]
    assert version is not None
    for organisation in version.named_organisations():
        if without_approver([organisation]):
            register(cast, version, organisation)
    many = count()
    assert many <= few, (few, many)


def test_mail_links_are_absolute_from_site_url(cast: Cast, church, settings, mailoutbox):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://samverkan.example.se"
    with mock.patch("django.db.transaction.on_commit", lambda f, *a, **k: f()):
        version = send_version(cast.collaboration, cast.officer, cast.kommun)
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
        write_sections(Agreement.objects.get(), {BACKGROUND: "Ändrat."}, cast.officer, cast.kommun)
    bodies = [m.body for m in mailoutbox]
    assert bodies
    for body in bodies:
        for line in body.splitlines():
            if "/samverkan/" in line:
                assert "https://samverkan.example.se/samverkan/" in line, line
    assert not Membership.objects.filter(organisation=church).exists()


def test_the_invite_form_knows_another_partys_people_however_the_address_is_spelt(
    cast: Cast, church, coordinator_client: Client
):
    inactive = MembershipFactory(organisation=cast.forening, role=Role.BOARD_MEMBER, is_active=False).user
    closed = MembershipFactory(organisation=cast.kommun, role=Role.OFFICER, user__is_active=False).user
    for email in (
        f"  {cast.board_member.email.upper()} ",
        cast.officer.email.replace("@", "\uff20"),  # full-width @
        inactive.email,
        closed.email,
    ):
        response = coordinator_client.post(invite_url(cast, church), {"email": email})
        assert response.status_code == 400, email
    assert not Invitation.objects.exists()

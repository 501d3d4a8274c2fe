"""Approving a version and adopting it: each party's approval, the last one adopting the text.

Decides whether a person's approval counts (`agreement_approve`, `ApproveOutcome`), when a version is
adopted (`_adopt_if_everyone_approved`), approvals given outside the portal (`agreement_register_approval`,
`RegisterOutcome`), inviting a party's first approver (`invite_first_approver`), and what a version under
review becomes when the parties change (`after_parties_changed`, the receiver of `parties_changed`).
Who may approve for which party is decided in `collaboration.access`.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.access import may_register_approvals, without_approver
from collaboration.agreement.drafting import _tell_approvers_their_approval_lapsed
from collaboration.agreement.party_changes import parties_changed_since, party_change_text
from collaboration.agreement.versions import VersionTampered, _notify, check_version_intact, hash_confirms, version_url
from collaboration.models import (
    Activity,
    ActivityKind,
    Adoption,
    Agreement,
    AgreementState,
    AgreementVersion,
    Approval,
    Collaboration,
    Membership,
    Organisation,
    Party,
    Role,
    may_approve,
)
from collaboration.organisations import SentInvitation, invitation_send
from collaboration.signals import agreement_adopted, parties_changed
from portal.models import User


class ApproveOutcome(enum.Enum):
    APPROVED = "approved"  # this party approved; others are awaited
    ADOPTED = "adopted"  # this approval was the last one: the version is adopted
    ALREADY = "already"  # this party had already approved this version
    NOT_ALLOWED = "not-allowed"  # the person may not approve for that party (role rule)
    NOT_NAMED = "not-named"  # the party is not one the version names: it approves the next version
    OTHER_PARTY = "other-party"  # the person has approved this version for another party already
    OUTDATED = "outdated"  # not the version under review (a newer draft or version exists)
    TAMPERED = "tampered"  # the stored version no longer matches its hash: nothing is adopted


def _lock_agreement(version: AgreementVersion) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",)).select_related("collaboration").get(pk=version.agreement_id)
    )


def _review_state(agreement: Agreement, version: AgreementVersion) -> tuple[bool, bool]:
    """(under review, adopted and in force) for `version`, read under the agreement's lock."""
    in_review = agreement.latest_version_id == version.pk and agreement.state == AgreementState.GRANSKNING
    adopted = agreement.adopted_version_id == version.pk and agreement.state == AgreementState.FASTSTALLD
    return in_review, adopted


def agreement_approve(
    *, version: AgreementVersion, user: User, organisation: Organisation, decision_reference: str = ""
) -> ApproveOutcome:
    """Approve a version for one party. Bound to the version's hash; the last party's approval adopts it.

    Only a party the version names approves it. The agreement row is locked, so two parties
    approving at the same moment take turns and the second sees the first: both count, and
    the version is adopted once.
    """
    with transaction.atomic():
        agreement = _lock_agreement(version)
        membership = (
            Membership.objects.active()
            .filter(user=user, organisation=organisation)
            .select_related("organisation")
            .first()
        )
        is_party = Party.objects.accepted().filter(collaboration=agreement.collaboration, organisation=organisation)
        if membership is None or not may_approve(membership) or not is_party.exists():
            return ApproveOutcome.NOT_ALLOWED
        in_review, adopted = _review_state(agreement, version)
        # An approval of a version that is no longer the one under review does not count: the
        # party is told so (OUTDATED), never that it has approved (a stale page, a second click
        # after a colleague edited). Only for the version in review or just adopted is it ALREADY.
        if (in_review or adopted) and Approval.objects.filter(version=version, organisation=organisation).exists():
            return ApproveOutcome.ALREADY
        if not in_review:
            return ApproveOutcome.OUTDATED
        if organisation.pk not in {o.pk for o in version.named_organisations()}:
            return ApproveOutcome.NOT_NAMED
        if Approval.objects.filter(version=version, approved_by=user).exclude(organisation=organisation).exists():
            # One person's signature never stands for two parties of the same text.
            return ApproveOutcome.OTHER_PARTY
        try:
            check_version_intact(version)
        except VersionTampered:
            return ApproveOutcome.TAMPERED
        try:
            with transaction.atomic():
                Approval.objects.create(
                    version=version,
                    organisation=organisation,
                    approved_by=user,
                    approved_by_name=user.full_name,
                    role=membership.role,
                    version_sha256=version.sha256,
                    decision_reference=decision_reference.strip(),
                )
        except IntegrityError:
            return ApproveOutcome.ALREADY
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_APPROVED,
            actor=user,
            organisation=organisation,
            summary=_("godkände version %(n)d för %(org)s") % {"n": version.number, "org": organisation.name},
            version=version.number,
            sha256=version.sha256,
            decision_reference=decision_reference.strip(),
        )
        outcome = _approved(
            agreement=agreement,
            version=version,
            user=user,
            organisation=organisation,
            said=_("%(who)s godkände version %(n)d för %(org)s.")
            % {"who": user.full_name, "n": version.number, "org": organisation.name},
        )
        agreement.collaboration.touch()
    return outcome


def _approved(
    *, agreement: Agreement, version: AgreementVersion, user: User, organisation: Organisation, said: str
) -> ApproveOutcome:
    """After an approval is stored: adopt the version if it was the last one, else tell the other parties."""
    try:
        adopted = _adopt_if_everyone_approved(
            agreement=agreement, version=version, user=user, organisation=organisation
        )
    except VersionTampered:
        # The approval stays recorded against the hash it was given for; nothing is adopted.
        return ApproveOutcome.TAMPERED
    if adopted:
        return ApproveOutcome.ADOPTED
    _notify(
        agreement=agreement,
        kind="godkand",
        subject=_("%(org)s har godkänt version %(n)d av avsiktsförklaringen")
        % {"org": organisation.name, "n": version.number},
        summary=said,
        path=version_url(version),
        exclude=user,
    )
    return ApproveOutcome.APPROVED


def _adopt_if_everyone_approved(
    *, agreement: Agreement, version: AgreementVersion, user: User | None, organisation: Organisation | None
) -> bool:
    """Adopt `version` when every party it names has approved it. The caller holds the agreement's lock.

    Decided against the version's own snapshot, never against who is a party now: a party that
    approved without being named counts for nothing, and one that is named but left does not
    drop out of the count (a party leaving while a version is in review makes it outdated instead,
    see `after_parties_changed`). The stored snapshot is checked against its hash first.
    """
    if agreement.state != AgreementState.GRANSKNING or agreement.latest_version_id != version.pk:
        return False
    named = version.named_organisations()
    if not named or len(named) != len(version.parties):
        return False  # a named party the portal cannot find again: never adopted without it
    approved = set(
        Approval.objects.filter(version=version, version_sha256=version.sha256).values_list(
            "organisation_id", flat=True
        )
    )
    if not {o.pk for o in named} <= approved:
        return False
    current = set(
        Party.objects.accepted().filter(collaboration=agreement.collaboration).values_list("organisation_id", flat=True)
    )
    if current != {o.pk for o in named}:
        return False  # the parties changed: the version is outdated, not adoptable
    check_version_intact(version)
    now = timezone.now()
    agreement.state = AgreementState.FASTSTALLD
    agreement.adopted_version = version
    agreement.adopted_at = now
    agreement.save(update_fields=["state", "adopted_version", "adopted_at", "updated_at"])
    Adoption.objects.create(
        agreement=agreement, version=version, version_sha256=version.sha256, adopted_at=now, completed_by=user
    )
    agreement_adopted.send(sender=AgreementVersion, version=version)
    Activity.record(
        collaboration=agreement.collaboration,
        kind=ActivityKind.AGREEMENT_ADOPTED,
        actor=user,
        organisation=organisation,
        summary=_("alla parter har godkänt version %(n)d: avsiktsförklaringen är fastställd") % {"n": version.number},
        version=version.number,
        sha256=version.sha256,
    )
    _notify(
        agreement=agreement,
        kind="faststalld",
        subject=_("Avsiktsförklaringen är fastställd"),
        summary=_("Alla parter har godkänt version %(n)d. Den är nu fastställd och låst.") % {"n": version.number},
        path=version_url(version),
        exclude=None,
    )
    return True


# --- When the parties change -----------------------------------------------------------------------


@receiver(parties_changed)
def _parties_changed(sender: object, *, collaboration: Collaboration, user: User | None, **kwargs: object) -> None:
    after_parties_changed(collaboration=collaboration, user=user)


def after_parties_changed(*, collaboration: Collaboration, user: User | None) -> None:
    """A party joined or left: a version under review that no longer names the parties as they are is outdated.

    It can no longer be adopted (its text names parties that are not, or not all, the parties now);
    the agreement becomes a draft again, everyone is told, and the next version sent names the
    parties as they are. Called inside the transaction that changed the party.
    """
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration", "latest_version")
            .filter(collaboration=collaboration)
            .first()
        )
        if agreement is None or agreement.latest_version is None or agreement.state != AgreementState.GRANSKNING:
            return
        version = agreement.latest_version
        current = [p.organisation for p in collaboration.accepted_parties()]
        joined, left = parties_changed_since(version, current)
        if not joined and not left:
            return
        agreement.state = AgreementState.UTKAST
        agreement.save(update_fields=["state", "updated_at"])
        change = party_change_text(joined=joined, left=left)
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_OUTDATED,
            actor=user,
            organisation=None,
            summary=_("version %(n)d kan inte fastställas längre: %(change)s")
            % {"n": version.number, "change": change},
            version=version.number,
            joined=joined,
            left=left,
        )
        _notify(
            agreement=agreement,
            kind="inaktuell",
            subject=_("Version %(n)d av avsiktsförklaringen kan inte fastställas: parterna har ändrats")
            % {"n": version.number},
            summary=_(
                "%(change)s Version %(n)d nämner parterna som de var när den skickades, så den kan inte fastställas. "
                "Nästa version som skickas för granskning får med parterna som de är nu."
            )
            % {"change": change[:1].upper() + change[1:] + ".", "n": version.number},
            path=reverse("agreement_detail", args=[collaboration.code]),
            exclude=None,
        )
        _tell_approvers_their_approval_lapsed(agreement=agreement, version=version, exclude=user, reason=change)


# --- Approvals given outside the portal ------------------------------------------------------------


class RegisterOutcome(enum.Enum):
    REGISTERED = "registered"
    ADOPTED = "adopted"
    ALREADY = "already"  # the party has already approved this version
    NOT_ALLOWED = "not-allowed"  # only a coordinator of a public party in the collaboration registers
    HAS_APPROVER = "has-approver"  # someone in the portal may approve for the party: they do it themselves
    NOT_NAMED = "not-named"
    OUTDATED = "outdated"
    WRONG_HASH = "wrong-hash"  # the decision names another text than this version
    TAMPERED = "tampered"


def agreement_register_approval(
    *,
    version: AgreementVersion,
    user: User,
    organisation: Organisation,
    acting: Organisation,
    person_name: str,
    role_title: str,
    decided_on: date,
    decision_reference: str,
    typed_hash: str,
) -> RegisterOutcome:
    """Record that `organisation` approved `version` by a decision taken outside the portal.

    For a party the version names that nobody in the portal may approve for (`without_approver`),
    registered by a coordinator of a public party (`acting`). The decision must name the version's
    hash, so that it is this text that was decided on. The approval is marked as registered by that
    coordinator everywhere it is shown, and it adopts the version like any other last approval.
    """
    with transaction.atomic():
        agreement = _lock_agreement(version)
        if acting.pk not in {o.pk for o in may_register_approvals(user, agreement.collaboration)}:
            return RegisterOutcome.NOT_ALLOWED
        in_review, adopted = _review_state(agreement, version)
        if (in_review or adopted) and Approval.objects.filter(version=version, organisation=organisation).exists():
            return RegisterOutcome.ALREADY
        if not in_review:
            return RegisterOutcome.OUTDATED
        named = version.named_organisations()
        is_party = Party.objects.accepted().filter(collaboration=agreement.collaboration, organisation=organisation)
        if organisation.pk not in {o.pk for o in named} or not is_party.exists():
            return RegisterOutcome.NOT_NAMED
        if not without_approver([organisation]):
            return RegisterOutcome.HAS_APPROVER
        if not hash_confirms(typed_hash, version):
            return RegisterOutcome.WRONG_HASH
        try:
            check_version_intact(version)
        except VersionTampered:
            return RegisterOutcome.TAMPERED
        try:
            with transaction.atomic():
                Approval.objects.create(
                    version=version,
                    organisation=organisation,
                    approved_by=None,
                    approved_by_name=person_name.strip(),
                    role="",
                    role_title=role_title.strip(),
                    decided_on=decided_on,
                    version_sha256=version.sha256,
                    decision_reference=decision_reference.strip(),
                    registered_by=user,
                    registered_by_name=user.full_name,
                    registered_by_organisation=acting,
                )
        except IntegrityError:
            return RegisterOutcome.ALREADY
        said = _(
            "%(who)s (%(acting)s) registrerade att %(org)s godkände version %(n)d genom beslut utanför portalen: "
            "%(decision)s."
        ) % {
            "who": user.full_name,
            "acting": acting.name,
            "org": organisation.name,
            "n": version.number,
            "decision": decision_reference.strip(),
        }
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_APPROVAL_REGISTERED,
            actor=user,
            organisation=acting,
            summary=_("registrerade för %(org)s ett godkännande av version %(n)d (%(decision)s, %(person)s)")
            % {
                "org": organisation.name,
                "n": version.number,
                "decision": decision_reference.strip(),
                "person": person_name.strip(),
            },
            version=version.number,
            sha256=version.sha256,
            party=organisation.name,
            decision_reference=decision_reference.strip(),
            decided_on=decided_on.isoformat(),
        )
        outcome = _approved(agreement=agreement, version=version, user=user, organisation=organisation, said=said)
        agreement.collaboration.touch()
    return {
        ApproveOutcome.ADOPTED: RegisterOutcome.ADOPTED,
        ApproveOutcome.TAMPERED: RegisterOutcome.TAMPERED,
    }.get(outcome, RegisterOutcome.REGISTERED)


def invite_first_approver(
    *, collaboration: Collaboration, organisation: Organisation, email: str, user: User, request: Any
) -> SentInvitation | None:
    """A public party's coordinator invites the first coordinator of a party nobody in the portal approves for.

    The existing rules for a first coordinator apply (`invitation_accept`): the invitation is the
    organisation's own, and none of the inviting side's people may take it. None when the user may
    not (not a public party's coordinator here) or the party has someone who may approve, or a coordinator.
    """
    if not may_register_approvals(user, collaboration):
        return None
    is_party = Party.objects.accepted().filter(collaboration=collaboration, organisation=organisation).exists()
    if not is_party or not without_approver([organisation]) or organisation.has_active_coordinator():
        return None
    sent = invitation_send(
        request=request, organisation=organisation, email=email, role=Role.COORDINATOR, invited_by=user
    )
    Activity.record(
        collaboration=collaboration,
        kind=ActivityKind.AGREEMENT_APPROVER_INVITED,
        actor=user,
        organisation=None,
        summary=_("bjöd in en första samordnare för %(org)s, som ska kunna godkänna avsiktsförklaringen")
        % {"org": organisation.name},
    )
    return sent

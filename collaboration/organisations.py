"""Organisations and their people: registering, verifying and claiming an organisation, inviting members,
changing their roles, and the organisation's local överenskommelse.

An organisation always keeps a coordinator: the last one cannot leave or lose the role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from collaboration import tasks
from collaboration.cowriting.contract import EditResult, fields_state, save_fields
from collaboration.models import (
    ClaimStatus,
    Invitation,
    MailStatus,
    Membership,
    Organisation,
    OrganisationClaim,
    Role,
)
from portal.models import User


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    mail_status: str  # MailStatus: queued for the worker, sent, or failed


def organisation_register(*, user: User, registering_organisation: Organisation, **fields: str) -> Organisation:
    """A coordinator registers a partner organisation; it stays unverified until a site admin checks it."""
    with transaction.atomic():
        return Organisation.objects.create(registered_by=registering_organisation, verified_at=None, **fields)


def organisation_verify(*, organisation: Organisation, by: User) -> None:
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        locked.verify(by=by)


def organisation_claim_create(*, organisation: Organisation, user: User, reason: str) -> OrganisationClaim:
    """Ask the site admins to hand an organisation to the person who says they represent it.

    Asking again while a claim waits updates the reason instead of adding a second claim.
    """
    with transaction.atomic():
        claim, _ = OrganisationClaim.objects.select_for_update().update_or_create(
            organisation=organisation,
            requested_by=user,
            status=ClaimStatus.PENDING,
            defaults={"reason": reason},
        )
    return claim


def organisation_claim_handle(*, claim: OrganisationClaim, by: User, approve: bool, request: HttpRequest) -> bool:
    """Approve (inviting the claimant as coordinator) or reject a waiting claim. False if already handled."""
    with transaction.atomic():
        locked = (
            OrganisationClaim.objects.select_for_update()
            .select_related("organisation", "requested_by")
            .get(pk=claim.pk)
        )
        if locked.status != ClaimStatus.PENDING:
            return False
        locked.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
        locked.handled_at = timezone.now()
        locked.handled_by = by
        locked.save(update_fields=["status", "handled_at", "handled_by"])
        if approve:
            invitation_send(
                request=request,
                organisation=locked.organisation,
                email=locked.requested_by.email,
                role=Role.COORDINATOR,
                invited_by=by,
            )
    return True


def invitation_send(
    *, request: HttpRequest, organisation: Organisation, email: str, role: str, invited_by: User
) -> SentInvitation:
    """Issue an invitation and queue the mail with its link once it is stored.

    The task (collaboration/tasks.py) makes the link's token and records whether the
    mail went out, so the coordinator sees it on the organisation page. With the
    immediate backend the mail has been tried when this returns, and a failure shows
    at once in `mail_status`.
    """
    with transaction.atomic():
        invitation, _token = Invitation.issue(organisation=organisation, email=email, role=role, invited_by=invited_by)
        # Links in mail come from SITE_URL, never from the request's Host header, which a client chooses.
        site = settings.SITE_URL
        transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation_id=invitation.pk, site=site))
    status = Invitation.objects.filter(pk=invitation.pk).values_list("mail_status", flat=True).first()
    return SentInvitation(invitation=invitation, mail_status=status or MailStatus.QUEUED)


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Use up the invitation and give the user the membership it promised.

    An invitation never takes a role away: an active coordinator who accepts an older
    invitation with another role stays coordinator, so that a stale invitation cannot
    leave the organisation without one.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValueError("invitation is no longer usable")
        _lock_coordinators(organisation=locked.organisation, also=Q(user=user))
        invited_from_outside = (
            locked.invited_by_id is not None
            and not Membership.objects.filter(
                user_id=locked.invited_by_id, organisation=locked.organisation, is_active=True
            ).exists()
        )
        if (invited_from_outside or not locked.organisation.has_active_coordinator()) and not (
            locked.invited_by is not None and locked.invited_by.is_staff
        ):
            # An invitation from outside the organisation (the side that registered it, a public party's
            # coordinator on an agreement page), or any invitation while it has no coordinator, is never taken
            # by the inviting side's people (the registering organisation and every organisation of the person
            # who invited), active or not, unless a site admin issued it: nobody takes over a partner to
            # approve in its name, with a first invitation or a later one.
            inviting = (
                set(
                    Membership.objects.filter(user_id=locked.invited_by_id)
                    .exclude(organisation=locked.organisation)
                    .values_list("organisation_id", flat=True)
                )
                if locked.invited_by_id is not None
                else set()
            )
            if locked.organisation.registered_by_id is not None:
                inviting.add(locked.organisation.registered_by_id)
            if inviting and Membership.objects.filter(user=user, organisation_id__in=inviting).exists():
                raise RegisteringMemberError
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation, defaults={"role": locked.role}
        )
        if not created:
            if not membership.is_coordinator:
                membership.role = locked.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership


def membership_update(
    *, membership: Membership, role: str, is_active: bool, approves_agreements: bool | None = None
) -> None:
    """Change a member's role or access; an organisation always keeps one active coordinator.

    Every coordinator membership of the organisation is locked first, in one order
    (by primary key), so two coordinators demoting each other at the same moment
    wait for each other instead of deadlocking: the second one sees the first one's
    change and gets LastCoordinatorError.
    """
    with transaction.atomic():
        locked = _lock_coordinators(organisation=membership.organisation, also=Q(pk=membership.pk))
        current = next(m for m in locked if m.pk == membership.pk)
        losing_coordinator = current.is_coordinator and (role != Role.COORDINATOR or not is_active)
        if losing_coordinator and not any(m.is_coordinator for m in locked if m.pk != membership.pk):
            raise LastCoordinatorError
        membership.role = role
        membership.is_active = is_active
        if approves_agreements is not None:
            membership.approves_agreements = approves_agreements
        membership.save(update_fields=["role", "is_active", "approves_agreements"])


def _lock_coordinators(*, organisation: Organisation, also: Q) -> list[Membership]:
    """Lock the organisation's active coordinator memberships (and `also`), always in primary-key order."""
    return list(
        Membership.objects.select_for_update()
        .filter(Q(role=Role.COORDINATOR, is_active=True) | also, organisation=organisation)
        .order_by("pk")
    )


class RegisteringMemberError(Exception):
    """Raised when someone of the registering organisation would become a registered organisation's first coordinator."""


class LastCoordinatorError(Exception):
    """Raised when a change would leave an organisation without an active coordinator."""


COMPACT_FIELDS = ("has_local_compact", "local_compact_since", "local_compact_url")


def compact_state(organisation: Organisation) -> str:
    """The `loaded` field of the organisation's edit page: each field's digest as the page shows it now."""
    return fields_state({name: getattr(organisation, name) for name in COMPACT_FIELDS})


def organisation_compact_update(
    *,
    organisation: Organisation,
    has_local_compact: bool,
    local_compact_since: int | None,
    local_compact_url: str,
    loaded: dict[str, str] | None = None,
) -> EditResult:
    """Record whether the organisation has a local överenskommelse, since when and where to read it.

    The same rule as `collaboration_edit` (`save_fields`): a field left as loaded is never written back,
    and a field a colleague changed since the page was loaded is kept and reported in `moved_on`.
    """
    wanted = {
        "has_local_compact": has_local_compact,
        "local_compact_since": local_compact_since,
        "local_compact_url": local_compact_url,
    }
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        report = save_fields(locked, wanted, loaded or {})
    organisation.refresh_from_db(fields=list(COMPACT_FIELDS))
    return EditResult(
        changed=[str(Organisation._meta.get_field(name).verbose_name) for name in report.written],  # type: ignore[union-attr]
        moved_on=report.moved_on,
    )

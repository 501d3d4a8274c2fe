"""Workflows that span several models. Keyword-only, typed, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import (
    Collaboration,
    CollaborationForm,
    Invitation,
    Membership,
    Organisation,
    Party,
    Role,
)
from portal import emails
from portal.models import User


def collaboration_create(
    *,
    user: User,
    acting_organisation: Organisation,
    title: str,
    description: str,
    public_party: Organisation,
    civil_parties: list[Organisation],
    form: CollaborationForm | None,
    starts_on: date | None,
    ends_on: date | None,
) -> Collaboration:
    """Create a collaboration; the creator's organisation always becomes a party."""
    with transaction.atomic():
        collaboration = Collaboration.objects.create(
            title=title,
            description=description,
            form=form,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=user,
        )
        organisations = {public_party.pk: public_party, acting_organisation.pk: acting_organisation}
        organisations.update({o.pk: o for o in civil_parties})
        Party.objects.bulk_create(
            [
                Party(
                    collaboration=collaboration,
                    organisation=organisation,
                    contact=user if organisation.pk == acting_organisation.pk else None,
                )
                for organisation in organisations.values()
            ]
        )
        from collaboration.process import refresh_current_phase

        refresh_current_phase(collaboration)
    return collaboration


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    mail_sent: bool


def invitation_send(
    *, request: HttpRequest, organisation: Organisation, email: str, role: str, invited_by: User
) -> SentInvitation:
    """Issue an invitation and mail its link once it is stored.

    When the mail cannot be sent (the immediate task backend ran it and it failed),
    the invitation is revoked, since nobody has its link, and `mail_sent` is False so
    the sender can be told.
    """
    outcome: list[bool] = []
    with transaction.atomic():
        invitation, token = Invitation.issue(organisation=organisation, email=email, role=role, invited_by=invited_by)
        link = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
        context = {
            "organisation": organisation,
            "role": invitation.get_role_display(),
            "invited_by": invited_by,
            "link": link,
            "expires_at": invitation.expires_at,
        }
        transaction.on_commit(lambda: outcome.append(emails.send("invitation", to=invitation.email, context=context)))
    # Nothing in `outcome` means the caller's own transaction is still open: the mail goes at its commit.
    if outcome and not outcome[0]:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        return SentInvitation(invitation=invitation, mail_sent=False)
    return SentInvitation(invitation=invitation, mail_sent=True)


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


def membership_update(*, membership: Membership, role: str, is_active: bool) -> None:
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
        membership.save(update_fields=["role", "is_active"])


def _lock_coordinators(*, organisation: Organisation, also: Q) -> list[Membership]:
    """Lock the organisation's active coordinator memberships (and `also`), always in primary-key order."""
    return list(
        Membership.objects.select_for_update()
        .filter(Q(role=Role.COORDINATOR, is_active=True) | also, organisation=organisation)
        .order_by("pk")
    )


class LastCoordinatorError(Exception):
    """Raised when a change would leave an organisation without an active coordinator."""

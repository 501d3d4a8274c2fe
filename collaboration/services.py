"""Workflows that span several models. Keyword-only, typed, one transaction each."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from collaboration import emails
from collaboration.models import (
    Collaboration,
    CollaborationForm,
    Invitation,
    Membership,
    Organisation,
    Party,
    Role,
)
from portal import once
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


def collaboration_delete(*, collaboration: Collaboration, user: User) -> bool:
    """Delete a collaboration its creator started by mistake. False if it may no longer be deleted."""
    with transaction.atomic():
        # The lock makes the check and the delete one step: a first answer saved meanwhile wins.
        locked = Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        if locked is None or not locked.can_be_deleted_by(user):
            return False
        url = reverse("collaboration_detail", args=[locked.code])
        locked.delete()
        # Sending the create form again may now create it anew instead of pointing at nothing.
        once.forget(url)
    return True


def invitation_send(
    *, request: HttpRequest, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
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
        transaction.on_commit(lambda: emails.send("invitation", to=invitation.email, context=context))
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Use up the invitation and give the user the membership it promised."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValueError("invitation is no longer usable")
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation, defaults={"role": locked.role}
        )
        if not created:
            membership.role = locked.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership


def membership_update(*, membership: Membership, role: str, is_active: bool) -> None:
    """Change a member's role or access; an organisation always keeps one active coordinator."""
    with transaction.atomic():
        others = (
            Membership.objects.select_for_update()
            .filter(organisation=membership.organisation, role=Role.COORDINATOR, is_active=True)
            .exclude(pk=membership.pk)
        )
        losing_coordinator = membership.is_coordinator and (role != Role.COORDINATOR or not is_active)
        if losing_coordinator and not others.exists():
            raise LastCoordinatorError
        membership.role = role
        membership.is_active = is_active
        membership.save(update_fields=["role", "is_active"])


class LastCoordinatorError(Exception):
    """Raised when a change would leave an organisation without an active coordinator."""

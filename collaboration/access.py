"""Access helpers: every view that touches a shared object goes through one of these.

A person who is not a member of a party organisation gets 404 for every URL of
a collaboration, so the portal never confirms that it exists.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from collaboration.models import Collaboration, Membership, Organisation, Party, Role
from portal.models import User


def get_collaboration_for(user: User, code: UUID | str) -> Collaboration:
    collaboration = (
        Collaboration.objects.visible_to(user).select_related("form", "current_phase").filter(code=code).first()
    )
    if collaboration is None:
        raise Http404("Ingen sådan samverkan.")
    return collaboration


def acting_organisation(user: User, collaboration: Collaboration) -> Organisation | None:
    """The party organisation the user works for in this collaboration."""
    party = (
        Party.objects.filter(
            collaboration=collaboration,
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        )
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return party.organisation if party else None


def get_organisation_for_coordinator(user: User, code: UUID | str) -> Organisation:
    """The organisation if the user coordinates it; 403 for its other members, 404 for everyone else."""
    membership = (
        Membership.objects.active().filter(user=user, organisation__code=code).select_related("organisation").first()
    )
    if membership is None:
        raise Http404("Ingen sådan organisation.")
    if membership.role != Role.COORDINATOR:
        raise PermissionDenied("Bara samordnare kan göra det här.")
    return membership.organisation


def get_organisation_for_management(user: User, code: UUID | str) -> tuple[Organisation, bool]:
    """The organisation and whether the user manages all of its members.

    A coordinator manages their own organisation (other members get 403). A
    coordinator whose organisation registered another one may see it and invite
    its first coordinator. Everyone else gets 404.
    """
    membership = (
        Membership.objects.active().filter(user=user, organisation__code=code).select_related("organisation").first()
    )
    if membership is not None:
        if membership.role != Role.COORDINATOR:
            raise PermissionDenied("Bara samordnare kan hantera medlemmar.")
        return membership.organisation, True
    coordinated = Membership.objects.active().filter(user=user, role=Role.COORDINATOR).values("organisation_id")
    organisation = Organisation.objects.filter(code=code, registered_by__in=coordinated).first()
    if organisation is None:
        raise Http404("Ingen sådan organisation.")
    return organisation, False

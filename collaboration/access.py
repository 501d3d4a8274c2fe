"""Access helpers: every view that touches a shared object goes through one of these.

A person who is not a member of a party organisation that has accepted gets 404
for every URL of a collaboration, so the portal never confirms that it exists.
Members of an organisation that is only invited see the invitation and nothing
else; after declining or leaving they see nothing at all.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from collaboration.guidance.cache import guide_content
from collaboration.models import Collaboration, Membership, Organisation, Party, PartyState, Role
from portal.models import User


def get_collaboration_for(user: User, code: UUID | str) -> Collaboration:
    """The collaboration, if one of the user's organisations is a party that has accepted; else 404.

    One query finds the user's accepted parties in it, with the collaboration: it checks access and
    tells the page whom the user acts for (`Collaboration.organisations_of`) at once.
    """
    if not user.is_authenticated:
        raise Http404("Ingen sådan samverkan.")
    parties = list(
        Party.objects.accepted()
        .filter(
            collaboration__code=code,
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        )
        .select_related("collaboration__form", "collaboration__current_phase", "organisation")
        .order_by("organisation__name")
        .distinct()
    )
    if not parties:
        raise Http404("Ingen sådan samverkan.")
    collaboration = parties[0].collaboration
    collaboration.remember_organisations_of(user, [p.organisation for p in parties])
    return collaboration


def acting_organisation(
    user: User, collaboration: Collaboration, *, phase_slug: str | None = None, guide_slug: str | None = None
) -> Organisation | None:
    """The party organisation the user works for in this collaboration.

    Most people are in one party. Someone in several (a kommun officer on a förening's
    board, say) acts for the first by name, except in a phase that is open only to some
    parties (the public parties' own prerequisites): there, for the first party it is open to.
    """
    organisations = collaboration.organisations_of(user)
    if not organisations:
        return None
    if phase_slug is not None and len(organisations) > 1:
        try:
            phase = guide_content(guide_slug).phase(phase_slug) if guide_slug else None
        except Http404:
            phase = None
        if phase is not None:
            for organisation in organisations:
                if phase.open_to(organisation):
                    return organisation
    return organisations[0]


def get_party_for_answer(user: User, code: UUID | str, organisation_code: UUID | str) -> Party:
    """An organisation's place in a collaboration, for a person who may answer for it.

    Coordinators, and board members of civil-society organisations, answer
    invitations and take their organisation out again. A declined or departed
    party is gone for its people (404), like any collaboration they are not in.
    """
    party = (
        Party.objects.answerable_by(user)
        .filter(
            collaboration__code=code,
            organisation__code=organisation_code,
            state__in=[PartyState.INVITED, PartyState.ACCEPTED],
        )
        .select_related("collaboration", "collaboration__form", "organisation", "invited_by", "invited_by_organisation")
        .first()
    )
    if party is None:
        raise Http404("Ingen sådan inbjudan.")
    return party


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
    its first coordinator only until it has an active coordinator of its own:
    from then on its people are its own business (404). Everyone else gets 404.
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
    if organisation is None or organisation.has_active_coordinator():
        raise Http404("Ingen sådan organisation.")
    return organisation, False


def get_organisation_for_member(user: User, code: UUID | str) -> tuple[Organisation, bool]:
    """The organisation if the user is an active member of it, and whether they coordinate it; 404 otherwise.

    Anyone in an organisation already reaches every collaboration it is a party of, so listing
    them reveals nothing new; what only coordinators get (statistics, exports) is checked by the view.
    """
    membership = (
        Membership.objects.active().filter(user=user, organisation__code=code).select_related("organisation").first()
    )
    if membership is None:
        raise Http404("Ingen sådan organisation.")
    return membership.organisation, membership.role == Role.COORDINATOR


def get_organisation_as_coordinator(user: User, code: UUID | str) -> Organisation:
    """The organisation if the user is its active coordinator; 404 for everyone else, its other members too.

    For what only a coordinator has any business seeing (the batch export of its agreements), so the
    page does not even confirm to others that it exists.
    """
    membership = (
        Membership.objects.active()
        .filter(user=user, organisation__code=code, role=Role.COORDINATOR)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404("Ingen sådan organisation.")
    return membership.organisation

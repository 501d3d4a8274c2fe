"""Who may do what, where: the one place that answers "may this person do this here".

Views and workflows both ask here; a page does not decide on its own who may act. The rules, in short:

- A person who is not an active member of a party organisation that has accepted gets 404 for every URL of
  a collaboration, so the portal never confirms that it exists. Members of an organisation that is only
  invited see the invitation and nothing else; after declining or leaving they see nothing at all.
- Coordinators (and board members of civil-society organisations) answer for their organisation: they accept
  or decline an invitation and take the organisation out again.
- An organisation's people and settings are its coordinators' business (403 for its other members).
- The support on record is read by every party and written by the public parties' people, each for the
  support its own organisation gives.
- A phase is confirmed, and the agreement commented on, for a party the person is an active member of;
  the agreement is approved by those whose role allows it (`models.may_approve`: coordinators, board members
  of civil-society parties, officers of public parties given the right), registered on paper by a public
  party's coordinator.

Naming: `get_*` fetches an object the person may reach, or raises 404 (403 where the object is theirs but
the action is not); `check_*` raises when the person may not act; the others answer a question of who may
(whom the person may act for, empty when nobody; who may approve for an organisation, as a query).
Object lookups inside a page the person already reached (a version number, a step's slug, their own export
among their organisation's) stay in the view: they decide what exists, not who may.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from collaboration.guidance.cache import guide_content
from collaboration.models import (
    AgreementVersion,
    Collaboration,
    Membership,
    Organisation,
    Party,
    PartyState,
    Role,
    Sector,
    Support,
    may_approve,
)
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


def check_may_start_collaboration(user: User) -> list[Organisation]:
    """The organisations the person may start a collaboration for: any they are an active member of (403 if none)."""
    organisations = [
        m.organisation for m in Membership.objects.active().filter(user=user).select_related("organisation")
    ]
    if not organisations:
        raise PermissionDenied(_("Du behöver tillhöra en organisation för att starta en samverkan."))
    return organisations


def check_may_register_organisation(user: User) -> list[Organisation]:
    """The organisations the person coordinates, for whom they may register another organisation (403 if none)."""
    coordinated = [
        m.organisation
        for m in Membership.objects.active().filter(user=user, role=Role.COORDINATOR).select_related("organisation")
    ]
    if not coordinated:
        raise PermissionDenied(_("Bara samordnare kan registrera organisationer."))
    return coordinated


def check_may_delete(user: User, collaboration: Collaboration) -> None:
    """Only its creator deletes a collaboration, and only before anyone else has taken part (404 otherwise)."""
    if not collaboration.can_be_deleted_by(user):
        raise Http404("Ingen samverkan som du kan ta bort.")


# --- Follow-up ---------------------------------------------------------------------------------------------


def support_givers(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The public parties the person is an active member of here: those they record support for.

    Every accepted party reads the support on record; only the public side, which gives it, writes it.
    """
    return [o for o in collaboration.organisations_of(user) if o.sector == Sector.PUBLIC]


def get_support_for(user: User, collaboration: Collaboration, support_id: int) -> Support:
    """A period of support the person may correct or remove: one their own public party gives here; 404 otherwise."""
    givers = support_givers(user, collaboration)
    support = (
        Support.objects.filter(pk=support_id, collaboration=collaboration, organisation__in=givers)
        .select_related("organisation")
        .first()
        if givers
        else None
    )
    if support is None:
        raise Http404("Inget sådant stöd.")
    support.collaboration = collaboration
    return support


# --- Phases ------------------------------------------------------------------------------------------------


def confirming_organisations(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user is an active member of, as the database says now: those they may confirm for."""
    return collaboration.organisations_of(user, fresh=True)


# --- The agreement ---------------------------------------------------------------------------------------


def approver_memberships() -> Q:
    """`may_approve` as a query on memberships: who may approve for their organisation (active people only)."""
    return (
        Q(role=Role.COORDINATOR)
        | Q(organisation__sector=Sector.CIVIL, role=Role.BOARD_MEMBER)
        | Q(organisation__sector=Sector.PUBLIC, role=Role.OFFICER, approves_agreements=True)
    )


def without_approver(organisations: list[Organisation]) -> list[Organisation]:
    """Those of `organisations` that nobody in the portal may approve for (one query)."""
    if not organisations:
        return []
    covered = set(
        Membership.objects.active()
        .filter(approver_memberships(), organisation__in=organisations)
        .values_list("organisation_id", flat=True)
    )
    return [o for o in organisations if o.pk not in covered]


def approvers(user: User, collaboration: Collaboration, version: AgreementVersion | None = None) -> list[Organisation]:
    """The accepted parties the user may approve for, by the role rule (`may_approve`).

    With `version`, only those the version names: a party that joined after it was sent approves the next one.
    """
    memberships = (
        Membership.objects.active()
        .filter(
            user=user,
            organisation__in=Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    allowed = [m.organisation for m in memberships if may_approve(m)]
    if version is not None and allowed:
        named = {o.pk for o in version.named_organisations()}
        allowed = [o for o in allowed if o.pk in named]
    return allowed


def may_register_approvals(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The public parties of the collaboration the user coordinates: they register outside approvals for it."""
    return [
        m.organisation
        for m in Membership.objects.active()
        .filter(
            user=user,
            role=Role.COORDINATOR,
            organisation__sector=Sector.PUBLIC,
            organisation__in=Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def party_organisations(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user belongs to (to comment or ask for changes for), as the page found them.

    For pages and forms: what the request's access check found (`get_collaboration_for`). Approving checks
    again under the agreement's row lock, since a party's approval is what adopts the text.
    """
    return collaboration.organisations_of(user)


def get_party_without_approver(
    collaboration: Collaboration, organisation: str, *, posted: bool = False
) -> Organisation:
    """An accepted party of the collaboration that nobody in the portal may approve for; 404 otherwise.

    For a POST, any accepted party: the workflow then says what changed since the page was opened (someone
    now may approve for it), and what was typed is shown again instead of a bare 404.
    """
    party = (
        Party.objects.accepted()
        .filter(collaboration=collaboration, organisation__code=organisation)
        .select_related("organisation")
        .first()
    )
    if party is None or (not posted and not without_approver([party.organisation])):
        raise Http404("Ingen sådan part.")
    return party.organisation


def get_public_party_coordinated_by(user: User, collaboration: Collaboration) -> Organisation:
    """The public party the user coordinates here (the first by name); 404 for everyone else."""
    acting = may_register_approvals(user, collaboration)
    if not acting:
        raise Http404("Bara samordnaren för en offentlig part kan göra det här.")
    return acting[0]

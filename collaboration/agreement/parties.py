"""Who may act for which party of the agreement, and how the parties changed since a version was sent.

Who may approve for a party (`approver_memberships`, `approvers`, `without_approver`), who registers an
approval given outside the portal (`may_register_approvals`), who comments or asks for changes
(`party_organisations`); and the parties a version names against the parties now (`parties_changed_since`,
`party_change_text`). Queries and words only: the workflows that act on them are in drafting, versions
and approval.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from collaboration.models import (
    AgreementVersion,
    Collaboration,
    Membership,
    Organisation,
    Party,
    Role,
    Sector,
    may_approve,
)
from portal.models import User


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


# --- How the parties changed since a version ---------------------------------------------------------


def parties_changed_since(version: AgreementVersion, current: list[Organisation]) -> tuple[list[str], list[str]]:
    """(names that joined, names that left) between the parties `version` names and the `current` ones."""
    named = {str(p.get("code") or p.get("organisation_number")): p.get("name", "") for p in version.parties}
    now = {str(o.code): o for o in current}
    by_number = {o.organisation_number: o for o in current}
    still = set()
    left = []
    for key, name in named.items():
        organisation = now.get(key) or by_number.get(key)
        if organisation is None:
            left.append(name)
        else:
            still.add(organisation.pk)
    joined = [o.name for o in current if o.pk not in still]
    return joined, left


def party_change_text(*, joined: list[str], left: list[str]) -> str:
    """ "Equmeniakyrkan har tillkommit som part och Stiftelsen Gröna Gårdar har lämnat", in words."""
    parts = []
    if joined:
        parts.append(_("%(names)s har tillkommit som part") % {"names": _names(joined)})
    if left:
        parts.append(_("%(names)s har lämnat samverkan") % {"names": _names(left)})
    return _(" och ").join(parts)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s och %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}

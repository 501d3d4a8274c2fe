"""What the agreement's drafting and review pages share: the agreement and version a URL names, the parties' table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from collaboration.access import without_approver
from collaboration.agreement import drafting
from collaboration.models import Agreement, AgreementVersion, Approval, Collaboration, Party


def _agreement_for(collaboration: Collaboration) -> Agreement:
    agreement = drafting.get_agreement(collaboration)
    if agreement is None:
        raise Http404("Ingen avsiktsförklaring.")
    agreement.collaboration = collaboration
    return agreement


def _version_for(agreement: Agreement, number: int) -> AgreementVersion:
    version = AgreementVersion.objects.filter(agreement=agreement, number=number).select_related("sent_by").first()
    if version is None:
        raise Http404("Ingen sådan version.")
    version.agreement = agreement
    return version


@dataclass
class PartyRow:
    """A party in an agreement's tables: as a version names it (or as it is now), with its approval."""

    organisation: Any
    party: Party | None  # the collaboration's party row, while the organisation is an accepted party
    approval: Approval | None = None
    named: bool = True  # named in the version (False: a party now that the version does not name)
    no_approver: bool = False  # nobody in the portal may approve for it


def _party_rows(collaboration: Collaboration, version: AgreementVersion | None) -> list[PartyRow]:
    """The parties `version` names (from its snapshot), then any party now that it does not name.

    Without a version: the parties as they are now, which is what the next version will name.
    """
    current = {
        p.organisation_id: p
        for p in Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation", "contact")
        .order_by("-organisation__sector", "organisation__name")
    }
    if version is None:
        rows = [PartyRow(organisation=p.organisation, party=p) for p in current.values()]
    else:
        approvals = {
            a.organisation_id: a
            for a in Approval.objects.filter(version=version).select_related(
                "approved_by", "organisation", "registered_by_organisation"
            )
        }
        named = version.named_organisations()
        rows = [PartyRow(organisation=o, party=current.get(o.pk), approval=approvals.get(o.pk)) for o in named]
        known = {o.pk for o in named}
        rows += [
            PartyRow(organisation=p.organisation, party=p, named=False)
            for p in current.values()
            if p.organisation_id not in known
        ]
    unable = {o.pk for o in without_approver([r.organisation for r in rows if r.approval is None])}
    for row in rows:
        row.no_approver = row.organisation.pk in unable
    return rows

"""What is expected of the signed-in person now: next actions, each with a Swedish text and a link.

`expected_of` asks every function in `KINDS` and joins their answers. Adding a kind (phases awaiting the
party's confirmation, checklists shared with you) is one function taking `(user, collaboration)` and
returning `Expectation`s, appended to `KINDS`. Each kind makes a fixed number of queries, however many
collaborations the person is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from collaboration.models import (
    AgreementState,
    Approval,
    Collaboration,
    Membership,
    Party,
    PartyState,
    SharedPhase,
    StepAssignment,
    may_approve,
)
from collaboration.models.assignments import today
from collaboration.process import MODEL_GUIDE, phases_awaiting_confirmation
from portal.models import User


@dataclass(frozen=True)
class Expectation:
    kind: str  # "invitation", "assigned", "party-assigned", ...
    text: str  # what to do, in Swedish, naming the collaboration
    url: str  # where to do it
    due_on: date | None = None
    overdue: bool = False
    collaboration: Collaboration | None = None

    @property
    def due_text(self) -> str:
        """The due date in words; "försenad" says it in text, not colour alone."""
        if self.due_on is None:
            return ""
        when = date_format(self.due_on, "j F Y")
        if self.overdue:
            return _("Försenad – skulle vara klar %(when)s") % {"when": when}
        return _("Klart senast %(when)s") % {"when": when}


Kind = Callable[[User, Collaboration | None], Iterable[Expectation]]


def invitations(user: User, collaboration: Collaboration | None) -> Iterable[Expectation]:
    """Invitations the user may answer for their organisation."""
    if collaboration is not None:
        return []  # an invited organisation does not see the collaboration's page yet
    parties = (
        Party.objects.answerable_by(user)
        .filter(state=PartyState.INVITED)
        .select_related("collaboration", "organisation")
        .order_by("-invited_at")
    )
    return [
        Expectation(
            kind="invitation",
            text=_("Svara på inbjudan till ”%(title)s” för %(org)s")
            % {"title": p.collaboration.title, "org": p.organisation.name},
            url=reverse("party_invitation", args=[p.collaboration.code, p.organisation.code]),
            collaboration=p.collaboration,
        )
        for p in parties
    ]


def assigned_steps(user: User, collaboration: Collaboration | None) -> Iterable[Expectation]:
    """Steps not done that are assigned to the user, or to someone at one of the user's party organisations."""
    organisations = Membership.objects.active().filter(user=user).values("organisation_id")
    assignments = StepAssignment.objects.open().filter(
        collaboration__in=Collaboration.objects.visible_to(user).values("pk"),
        responsible_organisation_id__in=organisations,
    )
    if collaboration is not None:
        assignments = assignments.filter(collaboration=collaboration)
    now = today()
    result = []
    for a in assignments.for_listing():
        step = a.step
        url = reverse("step", args=[a.collaboration.code, step.phase.guide.slug, step.phase.slug, step.slug])
        values = {"step": step.title, "title": a.collaboration.title}
        if a.responsible_id == user.pk:
            kind, text = "assigned", _("Gör klart steget ”%(step)s” i ”%(title)s”") % values
        else:
            values["who"] = a.responsible.full_name if a.responsible else "–"
            kind, text = "party-assigned", _("%(who)s hos er ansvarar för ”%(step)s” i ”%(title)s”") % values
        result.append(
            Expectation(
                kind=kind,
                text=text,
                url=url,
                due_on=a.due_on,
                overdue=a.due_on is not None and a.due_on < now,
                collaboration=a.collaboration,
            )
        )
    return result


def phases_to_confirm(user: User, collaboration: Collaboration | None) -> Iterable[Expectation]:
    """Phases whose steps are all done and that wait for the user's party to say "Vi är överens"."""
    return [
        Expectation(
            kind="confirm-phase",
            text=_("Bekräfta för %(org)s att ni är överens om ”%(phase)s” i ”%(title)s”")
            % {"org": a.organisation.name, "phase": a.phase.title, "title": a.collaboration.title},
            url=reverse("phase_review", args=[a.collaboration.code, MODEL_GUIDE, a.phase.slug]),
            collaboration=a.collaboration,
        )
        for a in phases_awaiting_confirmation(user)
        if collaboration is None or a.collaboration.pk == collaboration.pk
    ]


# Answers another party shared lately: read them before the first conversation.
SHARED_RECENTLY = timedelta(days=14)


def shared_with_you(user: User, collaboration: Collaboration | None) -> Iterable[Expectation]:
    """Checklists other parties shared with the user's parties in the last two weeks."""
    own = Membership.objects.active().filter(user=user).values("organisation_id")
    shares = (
        SharedPhase.objects.filter(
            collaboration__in=Collaboration.objects.visible_to(user)
            .filter(ended_at__isnull=True, archived_at__isnull=True)
            .values("pk"),
            shared_at__gte=timezone.now() - SHARED_RECENTLY,
            # only what a party still in the collaboration shares: the comparison shows nothing else
            organisation__parties__collaboration=F("collaboration"),
            organisation__parties__state=PartyState.ACCEPTED,
        )
        .exclude(organisation_id__in=own)
        .select_related("collaboration", "phase", "phase__guide", "organisation")
        .order_by("-shared_at")
    )
    if collaboration is not None:
        shares = shares.filter(collaboration=collaboration)
    return [
        Expectation(
            kind="shared",
            text=_("Läs vad %(org)s har delat i ”%(phase)s” (”%(title)s”)")
            % {"org": s.organisation.name, "phase": s.phase.title, "title": s.collaboration.title},
            url=reverse("phase_compare", args=[s.collaboration.code, s.phase.guide.slug, s.phase.slug]),
            collaboration=s.collaboration,
        )
        for s in shares
    ]


def agreements_to_approve(user: User, collaboration: Collaboration | None) -> Iterable[Expectation]:
    """Agreement versions under review that the user may approve for a party that has not approved them yet."""
    approvers = [
        m.organisation_id
        for m in Membership.objects.active().filter(user=user).select_related("organisation")
        if may_approve(m)
    ]
    if not approvers:
        return []
    parties = (
        Party.objects.accepted()
        .filter(organisation_id__in=approvers, collaboration__agreement__state=AgreementState.GRANSKNING)
        .select_related("organisation", "collaboration__agreement__latest_version")
        .order_by("collaboration__title", "organisation__name")
    )
    if collaboration is not None:
        parties = parties.filter(collaboration=collaboration)
    parties_list = list(parties)
    approved = set(
        Approval.objects.filter(
            version_id__in=[p.collaboration.agreement.latest_version_id for p in parties_list]
        ).values_list("version_id", "organisation_id")
    )
    result = []
    for p in parties_list:
        version = p.collaboration.agreement.latest_version
        if version is None or (version.pk, p.organisation_id) in approved:
            continue
        result.append(
            Expectation(
                kind="approve-agreement",
                text=_("Läs och godkänn version %(n)d av avsiktsförklaringen i ”%(title)s” för %(org)s")
                % {"n": version.number, "title": p.collaboration.title, "org": p.organisation.name},
                url=reverse("agreement_version", args=[p.collaboration.code, version.number]),
                collaboration=p.collaboration,
            )
        )
    return result


KINDS: list[Kind] = [invitations, assigned_steps, phases_to_confirm, agreements_to_approve, shared_with_you]


def expected_of(user: User, collaboration: Collaboration | None = None) -> list[Expectation]:
    """The person's next actions, across their collaborations or in one: the most urgent first.

    Overdue and dated items come first, by date; then the rest in the order their kind gave them.
    """
    if not user.is_authenticated:
        return []
    items = [item for kind in KINDS for item in kind(user, collaboration)]
    return sorted(items, key=lambda e: (e.due_on is None, e.due_on or date.max))

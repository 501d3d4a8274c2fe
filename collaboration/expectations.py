"""What is expected of the signed-in person now: next actions, each with a Swedish text and a link.

`expected_of` asks every function in `KINDS` and joins their answers. Adding a kind (phases awaiting the
party's confirmation, checklists shared with you) is one function taking an `Asking` (who asks, where, how
many items at most) and returning `Expectation`s, appended to `KINDS`. Each kind makes a fixed number of
queries and returns a bounded number of items, however many collaborations the person is in: a coordinator
whose organisation is party to thousands of collaborations must not get a start page that grows with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from collaboration.models import (
    Agreement,
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
from collaboration.models.collaborations import CollaborationQuerySet
from collaboration.phases import MODEL_GUIDE, phases_awaiting_confirmation
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


@dataclass(frozen=True)
class Asking:
    """Who asks what is expected of them, where, and how many items of each kind to return at most.

    The person's active memberships are read once here, so that no kind repeats that query.
    """

    user: User
    collaboration: Collaboration | None
    memberships: tuple[Membership, ...]
    limit: int
    omit: frozenset[str] = frozenset()

    @property
    def organisation_ids(self) -> list[int]:
        return [m.organisation_id for m in self.memberships]

    def visible_collaborations(self) -> CollaborationQuerySet:
        """The collaborations to look in: the one page's, or every one the person's organisations take part in."""
        if self.collaboration is not None:
            # The page has checked access already: one row, no subquery over the person's parties.
            return Collaboration.objects.filter(pk=self.collaboration.pk)
        return Collaboration.objects.filter(
            Exists(
                Party.objects.accepted().filter(collaboration=OuterRef("pk"), organisation_id__in=self.organisation_ids)
            )
        )


Kind = Callable[[Asking], Iterable[Expectation]]


def invitations(asking: Asking) -> Iterable[Expectation]:
    """Invitations the user may answer for their organisation."""
    if asking.collaboration is not None:
        return []  # an invited organisation does not see the collaboration's page yet
    parties = (
        Party.objects.answerable_by(asking.user)
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
        for p in parties[: asking.limit]
    ]


def assigned_steps(asking: Asking) -> Iterable[Expectation]:
    """Steps not done that are assigned to the user, or to someone at one of the user's party organisations."""
    assignments = StepAssignment.objects.open().filter(
        collaboration__in=asking.visible_collaborations(), responsible_organisation_id__in=asking.organisation_ids
    )
    if "assigned" in asking.omit:
        assignments = assignments.exclude(responsible=asking.user)
    # The most urgent ids first, in a narrow query, then those rows with everything they show: sorting an
    # organisation's thousands of open assignments with every joined column took twice as long.
    urgent = list(
        assignments.order_by(F("due_on").asc(nulls_last=True), "pk").values_list("pk", flat=True)[: asking.limit]
    )
    now = today()
    result = []
    for a in StepAssignment.objects.filter(pk__in=urgent).for_listing():
        step = a.step
        url = reverse("step", args=[a.collaboration.code, step.phase.guide.slug, step.phase.slug, step.slug])
        values = {"step": step.title, "title": a.collaboration.title}
        if a.responsible_id == asking.user.pk:
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


def phases_to_confirm(asking: Asking) -> Iterable[Expectation]:
    """Phases whose steps are all done and that wait for the user's party to say "Vi är överens"."""
    return [
        Expectation(
            kind="confirm-phase",
            text=_("Bekräfta för %(org)s att ni är överens om ”%(phase)s” i ”%(title)s”")
            % {"org": a.organisation.name, "phase": a.phase.title, "title": a.collaboration.title},
            url=reverse("phase_review", args=[a.collaboration.code, MODEL_GUIDE, a.phase.slug]),
            collaboration=a.collaboration,
        )
        for a in phases_awaiting_confirmation(asking.user, collaboration=asking.collaboration, limit=asking.limit)
    ]


# Answers another party shared lately: read them before the first conversation.
SHARED_RECENTLY = timedelta(days=14)


def shared_with_you(asking: Asking) -> Iterable[Expectation]:
    """Checklists other parties shared with the user's parties in the last two weeks."""
    shares = (
        SharedPhase.objects.filter(
            collaboration__in=asking.visible_collaborations().filter(ended_at__isnull=True, archived_at__isnull=True),
            shared_at__gte=timezone.now() - SHARED_RECENTLY,
            # only what a party still in the collaboration shares: the comparison shows nothing else
            organisation__parties__collaboration=F("collaboration"),
            organisation__parties__state=PartyState.ACCEPTED,
        )
        .exclude(organisation_id__in=asking.organisation_ids)
        .select_related("collaboration", "phase", "phase__guide", "organisation")
        .order_by("-shared_at")
    )
    return [
        Expectation(
            kind="shared",
            text=_("Läs vad %(org)s har delat i ”%(phase)s” (”%(title)s”)")
            % {"org": s.organisation.name, "phase": s.phase.title, "title": s.collaboration.title},
            url=reverse("phase_compare", args=[s.collaboration.code, s.phase.guide.slug, s.phase.slug]),
            collaboration=s.collaboration,
        )
        for s in shares[: asking.limit]
    ]


def agreements_to_approve(asking: Asking) -> Iterable[Expectation]:
    """Agreement versions under review that the user may approve for a party that has not approved them yet."""
    approvers = [m.organisation_id for m in asking.memberships if may_approve(m)]
    if not approvers:
        return []
    if (
        asking.collaboration is not None
        and not Agreement.objects.filter(collaboration=asking.collaboration, state=AgreementState.GRANSKNING).exists()
    ):
        return []
    # Versions this party has approved already are left out in the database, so the limit counts what is left.
    approved = Approval.objects.filter(
        version=OuterRef("collaboration__agreement__latest_version"), organisation=OuterRef("organisation")
    )
    parties = (
        Party.objects.accepted()
        .filter(organisation_id__in=approvers, collaboration__agreement__state=AgreementState.GRANSKNING)
        .exclude(Exists(approved))
        .select_related("organisation", "collaboration__agreement__latest_version")
        .defer("collaboration__agreement__latest_version__content")
        .order_by("collaboration__title", "organisation__name")
    )
    if asking.collaboration is not None:
        parties = parties.filter(collaboration=asking.collaboration)
    result = []
    for p in parties[: asking.limit]:
        version = p.collaboration.agreement.latest_version
        if version is None:
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


KINDS: list[tuple[str, Kind]] = [
    ("invitation", invitations),
    ("assigned", assigned_steps),
    ("confirm-phase", phases_to_confirm),
    ("approve-agreement", agreements_to_approve),
    ("shared", shared_with_you),
]

# At most this many items of each kind: the list says what to do next, it is not an inventory.
LIMIT_PER_KIND = 5


class Expectations(list[Expectation]):
    """The items, most urgent first; `more` says that some kind had more items than the limit."""

    more: bool = False
    limit: int = LIMIT_PER_KIND


def expected_of(
    user: User,
    collaboration: Collaboration | None = None,
    *,
    omit: Iterable[str] = (),
    limit: int = LIMIT_PER_KIND,
) -> Expectations:
    """The person's next actions, across their collaborations or in one: the most urgent first.

    Overdue and dated items come first, by date; then the rest in the order their kind gave them. Each kind
    gives at most `limit` items (it is asked for one more, to tell that there are more). `omit` names kinds a
    page shows in a fuller section of its own ("invitation", "assigned": the person's own steps), which are
    then not fetched.
    """
    result = Expectations()
    result.limit = limit
    if not user.is_authenticated:
        return result
    asking = Asking(
        user=user,
        collaboration=collaboration,
        memberships=tuple(Membership.objects.active().filter(user=user).select_related("organisation")),
        limit=limit + 1,
        omit=frozenset(omit),
    )
    if not asking.memberships:
        return result
    for name, kind in KINDS:
        # assigned_steps also gives "party-assigned" (a colleague's steps), so it runs even when "assigned" is
        # omitted: it then leaves the person's own steps out in the database.
        if name in asking.omit and name != "assigned":
            continue
        items = [item for item in kind(asking) if item.kind not in asking.omit]
        if len(items) > limit:
            result.more = True
        result.extend(items[:limit])
    result.sort(key=lambda e: (e.due_on is None, e.due_on or date.max))
    return result

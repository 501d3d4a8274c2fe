"""The phases of the guided process: whose answers a phase holds, the parties' confirmation that they agree
("Vi är överens om …"), reopening, the phase review, comparing and sharing each party's answers.

Every function here runs a fixed number of queries, whatever the number of answers or collaborations.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from collaboration.access import confirming_organisations
from collaboration.guidance.cache import guide_content
from collaboration.models import (
    Activity,
    ActivityKind,
    Answer,
    AnswerMode,
    Collaboration,
    Guide,
    Membership,
    Organisation,
    Party,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    PhaseKind,
    Question,
    QuestionGroup,
    SharedPhase,
    Status,
    Step,
    StepProgress,
    StepStatus,
)
from portal.models import User

if TYPE_CHECKING:
    from portal.models import User


MODEL_GUIDE = "samverkansmodellen"


def answer_party(phase: Phase, party: Organisation | None) -> Organisation | None:
    """Whose answers a step of `phase` holds for someone acting for `party`: None means the joint ones.

    A phase that is not open to the party (the public parties' own prerequisites, for a
    civil-society party) does not exist for it: 404.
    """
    if not phase.open_to(party):
        raise Http404("Ingen sådan fas.")
    if not phase.is_per_party:
        return None
    if party is None:
        raise Http404("Ingen part att svara för.")
    return party


def own_or_joint(party: Organisation | None, prefix: str) -> Q:
    """Joint answers of joint phases, and `party`'s own answers of per-party phases, in one filter."""
    joint = Q(**{f"{prefix}answer_mode": AnswerMode.JOINT}, party_organisation__isnull=True)
    if party is None:
        return joint
    return joint | (~Q(**{f"{prefix}answer_mode": AnswerMode.JOINT}) & Q(party_organisation=party))


def void_confirmations(
    *, collaboration: Collaboration, step: Step, user: User, organisation: Organisation | None
) -> None:
    """A joint answer changed in a phase some parties had confirmed but not completed: they agreed on other text.

    Their confirmations are taken back (logged), so the phase completes only on text every party has seen.
    """
    removed, _detail = (
        PhaseConfirmation.objects.filter(collaboration=collaboration, phase_id=step.phase_id)
        .exclude(phase__in=PhaseCompletion.objects.filter(collaboration=collaboration).values("phase"))
        .delete()
    )
    if removed:
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.PHASE_REOPENED,
            actor=user,
            organisation=organisation,
            summary=_("ändrade svar i fasen ”%(phase)s”, så parternas bekräftelser gäller inte längre")
            % {"phase": step.phase.title},
            phase=step.phase_id,
        )


class ConfirmOutcome(enum.Enum):
    NOT_READY = "not-ready"  # some step of the phase is not done
    NOT_A_PARTY = "not-a-party"  # the person does not work for that accepted party
    CONFIRMED = "confirmed"  # this party has confirmed; others are awaited
    COMPLETED = "completed"  # this confirmation was the last one: the phase is done
    ALREADY_DONE = "already-done"  # the phase was done already
    ENDED = "ended"  # the collaboration is ended: reopen it before agreeing on more


@dataclass
class PhaseConsensus:
    """Who has confirmed a phase and who is awaited: the accepted parties as they are now.

    A party that joins while the phase is open is awaited too; one that leaves is no
    longer awaited and its confirmation no longer counts. A completed phase stays
    completed whoever joins later (reopening it is a decision the parties take).
    """

    confirmations: list[PhaseConfirmation]
    awaited: list[Organisation]

    @property
    def everyone_confirmed(self) -> bool:
        return not self.awaited

    def confirmed_by(self, organisation: Organisation) -> PhaseConfirmation | None:
        return next((c for c in self.confirmations if c.organisation_id == organisation.pk), None)


def phase_consensus(collaboration: Collaboration, phases: list[Phase]) -> dict[int, PhaseConsensus]:
    """Each phase's consensus (who has confirmed, who is awaited), in two queries whatever the number of phases and parties."""
    parties = [
        p.organisation
        for p in Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("-organisation__sector", "organisation__name")
    ]
    accepted = {o.pk for o in parties}
    by_phase: dict[int, list[PhaseConfirmation]] = {p.pk: [] for p in phases}
    for confirmation in PhaseConfirmation.objects.filter(
        collaboration=collaboration, phase__in=[p.pk for p in phases], organisation_id__in=accepted
    ).select_related("organisation", "confirmed_by"):
        by_phase[confirmation.phase_id].append(confirmation)
    return {
        pk: PhaseConsensus(
            confirmations=confirmations,
            awaited=[o for o in parties if o.pk not in {c.organisation_id for c in confirmations}],
        )
        for pk, confirmations in by_phase.items()
    }


@dataclass(frozen=True)
class AwaitedConfirmation:
    collaboration: Collaboration
    phase: Phase
    organisation: Organisation  # the user's party that has not confirmed yet


def phases_awaiting_confirmation(
    user: User, *, collaboration: Collaboration | None = None, limit: int | None = None
) -> list[AwaitedConfirmation]:
    """Phases of the model whose steps are all done and that wait for one of the user's parties to confirm.

    For "what is expected of me now", across the user's collaborations or in one: one query per joint phase
    of the model, each asking the database for at most `limit` parties, however many collaborations the
    user's organisations are in. (Collecting ids in Python first took a fifth of a second per start page for
    an organisation in 10,000 collaborations.)
    """
    organisations = list(Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True))
    if not organisations:
        return []
    try:
        content = guide_content(MODEL_GUIDE)
    except Http404:
        return []
    phases = [
        phase
        for phase in content.phases
        if phase.kind == PhaseKind.PHASE and phase.answer_mode == AnswerMode.JOINT and phase.steps.all()
    ]
    if collaboration is not None:
        return _phases_awaiting_in(collaboration, user, phases)[:limit]
    mine = Party.objects.accepted().filter(
        organisation_id__in=organisations,
        collaboration__ended_at__isnull=True,
        collaboration__archived_at__isnull=True,
    )
    awaited = []
    for phase in phases:
        done = (
            StepProgress.objects.filter(
                collaboration=OuterRef("collaboration"), step__phase=phase, status=StepStatus.DONE
            )
            .order_by()
            .values("collaboration")
            .annotate(n=Count("pk"))
            .values("n")
        )
        parties = (
            mine.exclude(Exists(PhaseCompletion.objects.filter(collaboration=OuterRef("collaboration"), phase=phase)))
            .exclude(
                Exists(
                    PhaseConfirmation.objects.filter(
                        collaboration=OuterRef("collaboration"), phase=phase, organisation=OuterRef("organisation")
                    )
                )
            )
            .annotate(done=Subquery(done))
            .filter(done__gte=len(phase.steps.all()))
            .select_related("collaboration", "organisation")
            .order_by("collaboration__title", "organisation__name")
        )
        if limit is not None:
            parties = parties[:limit]
        awaited += [
            AwaitedConfirmation(collaboration=p.collaboration, phase=phase, organisation=p.organisation)
            for p in parties
        ]
    awaited.sort(key=lambda a: (a.collaboration.title, a.organisation.name, a.phase.order))
    return awaited[:limit] if limit is not None else awaited


def _phases_awaiting_in(collaboration: Collaboration, user: User, phases: list[Phase]) -> list[AwaitedConfirmation]:
    """`phases_awaiting_confirmation` for one collaboration's page: usually one small query (no phase is ready)."""
    if collaboration.ended_at is not None or collaboration.archived_at is not None:
        return []
    done = Counter(
        StepProgress.objects.filter(
            collaboration=collaboration, status=StepStatus.DONE, step__phase__in=[p.pk for p in phases]
        ).values_list("step__phase", flat=True)
    )
    ready = [phase for phase in phases if done[phase.pk] >= len(phase.steps.all())]
    if not ready:
        return []
    completed = set(
        PhaseCompletion.objects.filter(collaboration=collaboration, phase__in=ready).values_list("phase", flat=True)
    )
    confirmed = set(
        PhaseConfirmation.objects.filter(collaboration=collaboration, phase__in=ready).values_list(
            "phase", "organisation"
        )
    )
    return [
        AwaitedConfirmation(collaboration=collaboration, phase=phase, organisation=organisation)
        for organisation in collaboration.organisations_of(user)
        for phase in ready
        if phase.pk not in completed and (phase.pk, organisation.pk) not in confirmed
    ]


def phase_confirm(
    *, collaboration: Collaboration, phase: Phase, user: User, organisation: Organisation
) -> ConfirmOutcome:
    """Record that `organisation` (the user's party) agrees the phase is done; complete it after the last party.

    The collaboration row is locked first, so that two parties confirming at the same
    moment are serialised: both confirmations count and exactly one of them completes
    the phase. A party that has confirmed may confirm again (it changes nothing) to
    complete a phase whose last awaited party left.
    """
    with transaction.atomic():
        Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        if organisation not in confirming_organisations(user, collaboration):
            return ConfirmOutcome.NOT_A_PARTY
        if PhaseCompletion.objects.filter(collaboration=collaboration, phase=phase).exists():
            return ConfirmOutcome.ALREADY_DONE
        if Collaboration.objects.filter(pk=collaboration.pk, ended_at__isnull=False).exists():
            return ConfirmOutcome.ENDED  # an ended collaboration is agreed on no more; reopen it first
        steps = Step.objects.filter(phase=phase).values_list("pk", flat=True)
        done = (
            StepProgress.objects.filter(collaboration=collaboration, step__in=steps, status=StepStatus.DONE)
            .filter(own_or_joint(organisation, "step__phase__"))  # a per-party phase: this party's own steps
            .count()
        )
        if done < len(steps):
            return ConfirmOutcome.NOT_READY
        _confirmation, created = PhaseConfirmation.objects.get_or_create(
            collaboration=collaboration, phase=phase, organisation=organisation, defaults={"confirmed_by": user}
        )
        if created:
            Activity.record(
                collaboration=collaboration,
                kind=ActivityKind.PHASE_CONFIRMED,
                actor=user,
                organisation=organisation,
                summary=_("bekräftade för %(organisation)s att parterna är överens om fasen ”%(phase)s”")
                % {"organisation": organisation.name, "phase": phase.title},
                phase=phase.pk,
            )
        consensus = phase_consensus(collaboration, [phase])[phase.pk]
        if not consensus.everyone_confirmed:
            collaboration.touch()
            return ConfirmOutcome.CONFIRMED
        PhaseCompletion.objects.create(
            collaboration=collaboration, phase=phase, completed_by=user, completed_by_organisation=organisation
        )
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.PHASE_DONE,
            actor=user,
            organisation=organisation,
            summary=_("bekräftade som sista part: fasen ”%(phase)s” är klar, alla parter är överens")
            % {"phase": phase.title},
            phase=phase.pk,
        )
        refresh_current_phase(collaboration)
        collaboration.touch()
    return ConfirmOutcome.COMPLETED


def phase_reopen(
    *, collaboration: Collaboration, phase: Phase, user: User, organisation: Organisation, reason: str
) -> bool:
    """Open a done (or partly confirmed) phase again, for a reason; every party confirms it anew.

    Any one accepted party may do this. Returns False (and changes nothing) if the user
    does not work for that party or the reason is empty.
    """
    reason = reason.strip()
    if not reason:
        return False
    with transaction.atomic():
        Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        if organisation not in confirming_organisations(user, collaboration):
            return False
        PhaseCompletion.objects.filter(collaboration=collaboration, phase=phase).delete()
        PhaseConfirmation.objects.filter(collaboration=collaboration, phase=phase).delete()
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.PHASE_REOPENED,
            actor=user,
            organisation=organisation,
            summary=_("öppnade fasen ”%(phase)s” igen: %(reason)s") % {"phase": phase.title, "reason": reason},
            phase=phase.pk,
            reason=reason,
        )
        refresh_current_phase(collaboration)
        collaboration.touch()
    return True


def refresh_current_phase(collaboration: Collaboration) -> None:
    """Point the collaboration at the first of the model's phases that is not done yet."""
    phases = list(
        Phase.objects.filter(guide__slug=MODEL_GUIDE, kind=PhaseKind.PHASE)
        .annotate(
            done=Count(
                "pk", filter=Q(pk__in=PhaseCompletion.objects.filter(collaboration=collaboration).values("phase"))
            )
        )
        .order_by("order")
    )
    current = next((p for p in phases if not p.done), None)
    updates: dict[str, object] = {"current_phase": current}
    if getattr(collaboration, "ended_at", None) is not None:
        pass  # an ended collaboration stays ended whatever happens to its phases; reopening it is explicit
    elif phases and current is None:
        updates["status"] = Status.FINISHED
    elif collaboration.status == Status.FINISHED:
        updates["status"] = Status.ONGOING
    Collaboration.objects.filter(pk=collaboration.pk).update(**updates)
    for key, value in updates.items():
        setattr(collaboration, key, value)


def review(
    collaboration: Collaboration, guide: Guide, phase: Phase | None = None, *, party: Organisation | None
) -> list[tuple[Phase, list[tuple[Step, list[tuple[QuestionGroup, list[tuple[Question, Answer | None]]]]]]]]:
    """All questions of a guide (or one phase) with this collaboration's answers, in order.

    For someone acting for `party`: joint answers of joint phases, `party`'s own answers of
    per-party phases; phases closed to `party` are left out (a closed `phase` is 404).
    """
    if phase is not None:
        answer_party(phase, party)
    phases = Phase.objects.filter(guide=guide)
    if phase is not None:
        phases = phases.filter(pk=phase.pk)
    phase_list = [
        p
        for p in phases.prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("order")),
            Prefetch("steps__groups", queryset=QuestionGroup.objects.order_by("order")),
            Prefetch("steps__groups__questions", queryset=Question.objects.order_by("order")),
        )
        if p.open_to(party)
    ]
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            collaboration=collaboration, question__group__step__phase__in=[p.pk for p in phase_list]
        )
        .filter(own_or_joint(party, "question__group__step__phase__"))
        .select_related("updated_by", "updated_by_organisation")
    }
    return [
        (
            p,
            [
                (s, [(g, [(q, answers.get(q.pk)) for q in g.questions.all()]) for g in s.groups.all()])
                for s in p.steps.all()
            ],
        )
        for p in phase_list
    ]


@dataclass
class CompareColumn:
    organisation: Organisation
    own: bool
    shared: bool


@dataclass
class CompareRow:
    question: Question
    # One answer (or None) per column, in the columns' order.
    answers: list[Answer | None]

    @property
    def texts(self) -> list[str]:
        return [a.text if a else "" for a in self.answers]

    @property
    def differ(self) -> bool:
        return len({t.strip() for t in self.texts}) > 1

    @property
    def unanswered(self) -> bool:
        return not any(t.strip() for t in self.texts)


@dataclass
class Comparison:
    phase: Phase
    columns: list[CompareColumn]
    steps: list[tuple[Step, list[tuple[QuestionGroup, list[CompareRow]]]]]
    # Accepted parties that have not shared their answers (their answers are not shown).
    waiting: list[Organisation]


def shared_phases(collaboration: Collaboration, party: Organisation | None) -> set[int]:
    """The phases in which `party` shares its own answers with the other parties."""
    if party is None:
        return set()
    return set(
        SharedPhase.objects.filter(collaboration=collaboration, organisation=party).values_list("phase_id", flat=True)
    )


def compare(collaboration: Collaboration, phase: Phase, *, party: Organisation | None) -> Comparison:
    """Each party's own answers in a shareable phase side by side, question by question.

    The reader sees their own party's answers (shared or not) and those of the parties
    that share theirs; never another party's private answers. A fixed number of queries.
    """
    if not phase.is_shareable:
        raise Http404("De här svaren jämförs inte.")
    parties = [
        p.organisation
        for p in Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("organisation__sector", "organisation__name")
    ]
    sharing = set(
        SharedPhase.objects.filter(collaboration=collaboration, phase=phase).values_list("organisation_id", flat=True)
    )
    columns = [
        CompareColumn(organisation=o, own=party is not None and o.pk == party.pk, shared=o.pk in sharing)
        for o in parties
        if o.pk in sharing or (party is not None and o.pk == party.pk)
    ]
    columns.sort(key=lambda c: not c.own)  # the reader's own answers first
    shown = [c.organisation.pk for c in columns]
    answers = {
        (a.question_id, a.party_organisation_id): a
        for a in Answer.objects.filter(
            collaboration=collaboration, question__group__step__phase=phase, party_organisation_id__in=shown
        ).select_related("updated_by")
    }
    steps = list(
        Step.objects.filter(phase=phase)
        .order_by("order")
        .prefetch_related(
            Prefetch("groups", queryset=QuestionGroup.objects.order_by("order")),
            Prefetch("groups__questions", queryset=Question.objects.order_by("order")),
        )
    )
    return Comparison(
        phase=phase,
        columns=columns,
        steps=[
            (
                s,
                [
                    (g, [CompareRow(q, [answers.get((q.pk, pk)) for pk in shown]) for q in g.questions.all()])
                    for g in s.groups.all()
                ],
            )
            for s in steps
        ],
        waiting=[o for o in parties if o.pk not in shown],
    )


def share_answers(
    *, collaboration: Collaboration, phase: Phase, organisation: Organisation, user: User, share: bool
) -> bool:
    """Show a party's own answers in a phase to the other parties, or stop showing them.

    Sharing shows the answers as they are now and as the party goes on editing them;
    taking it back hides them again from then on (what the others read meanwhile is not
    unread, but nothing more is shown). Only phases whose AnswerMode allows it are shared.
    Returns False if nothing changed (already shared, or not shared).
    """
    if not phase.is_shareable:
        raise ValueError("The answers of this phase are not shared.")
    with transaction.atomic():
        if share:
            changed = SharedPhase.objects.get_or_create(
                collaboration=collaboration, phase=phase, organisation=organisation, defaults={"shared_by": user}
            )[1]
            kind, summary = ActivityKind.SHARED, _("%(org)s delade sina svar i ”%(phase)s” med de andra parterna")
        else:
            changed = bool(
                SharedPhase.objects.filter(
                    collaboration=collaboration, phase=phase, organisation=organisation
                ).delete()[0]
            )
            kind, summary = ActivityKind.UNSHARED, _("%(org)s slutade dela sina svar i ”%(phase)s”")
        if changed:
            Activity.record(
                collaboration=collaboration,
                kind=kind,
                actor=user,
                organisation=organisation,
                summary=summary % {"org": organisation.name, "phase": phase.title},
                phase=phase.pk,
            )
            collaboration.touch()
    return changed

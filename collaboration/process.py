"""The guided process: task lists, step pages, saving answers and completing phases.

Every function here runs a fixed number of queries, whatever the number of
answers or collaborations, so that the pages stay fast at scale.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.guidance.cache import guide_content
from collaboration.models import (
    Activity,
    ActivityKind,
    Answer,
    AnswerMode,
    Collaboration,
    Edit,
    Guide,
    Membership,
    Organisation,
    Party,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    PhaseKind,
    PhasePrinciple,
    Question,
    QuestionGroup,
    SharedPhase,
    Status,
    Step,
    StepProgress,
    StepStatus,
    party_filter,
)
from collaboration.models.texts import SaveReport

if TYPE_CHECKING:
    from portal.models import User

MODEL_GUIDE = "samverkansmodellen"


@dataclass
class StepRow:
    step: Step
    progress: StepProgress | None
    answered: int
    questions: int

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else StepStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(StepStatus(self.status).label)

    @property
    def is_done(self) -> bool:
        return self.status == StepStatus.DONE


@dataclass
class PhaseRow:
    phase: Phase
    steps: list[StepRow]
    completion: PhaseCompletion | None
    agreement: PhaseAgreement | None = None  # who has confirmed the phase, who is awaited
    # Whose answers the steps hold for the reader: None for joint ones, else the reader's own party.
    party: Organisation | None = None
    # For a per-party phase: whether the reader's party shares its answers, and which other parties share theirs.
    shared: bool = False
    shared_by_others: list[Organisation] = field(default_factory=list)

    @property
    def steps_done(self) -> int:
        return sum(1 for row in self.steps if row.is_done)

    @property
    def all_steps_done(self) -> bool:
        return all(row.is_done for row in self.steps)


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


def _own_or_joint(party: Organisation | None, prefix: str) -> Q:
    """Joint answers of joint phases, and `party`'s own answers of per-party phases, in one filter."""
    joint = Q(**{f"{prefix}answer_mode": AnswerMode.JOINT}, party_organisation__isnull=True)
    if party is None:
        return joint
    return joint | (~Q(**{f"{prefix}answer_mode": AnswerMode.JOINT}) & Q(party_organisation=party))


def get_guide(slug: str) -> Guide:
    return guide_content(slug).guide


def task_list(collaboration: Collaboration, guide: Guide, *, party: Organisation | None) -> list[PhaseRow]:
    """The guide's phases and steps with their status, for someone acting for `party`.

    Joint phases show the joint answers; per-party phases show `party`'s own answers and
    status, and leave out what `party` may not see (the public parties' own prerequisites).
    """
    content = guide_content(guide.slug)
    phases = [phase for phase in content.phases if phase.open_to(party)]
    progress = {
        p.step_id: p
        for p in StepProgress.objects.filter(collaboration=collaboration, step__phase__guide=guide)
        .filter(_own_or_joint(party, "step__phase__"))
        .select_related("updated_by", "updated_by_organisation")
    }
    shares: dict[int, list[SharedPhase]] = {}
    for share in SharedPhase.objects.filter(collaboration=collaboration, phase__guide=guide).select_related(
        "organisation"
    ):
        shares.setdefault(share.phase_id, []).append(share)
    completions = {
        c.phase_id: c
        for c in PhaseCompletion.objects.filter(collaboration=collaboration, phase__guide=guide).select_related(
            "completed_by", "completed_by_organisation"
        )
    }
    answered = dict(
        Answer.objects.filter(collaboration=collaboration, question__group__step__phase__guide=guide)
        .filter(_own_or_joint(party, "question__group__step__phase__"))
        .exclude(text="")
        .values_list("question__group__step")
        .annotate(n=Count("pk"))
        .values_list("question__group__step", "n")
    )
    question_counts = {step.pk: content.question_count(step) for step in content.steps()}
    agreements = phase_agreements(collaboration, phases)
    return [
        PhaseRow(
            phase=phase,
            steps=[
                StepRow(
                    step=step,
                    progress=progress.get(step.pk),
                    answered=answered.get(step.pk, 0),
                    questions=question_counts.get(step.pk, 0),
                )
                for step in phase.steps.all()
            ],
            completion=completions.get(phase.pk),
            agreement=agreements.get(phase.pk),
            party=party if phase.is_per_party else None,
            shared=phase.is_per_party
            and party is not None
            and any(s.organisation_id == party.pk for s in shares.get(phase.pk, [])),
            shared_by_others=[
                s.organisation
                for s in shares.get(phase.pk, [])
                if phase.is_shareable and (party is None or s.organisation_id != party.pk)
            ],
        )
        for phase in phases
    ]


@dataclass
class StepPage:
    guide: Guide
    phase: Phase
    step: Step
    groups: list[QuestionGroup]
    answers: dict[int, Answer]
    principles: list[PhasePrinciple]
    previous: Step | None
    next: Step | None
    progress: StepProgress | None
    # Whose answers these are: None for the joint ones, else the party writing for itself.
    party: Organisation | None = None
    # Whether `party` shares its answers in this phase with the other parties.
    shared: bool = False
    questions: list[Question] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.questions = [q for group in self.groups for q in group.questions.all()]


def load_step(
    collaboration: Collaboration,
    guide: Guide,
    phase_slug: str,
    step_slug: str,
    *,
    party: Organisation | None,
    for_autosave: bool = False,
) -> StepPage:
    """A step with its questions and this collaboration's answers, for someone acting for `party`.

    A joint step holds the joint answers; a per-party step `party`'s own (`StepPage.party`
    says whose). A step of a phase closed to `party` is 404 (see `answer_party`).
    `for_autosave` leaves out what only the full page shows (tips, methods, principles,
    neighbouring steps, progress): autosave is the hottest request there is.
    """
    content = guide_content(guide.slug)
    step = content.step(phase_slug, step_slug)
    if step is None:
        raise Http404("Inget sådant steg.")
    owner = answer_party(step.phase, party)
    groups = list(content.groups.get(step.pk, ()))
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            collaboration=collaboration, question__group__step=step, **party_filter(owner)
        ).select_related("updated_by", "updated_by_organisation")
    }
    if for_autosave:
        return StepPage(
            guide=guide,
            phase=step.phase,
            step=step,
            groups=groups,
            answers=answers,
            principles=[],
            previous=None,
            next=None,
            progress=None,
            party=owner,
        )
    # Previous and next among the steps this party may open: never a link into another party's own phase.
    ordered = [s for s in content.steps() if s.pk == step.pk or s.phase.open_to(party)]
    index = next(i for i, s in enumerate(ordered) if s.pk == step.pk)
    return StepPage(
        guide=guide,
        phase=step.phase,
        step=step,
        groups=groups,
        answers=answers,
        principles=list(content.principles.get(step.phase.pk, ())),
        previous=ordered[index - 1] if index > 0 else None,
        next=ordered[index + 1] if index + 1 < len(ordered) else None,
        progress=StepProgress.objects.filter(collaboration=collaboration, step=step, **party_filter(owner))
        .select_related("updated_by", "updated_by_organisation")
        .first(),
        party=owner,
        shared=owner is not None
        and SharedPhase.objects.filter(collaboration=collaboration, phase=step.phase, organisation=owner).exists(),
    )


def step_save(
    *,
    collaboration: Collaboration,
    step: Step,
    edits: list[Edit],
    writer: str,
    user: User,
    organisation: Organisation | None,
    party: Organisation | None = None,
    mark: str | None = None,
) -> SaveReport:
    """Save a step's answers; each answer either saves or reports a conflict, never overwrites one.

    `party` selects whose answers and status are written: None for the joint ones, else the
    party organisation's own (`StepPage.party`). A party's own work is not in the activity
    log, which every party reads; sharing it is (collaboration.services.share_answers).
    `mark` may be StepStatus.DONE or StepStatus.IN_PROGRESS to change the step's status.
    A fixed number of queries, however many answers changed.
    """
    with transaction.atomic():
        report = SaveReport(
            Answer.save_texts(
                collaboration=collaboration,
                edits=edits,
                writer=writer,
                user=user,
                organisation=organisation,
                party=party,
            )
            if edits
            else {}
        )
        if report.conflicts:
            mark = None  # nobody marks a step done over an unresolved conflict
        if report.saved or mark:
            progress, created = StepProgress.objects.select_for_update().get_or_create(
                collaboration=collaboration,
                step=step,
                party_organisation=party,
                defaults={
                    "status": mark or StepStatus.IN_PROGRESS,
                    "updated_by": user,
                    "updated_by_organisation": organisation,
                },
            )
            if not created:
                if mark:
                    progress.status = mark
                elif progress.status == StepStatus.NOT_STARTED:
                    progress.status = StepStatus.IN_PROGRESS
                progress.updated_by = user
                progress.updated_by_organisation = organisation
                progress.save(update_fields=["status", "updated_by", "updated_by_organisation", "updated_at"])
            # One write to the collaboration: it has been worked in, and a planned one is now going.
            changes: dict[str, object] = {"updated_at": timezone.now()}
            if collaboration.status == Status.PLANNED:
                changes["status"] = collaboration.status = Status.ONGOING
            Collaboration.objects.filter(pk=collaboration.pk).update(**changes)
            if party is None:
                _log_step(collaboration=collaboration, step=step, user=user, organisation=organisation, mark=mark)
        if report.saved and party is None:
            _void_confirmations(collaboration=collaboration, step=step, user=user, organisation=organisation)
    return report


def _void_confirmations(
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


# A person's saves of one step within this window are one entry in the activity log.
ACTIVITY_WINDOW = timedelta(minutes=30)


def _log_step(
    *, collaboration: Collaboration, step: Step, user: User, organisation: Organisation | None, mark: str | None
) -> None:
    if mark == StepStatus.DONE:
        kind, summary = ActivityKind.STEP_DONE, _("markerade steget ”%(step)s” som klart")
    elif mark == StepStatus.IN_PROGRESS:
        kind, summary = ActivityKind.STEP_REOPENED, _("öppnade steget ”%(step)s” igen")
    else:
        kind, summary = ActivityKind.STEP_SAVED, _("skrev i steget ”%(step)s”")
        latest = Activity.objects.filter(collaboration=collaboration).order_by("-created_at", "-pk").first()
        if (
            latest is not None
            and latest.kind == kind
            and latest.actor_id == user.pk
            and latest.data.get("step") == step.pk
            and latest.created_at > timezone.now() - ACTIVITY_WINDOW
        ):
            return  # autosave while typing: one entry, not one per keystroke pause
    Activity.record(
        collaboration=collaboration,
        kind=kind,
        actor=user,
        organisation=organisation,
        summary=summary % {"step": step.title},
        step=step.pk,
    )


class ConfirmOutcome(enum.Enum):
    NOT_READY = "not-ready"  # some step of the phase is not done
    NOT_A_PARTY = "not-a-party"  # the person does not work for that accepted party
    CONFIRMED = "confirmed"  # this party has confirmed; others are awaited
    COMPLETED = "completed"  # this confirmation was the last one: the phase is done
    ALREADY_DONE = "already-done"  # the phase was done already
    ENDED = "ended"  # the collaboration is ended: reopen it before agreeing on more


@dataclass
class PhaseAgreement:
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


def phase_agreements(collaboration: Collaboration, phases: list[Phase]) -> dict[int, PhaseAgreement]:
    """Each phase's agreement, in two queries whatever the number of phases and parties."""
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
        pk: PhaseAgreement(
            confirmations=confirmations,
            awaited=[o for o in parties if o.pk not in {c.organisation_id for c in confirmations}],
        )
        for pk, confirmations in by_phase.items()
    }


def confirming_organisations(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user is an active member of, as the database says now: those they may confirm for."""
    return collaboration.organisations_of(user, fresh=True)


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
            .filter(_own_or_joint(organisation, "step__phase__"))  # a per-party phase: this party's own steps
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
        agreement = phase_agreements(collaboration, [phase])[phase.pk]
        if not agreement.everyone_confirmed:
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
        .filter(_own_or_joint(party, "question__group__step__phase__"))
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

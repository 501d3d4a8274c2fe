"""The steps of the guided process: the task list, a step page's content, saving its answers, assigning it.

Answers are saved through the one save contract (`collaboration.cowriting`). Every function here runs a
fixed number of queries, whatever the number of answers or collaborations. The phases a step belongs to
(confirmations, review, sharing) are in `phases.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from collaboration.cowriting.contract import Edit, SaveReport
from collaboration.guidance.cache import guide_content
from collaboration.models import (
    Activity,
    ActivityKind,
    Answer,
    Collaboration,
    Guide,
    Organisation,
    Party,
    Phase,
    PhaseCompletion,
    PhasePrinciple,
    Question,
    QuestionGroup,
    SharedPhase,
    Status,
    Step,
    StepAssignment,
    StepProgress,
    StepStatus,
    party_filter,
)
from collaboration.parties import PartyStateError
from collaboration.phases import PhaseConsensus, answer_party, own_or_joint, phase_consensus, void_confirmations
from portal.models import User

if TYPE_CHECKING:
    from portal.models import User


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
    consensus: PhaseConsensus | None = None  # who has confirmed the phase, who is awaited
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
        .filter(own_or_joint(party, "step__phase__"))
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
        .filter(own_or_joint(party, "question__group__step__phase__"))
        .exclude(text="")
        .values_list("question__group__step")
        .annotate(n=Count("pk"))
        .values_list("question__group__step", "n")
    )
    question_counts = {step.pk: content.question_count(step) for step in content.steps()}
    consensus = phase_consensus(collaboration, phases)
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
            consensus=consensus.get(phase.pk),
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
    log, which every party reads; sharing it is (collaboration.phases.share_answers).
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
            void_confirmations(collaboration=collaboration, step=step, user=user, organisation=organisation)
    return report


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


def step_assign(
    *,
    collaboration: Collaboration,
    step: Step,
    responsible: User | None,
    due_on: date | None,
    user: User,
    acting_organisation: Organisation | None,
) -> StepAssignment | None:
    """Set (or clear) the responsible person and due date of a step. Returns None when nothing changed.

    The responsible person must belong to a party that has accepted; the caller's form offers only those.
    """
    responsible_organisation = None
    if responsible is not None:
        party = (
            Party.objects.accepted()
            .filter(
                collaboration=collaboration,
                organisation__memberships__user=responsible,
                organisation__memberships__is_active=True,
            )
            .select_related("organisation")
            .order_by("organisation__name")
            .first()
        )
        if party is None:
            raise PartyStateError("the responsible person is not in an accepted party")
        responsible_organisation = party.organisation
    with transaction.atomic():
        assignment, _created = StepAssignment.objects.select_for_update().get_or_create(
            collaboration=collaboration, step=step
        )
        if assignment.responsible_id == (responsible.pk if responsible else None) and assignment.due_on == due_on:
            return None
        assignment.responsible = responsible
        assignment.responsible_organisation = responsible_organisation
        assignment.due_on = due_on
        assignment.updated_by = user
        assignment.save()
        who = responsible.full_name if responsible else _("ingen")
        when = date_format(due_on, "j F Y") if due_on else _("inget datum")
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.ASSIGNED,
            actor=user,
            organisation=acting_organisation,
            summary=_("%(step)s: ansvarig %(who)s, klart senast %(when)s")
            % {"step": step.title, "who": who, "when": when},
            step=step.pk,
            responsible=responsible.pk if responsible else None,
            due_on=due_on.isoformat() if due_on else None,
        )
        collaboration.touch()
    return assignment

"""A guide's content, read once and kept in the process for a minute.

Every process page (task list, step, autosave, reviews) needs the guide's phases, steps, question groups,
questions, tips, methods and the principles each phase leans on, and that content changes only when a
release ships new content or a site admin edits it. Reading it from the database took half of a step
page's queries. `guide_content` reads it in four queries and keeps it for `KEEP_SECONDS`:

- a change saved in this process (the admin, a content load) forgets it at once (`forget`, connected to
  the content models' save and delete signals in `CollaborationConfig.ready`);
- other app servers see an admin's edit within `KEEP_SECONDS`. A question an admin deletes may be offered
  for that long by another server; its answers are deleted with it, so nothing is stored for it.

The objects are shared by every request of the process: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from collaboration.models import Guide, Phase, PhasePrinciple, Question, QuestionGroup, Step

KEEP_SECONDS = 60.0


@dataclass(frozen=True)
class GuideContent:
    guide: Guide
    # In order, each with its steps in order (`phase.steps.all()`), its discussion questions
    # (`phase.questions.all()`) and each step's tips and methods prefetched.
    phases: tuple[Phase, ...]
    # Each step's question groups in order, each with its questions in order (`group.questions.all()`).
    groups: dict[int, tuple[QuestionGroup, ...]]
    # The principles each phase leans on, by phase id, with the principle.
    principles: dict[int, tuple[PhasePrinciple, ...]]

    def phase(self, slug: str) -> Phase | None:
        return next((p for p in self.phases if p.slug == slug), None)

    def step(self, phase_slug: str, step_slug: str) -> Step | None:
        phase = self.phase(phase_slug)
        if phase is None:
            return None
        return next((s for s in phase.steps.all() if s.slug == step_slug), None)

    def steps(self) -> list[Step]:
        """Every step of the guide, in the guide's order."""
        return [step for phase in self.phases for step in phase.steps.all()]

    def question_count(self, step: Step) -> int:
        return sum(len(group.questions.all()) for group in self.groups.get(step.pk, ()))


_kept: dict[str, tuple[float, GuideContent]] = {}
_lock = threading.Lock()


def guide_content(slug: str) -> GuideContent:
    """The guide's content, from this process's copy when it is fresh; 404 for an unknown guide."""
    now = time.monotonic()
    kept = _kept.get(slug)
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return kept[1]
    content = _read(slug)
    with _lock:
        _kept[slug] = (now, content)
    return content


def forget(**_: Any) -> None:
    """Drop every kept guide (a signal receiver, too): the next request reads the content again."""
    with _lock:
        _kept.clear()


def _read(slug: str) -> GuideContent:
    guide = Guide.objects.filter(slug=slug).first()
    if guide is None:
        raise Http404("Ingen sådan vägledning.")
    phases = tuple(
        Phase.objects.filter(guide=guide)
        .order_by("order")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("order").prefetch_related("tips", "methods")),
            "questions",
        )
    )
    for phase in phases:
        phase.guide = guide
    groups: dict[int, list[QuestionGroup]] = {}
    for group in (
        QuestionGroup.objects.filter(step__phase__guide=guide)
        .order_by("order")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order")))
    ):
        groups.setdefault(group.step_id, []).append(group)
    principles: dict[int, list[PhasePrinciple]] = {}
    for link in PhasePrinciple.objects.filter(phase__guide=guide).select_related("principle"):
        principles.setdefault(link.phase_id, []).append(link)
    steps = {step.pk: step for phase in phases for step in phase.steps.all()}
    for step_id, step_groups in groups.items():
        for group in step_groups:
            if step_id in steps:
                group.step = steps[step_id]
    return GuideContent(
        guide=guide,
        phases=phases,
        groups={pk: tuple(g) for pk, g in groups.items()},
        principles={pk: tuple(p) for pk, p in principles.items()},
    )

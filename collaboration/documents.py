"""What each PDF document holds: the data a template under templates/pdf/ needs, its title and file name.

Rendering is collaboration.pdf's business; views call `checklist_pdf(...)` and send the bytes.
Documents show only what the reader may see on the portal's own pages: they are built from the
same reads (`process.review`, `process.task_list`) with the reader's own party.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from collaboration import pdf
from collaboration.models import Answer, Collaboration, Guide, Organisation, Phase, Question, QuestionGroup, Step
from collaboration.process import MODEL_GUIDE, PhaseRow, StepRow, review, task_list
from collaboration.templatetags.parties import genitive

if TYPE_CHECKING:
    from portal.models import User


@dataclass
class Document:
    """A rendered document and what to call it when it is sent."""

    content: bytes
    title: str  # the PDF's /Title, and the file name a person sees ("Checklista – Läxhjälp i Centrum.pdf")
    file_stem: str  # its ASCII file name, without ".pdf"

    @property
    def content_disposition(self) -> str:
        return pdf.content_disposition(self.file_stem, readable=self.title)


@dataclass
class StepSection:
    step: Step
    row: StepRow | None
    groups: list[tuple[QuestionGroup, list[tuple[Question, Answer | None]]]]


@dataclass
class PhaseSection:
    phase: Phase
    row: PhaseRow | None
    steps: list[StepSection]
    whose: str  # whose answers the phase holds, in words ("Gemensamma svar", "Halmstads kommuns egna svar")


def checklist_kind(guide: Guide) -> tuple[str, str]:
    """The document's name and its file name's first word, per guide."""
    if guide.slug == MODEL_GUIDE:
        return _("Processens checklista"), "Checklista"
    return guide.title, pdf.file_stem(guide.title)


def checklist_pdf(
    *,
    guide: Guide,
    collaboration: Collaboration | None,
    party: Organisation | None,
    user: User | None,
    blank: bool,
) -> Document:
    """A guide's checklist: filled with what `party`'s people see in `collaboration`, or blank for a workshop.

    Filled, it holds the joint answers and `party`'s own answers of per-party phases, never
    another party's (the same filter as the review page). Blank, it holds the questions with
    room to write, and no answers at all; `collaboration` may then be None.
    """
    if collaboration is None and not blank:
        raise ValueError("Only a blank checklist is made without a collaboration.")
    kind, file_word = checklist_kind(guide)
    sections = _sections(guide, collaboration, party, blank=blank)
    made_at = pdf.generated_at()
    heading = collaboration.title if collaboration else guide.title
    title = f"{kind} – {heading}" if collaboration else kind
    if blank:
        title = _("%(kind)s (tom, att fylla i)") % {"kind": title}
    rows: list[tuple[str, str]] = []
    if collaboration is not None and collaboration.form_id:
        rows.append((_("Samverkansform"), collaboration.form.name))  # type: ignore[union-attr]
    if party is not None and not blank:
        rows.append((_("Utskrivet för"), party.name))
    context = {
        "kind": kind,
        "heading": heading,
        "running_title": heading,
        "guide": guide,
        "collaboration": collaboration,
        "parties": collaboration.accepted_parties() if collaboration else [],
        "party": party,
        "rows": rows,
        "sections": sections,
        "blank": blank,
        "made_at": made_at,
        "made_by": user.full_name if user is not None and not blank else "",
        "has_per_party": any(s.phase.is_per_party for s in sections),
        "has_joint": any(not s.phase.is_per_party for s in sections),
    }
    stem_parts = [file_word] + ([collaboration.title] if collaboration else []) + ([_("tom")] if blank else [])
    return Document(
        content=pdf.render_pdf("pdf/checklist.html", context, title=title),
        title=title,
        file_stem=pdf.file_stem(*stem_parts),
    )


def _sections(
    guide: Guide, collaboration: Collaboration | None, party: Organisation | None, *, blank: bool
) -> list[PhaseSection]:
    if collaboration is None:
        # Without a collaboration there are no answers: every phase open to `party` (all of them for nobody's).
        phases = [
            p
            for p in Phase.objects.filter(guide=guide).prefetch_related(
                Prefetch("steps", queryset=Step.objects.order_by("order")),
                Prefetch("steps__groups", queryset=QuestionGroup.objects.order_by("order")),
                Prefetch("steps__groups__questions", queryset=Question.objects.order_by("order")),
            )
            if party is None or p.open_to(party)
        ]
        return [
            PhaseSection(
                phase=p,
                row=None,
                steps=[
                    StepSection(
                        step=s, row=None, groups=[(g, [(q, None) for q in g.questions.all()]) for g in s.groups.all()]
                    )
                    for s in p.steps.all()
                ],
                whose="",
            )
            for p in phases
        ]
    reviewed = review(collaboration, guide, party=party)
    rows = {row.phase.pk: row for row in task_list(collaboration, guide, party=party)}
    sections = []
    for phase, steps in reviewed:
        row = rows.get(phase.pk)
        step_rows = {r.step.pk: r for r in row.steps} if row else {}
        sections.append(
            PhaseSection(
                phase=phase,
                row=None if blank else row,
                steps=[
                    StepSection(
                        step=step,
                        row=None if blank else step_rows.get(step.pk),
                        # Blank means blank: no answer reaches the template.
                        groups=[(g, [(q, None if blank else a) for q, a in questions]) for g, questions in groups],
                    )
                    for step, groups in steps
                ],
                whose=_whose(phase, party, blank=blank),
            )
        )
    return sections


def _whose(phase: Phase, party: Organisation | None, *, blank: bool) -> str:
    if blank:
        return _("Varje part svarar för sig.") if phase.is_per_party else ""
    if not phase.is_per_party:
        return _("Gemensamma svar: alla parter ser och skriver dem.")
    if party is None:
        return ""
    return _("%(org)s egna svar. Andra parters egna svar finns inte med.") % {"org": genitive(party.name)}

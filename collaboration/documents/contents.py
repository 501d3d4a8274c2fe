"""What each PDF document holds: the data a template under templates/pdf/ needs, its title and file name.

Rendering is collaboration.documents.pdf's business; views call `checklist_pdf(...)` and send the bytes.
Documents show only what the reader may see on the portal's own pages: they are built from the
same reads (`phases.review`, `steps.task_list`) with the reader's own party.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.dispatch import receiver
from django.tasks import task
from django.utils.translation import gettext as _

from collaboration.agreement.versions import VersionTampered, build_snapshot, check_version_intact
from collaboration.documents import pdf
from collaboration.models import (
    Adoption,
    Agreement,
    AgreementState,
    AgreementVersion,
    Answer,
    Approval,
    Collaboration,
    Guide,
    Organisation,
    Phase,
    Question,
    QuestionGroup,
    Step,
)
from collaboration.phases import MODEL_GUIDE, review
from collaboration.signals import agreement_adopted
from collaboration.steps import PhaseRow, StepRow, task_list
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


# The agreement (avsiktsförklaring) --------------------------------------------------------------

# Part of every stored agreement PDF's name: raise it when templates/pdf/agreement.html or the print
# stylesheet changes, so that fixed versions are rendered anew with the new layout.
AGREEMENT_LAYOUT = "2"


@dataclass
class VersionStatus:
    """What a version is, as the PDF says it: in the title block, and as the mark on every page."""

    label: str  # "Fastställd", "För granskning", …
    mark: str  # printed large on every page ("UTKAST", "FÖR GRANSKNING"); empty for the version in force
    adopted: bool  # all parties approved it: the approvals block and "Fastställd" date are shown
    in_force: bool  # the adopted version that applies now: the only one kept in storage


def version_status(agreement: Agreement, version: AgreementVersion) -> VersionStatus:
    """Fastställd (in force), för granskning, utkast (its text has changed since it was sent), or superseded."""
    if agreement.adopted_version_id == version.pk:
        return VersionStatus(_("Fastställd"), "", adopted=True, in_force=True)
    if agreement.latest_version_id == version.pk:
        if agreement.state == AgreementState.GRANSKNING:
            return VersionStatus(_("För granskning"), _("FÖR GRANSKNING"), adopted=False, in_force=False)
        return VersionStatus(
            _("Utkast: texten har ändrats efter att versionen skickades för granskning"),
            _("UTKAST"),
            adopted=False,
            in_force=False,
        )
    newer = agreement.adopted_version if agreement.adopted_version_id else agreement.latest_version
    n = newer.number if newer is not None and newer.number > version.number else version.number + 1
    # What the version became is read from the recorded adoption, never worked out by counting approvals.
    if Adoption.objects.filter(version=version).exists():
        return VersionStatus(
            _("Fastställd tidigare, ersatt av version %(n)d") % {"n": n},
            _("ERSATT, GÄLLER INTE"),
            adopted=True,
            in_force=False,
        )
    return VersionStatus(
        _("Ersatt av version %(n)d, blev aldrig fastställd") % {"n": n},
        _("UTKAST, ERSATT"),
        adopted=False,
        in_force=False,
    )


def _agreement_title(collaboration: Collaboration, which: str) -> str:
    return _("Avsiktsförklaring – %(title)s, %(which)s") % {"title": collaboration.title, "which": which}


def _agreement_context(
    *,
    collaboration: Collaboration,
    snapshot: dict[str, Any],
    status: VersionStatus,
    version: AgreementVersion | None,
    approvals: list[Approval],
    adopted_at: datetime | None,
    adoption: Adoption | None = None,
    made_at: datetime | None,
    made_by: str,
) -> dict[str, Any]:
    kind = _("Avsiktsförklaring")
    return {
        "kind": kind if not status.mark else f"{kind} · {status.mark}",
        "heading": snapshot.get("collaboration", {}).get("title") or collaboration.title,
        "running_title": snapshot.get("collaboration", {}).get("title") or collaboration.title,
        "snapshot": snapshot,
        "parties": snapshot.get("parties", []),
        "sections": snapshot.get("sections", []),
        "status": status,
        "version": version,
        "approvals": approvals,
        "adoption": adoption,
        "adopted_at": adopted_at,
        "made_at": made_at,
        "made_by": made_by,
    }


def agreement_version_pdf(
    *, agreement: Agreement, version: AgreementVersion, user: User | None, archive: bool = False
) -> Document:
    """One version of the agreement as the parties see it on its page, from the version's frozen snapshot.

    The version in force (fastställd) is rendered once and kept in storage under its hash: it
    never changes, so it carries no "utskrivet" time. Every other version is rendered on
    demand, with the time and the reader, and marked on every page. `archive` makes the
    PDF/A-3a archive copy, only of the version in force (ValueError otherwise).
    """
    collaboration = agreement.collaboration
    status = version_status(agreement, version)
    if archive and not status.in_force:
        raise ValueError("Only the adopted version in force has an archive copy.")
    if status.adopted:
        # A record of adoption is printed only from a version that still gives its hash (VersionTampered).
        check_version_intact(version)
    approvals = (
        list(
            Approval.objects.filter(version=version, version_sha256=version.sha256)
            .select_related("organisation", "registered_by_organisation")
            .order_by("created_at", "pk")
        )
        if status.adopted
        else []
    )
    adoption = Adoption.objects.filter(version=version).first() if status.adopted else None
    adopted_at = adoption.adopted_at if adoption is not None else (agreement.adopted_at if status.in_force else None)
    fixed = status.in_force
    made_at = None if fixed else pdf.generated_at()
    context = _agreement_context(
        collaboration=collaboration,
        snapshot=version.snapshot,
        status=status,
        version=version,
        approvals=approvals,
        adopted_at=adopted_at,
        adoption=adoption,
        made_at=made_at,
        made_by="" if fixed or user is None else user.full_name,
    )
    which = _("version %(n)d") % {"n": version.number}
    title = _agreement_title(collaboration, which)
    stem_parts = [_("Avsiktsförklaring"), collaboration.title, f"v{version.number}"]
    if archive:
        title = _("%(title)s (arkivexemplar)") % {"title": title}
        stem_parts.append(_("arkivexemplar"))
        content = pdf.cached_pdf(
            f"agreements/{collaboration.code}/v{version.number}-{version.sha256}-arkiv-{AGREEMENT_LAYOUT}.pdf",
            lambda: pdf.render_archive_pdf(
                "pdf/agreement.html",
                context,
                title=title,
                source_json=version.content.encode(),
                identifier=version.sha256,
                source_name=f"avsiktsforklaring-version-{version.number}.json",
            ),
        )
    elif fixed:
        content = pdf.cached_pdf(
            f"agreements/{collaboration.code}/v{version.number}-{version.sha256}-{AGREEMENT_LAYOUT}.pdf",
            lambda: pdf.render_pdf("pdf/agreement.html", context, title=title),
        )
    else:
        content = pdf.render_pdf("pdf/agreement.html", context, title=title)
    return Document(content=content, title=title, file_stem=pdf.file_stem(*stem_parts))


def agreement_draft_pdf(*, agreement: Agreement, user: User, organisation: Organisation | None) -> Document:
    """The text as it stands now ("Nuvarande utkast"), with the parties as they are now: rendered on demand."""

    collaboration = agreement.collaboration
    made_at = pdf.generated_at()
    latest = agreement.latest_version
    snapshot = build_snapshot(
        agreement=agreement,
        number=(latest.number if latest else 0) + 1,
        user=user,
        organisation=organisation,
        now=made_at,
    )
    status = VersionStatus(_("Utkast, inte skickat för granskning"), _("UTKAST"), adopted=False, in_force=False)
    context = _agreement_context(
        collaboration=collaboration,
        snapshot=snapshot,
        status=status,
        version=None,
        approvals=[],
        adopted_at=None,
        made_at=made_at,
        made_by=user.full_name,
    )
    title = _agreement_title(collaboration, _("nuvarande utkast"))
    return Document(
        content=pdf.render_pdf("pdf/agreement.html", context, title=title),
        title=title,
        file_stem=pdf.file_stem(_("Avsiktsförklaring"), collaboration.title, _("utkast")),
    )


# --- Made ahead -------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@receiver(agreement_adopted)
def _render_ahead(sender: object, *, version: AgreementVersion, **kwargs: object) -> None:
    """Have the task worker make the adopted version's PDFs once the adoption commits (they are kept for good)."""
    transaction.on_commit(lambda: render_adopted_agreement.enqueue(version_id=version.pk))


@task()
def render_adopted_agreement(*, version_id: int) -> None:
    """Render and keep the PDF and the archive copy of a version just adopted, with the task worker's time limit.

    Both never change once made (`pdf.cached_pdf`), so every later download is a read from storage, and
    the first person to download does not wait for the layout (nor meet the shorter limit of a request).
    A version that fails its hash check, or a document too long to make, is logged and left: the download
    page then says so, as it would have anyway.
    """
    version = AgreementVersion.objects.select_related("agreement__collaboration").filter(pk=version_id).first()
    if version is None or version.agreement.adopted_version_id != version.pk:
        return
    with pdf.time_limit(settings.PDF_TASK_RENDER_SECONDS):
        for archive in (False, True):
            try:
                agreement_version_pdf(agreement=version.agreement, version=version, user=None, archive=archive)
            except (VersionTampered, pdf.DocumentRefused):
                logger.warning("The adopted version %s could not be rendered ahead", version_id, exc_info=True)
                return

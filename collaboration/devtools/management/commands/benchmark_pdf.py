"""Benchmark PDF rendering: the floor, a realistic checklist, and a cached download.

Speed figures live here, not in the test suite:

    DJANGO_DEBUG=true python manage.py benchmark_pdf [--rounds 7]

It adds its own collaboration once (marked by its organisations' names), with every joint question
answered in a few sentences, then prints the median time of:

* the worst documents allowed (`print_text.MAX_PAGES`): an agreement whose every section is full of prose, of one
  unbroken word, or of short lines just under the cap; and how fast one over the cap is refused;
* the floor: WeasyPrint rendering the minimal one-page document (templates/pdf/minimal.html);
* the realistic checklist download, per document and per page, and that per-page time against the floor;
* a cached download: a rendered document read back from Django's storage (`pdf.cached_pdf`);
* a realistic adopted agreement of about five pages (`documents.contents.agreement_version_pdf`): rendered (its
  stored copy deleted before each round), and its cached download (the view's whole document step:
  the status queries and the storage read);
* the batch export (`batch_export.build`, run here directly rather than through the task worker) of
  `--agreements` adopted agreements (100 by default), as documents per second: once with nothing in
  storage (every archive copy rendered) and once with every archive copy stored already.

The agreements are made once, through the same workflows the pages use, with notifications going to
a backend that sends nothing.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pikepdf
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from collaboration import print_text
from collaboration.agreement import approval, drafting, versions
from collaboration.cowriting.contract import Base, Edit, text_digest
from collaboration.documents import batch_export, pdf
from collaboration.documents.contents import AGREEMENT_LAYOUT, VersionStatus, agreement_version_pdf, checklist_pdf
from collaboration.models import (
    AgreementExport,
    Answer,
    AnswerMode,
    Collaboration,
    Guide,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Question,
    Role,
    Sector,
    Step,
    StepProgress,
    StepStatus,
)
from collaboration.phases import MODEL_GUIDE
from portal.models import User

BENCH_PUBLIC = ("PDF-benchmarkkommunen", "212000-0159")
BENCH_CIVIL = ("PDF-benchmarkföreningen", "802500-0020")
CHECKLIST_TITLE = "Läxhjälp och läsfrämjande i Benchmarkstaden"
AGREEMENT_TITLE = "PDF-benchmark: avsiktsförklaring på fem sidor"
AGREEMENT_PARAGRAPH = (
    "Parterna arbetar tillsammans för att fler barn ska klara skolan. Föreningen känner målgruppen genom sin "
    "läxhjälp och sina kontakter med familjerna, och kommunen bidrar med lokaler, kontakter med skolorna och "
    "ett ekonomiskt stöd som beslutas för ett år i taget. Vi följer upp arbetet varje termin, skriver ner vad "
    "vi har lärt oss och ändrar planen när det behövs."
)
SILENT_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
ANSWER = (
    "Vi har pratat om frågan på två möten och är överens om en första riktning. Föreningen känner målgruppen "
    "väl genom sin läxhjälp, och kommunen bidrar med lokaler och kontakter med skolorna. Vi följer upp efter "
    "terminen och ändrar planen om det behövs."
)


def median_ms(work: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def pages(document: bytes) -> int:
    with pikepdf.open(io.BytesIO(document)) as opened:
        return len(opened.pages)


class Command(BaseCommand):
    help = "Time PDF rendering: the minimal one-page floor, a realistic checklist and a cached download."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rounds", type=int, default=7)
        parser.add_argument("--agreements", type=int, default=100, help="how many agreements the batch export has")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = options["rounds"]
        user, organisation, collaboration = self._data()
        guide = Guide.objects.get(slug=MODEL_GUIDE)

        def floor() -> bytes:
            return pdf.render_pdf(
                "pdf/minimal.html",
                {"kind": "Prov", "heading": "En sida", "paragraphs": ["Ett kort stycke text."]},
                title="Prov",
            )

        def checklist() -> bytes:
            return checklist_pdf(
                guide=guide, collaboration=collaboration, party=organisation, user=user, blank=False
            ).content

        floor()  # the first render loads fonts and stylesheets: not what a warm server pays
        floor_ms = median_ms(floor, rounds)
        document = checklist()
        checklist_pages = pages(document)
        checklist_ms = median_ms(checklist, rounds)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            pdf.cached_pdf("benchmark/checklist.pdf", lambda: document)  # stored once
            cached_ms = median_ms(lambda: pdf.cached_pdf("benchmark/checklist.pdf", checklist), rounds * 5)

        per_page = checklist_ms / checklist_pages
        self.stdout.write(f"floor: minimal one-page document      median {floor_ms:8.1f} ms")
        self.stdout.write(
            f"checklist, {checklist_pages:2d} pages                 median {checklist_ms:8.1f} ms"
            f"   ({per_page:.1f} ms per page, {per_page / floor_ms:.2f}× the floor per page)"
        )
        self.stdout.write(
            f"cached download (storage read)        median {cached_ms:8.2f} ms"
            f"   ({checklist_ms / cached_ms:.0f}× faster than rendering)"
        )
        self._worst_allowed(max(1, rounds // 3))
        with override_settings(TASKS=SILENT_TASKS):
            self._agreements(options["agreements"], rounds, floor_ms)

    def _worst_allowed(self, rounds: int) -> None:
        """The slowest documents a person can ask for, and what is refused: every section of an agreement full
        (20,000 characters) of prose, of one unbroken word, and of short lines just under `print_text.MAX_PAGES`."""
        from collaboration.cowriting.forms import ANSWER_MAX_LENGTH

        sentence = "Föreningen och kommunen ses varje månad och följer upp läxhjälpen tillsammans med skolorna. "
        under_cap = (print_text.MAX_PAGES - 6) * print_text.LINES_PER_PAGE // 11
        cases = {
            "11 sections of full prose": (sentence * 300)[:ANSWER_MAX_LENGTH],
            "11 sections of one long word": "x" * ANSWER_MAX_LENGTH,
            f"11 sections of {under_cap} short lines": "a\n" * under_cap,
            "11 sections of 9,999 short lines": "a\n" * 9_999,
            # Text made to be slow to lay out in other ways: each is evened out before layout (print_text.printable),
            # and whatever still takes longer than settings.PDF_RENDER_SECONDS is stopped there.
            "11 sections of one letter + 19,999 accents": "a" + "\u0301" * (ANSWER_MAX_LENGTH - 1),
            "11 sections of words joined by nbsp": ("ord\u00a0" * ANSWER_MAX_LENGTH)[:ANSWER_MAX_LENGTH],
            "11 sections of 19,998 spaces": "x" + " " * (ANSWER_MAX_LENGTH - 2) + "x",
            "11 sections of 19,998 tabs": "x" + "\t" * (ANSWER_MAX_LENGTH - 2) + "x",
            "11 sections of zero-width joiners": "x" + "\u200d" * (ANSWER_MAX_LENGTH - 2) + "x",
            "11 sections of emoji with skin tones": "\U0001f44d\U0001f3fd" * (ANSWER_MAX_LENGTH // 4),
            "11 sections of one Arabic line": ("\u0645\u0631\u062d\u0628\u0627 " * 4000)[:ANSWER_MAX_LENGTH],
        }
        for name, text in cases.items():
            sections = [{"slug": f"s{i}", "title": f"Avsnitt {i}", "text": text} for i in range(11)]
            context = {
                "kind": "Avsiktsförklaring",
                "heading": "Prov",
                "running_title": "Prov",
                "snapshot": {"collaboration": {"title": "Prov"}, "parties": [], "sections": sections, "period": {}},
                "parties": [],
                "sections": sections,
                "status": VersionStatus("Utkast", "UTKAST", adopted=False, in_force=False),
                "version": None,
                "approvals": [],
                "adopted_at": None,
                "made_at": None,
                "made_by": "",
            }
            started = time.perf_counter()
            try:
                document = pdf.render_pdf("pdf/agreement.html", context, title="Prov")
            except pdf.DocumentTooSlow as stopped:
                took = (time.perf_counter() - started) * 1000
                self.stdout.write(f"{name:40s} stopped after {stopped.seconds:.0f} s ({took:8.1f} ms)")
                continue
            except pdf.DocumentTooLong as refused:
                took = median_ms(partial(self._refused, context), rounds)
                self.stdout.write(f"{name:40s} refused (about {refused.pages} pages) in {took:8.1f} ms")
                continue
            took = median_ms(partial(pdf.render_pdf, "pdf/agreement.html", context, title="Prov"), rounds)
            self.stdout.write(f"{name:40s} {pages(document):3d} pages   median {took:8.1f} ms")

    @staticmethod
    def _refused(context: dict[str, Any]) -> None:
        with contextlib.suppress(pdf.DocumentRefused):
            pdf.render_pdf("pdf/agreement.html", context, title="Prov")

    def _agreements(self, count: int, rounds: int, floor_ms: float) -> None:
        civil = Organisation.objects.get(organisation_number=BENCH_CIVIL[1])
        public = Organisation.objects.get(organisation_number=BENCH_PUBLIC[1])
        coordinator = User.objects.get(email="pdf-benchmark@exempel.se")
        board, created = User.objects.get_or_create(
            email="pdf-benchmark-styrelse@exempel.se", defaults={"full_name": "Bertil Benchmark"}
        )
        if created:
            board.set_unusable_password()
            board.save()
        Membership.objects.get_or_create(user=board, organisation=civil, defaults={"role": Role.BOARD_MEMBER})
        existing = list(
            Collaboration.objects.with_party(public).filter(
                title__startswith=AGREEMENT_TITLE, agreement__adopted_version__isnull=False
            )
        )
        for number in range(len(existing), count):
            existing.append(self._adopted(f"{AGREEMENT_TITLE} {number + 1:03d}", public, civil, coordinator, board))
        # Read back: the instances made above still hold the agreement as it was before adoption.
        collaborations = list(
            Collaboration.objects.filter(pk__in=[c.pk for c in existing[:count]])
            .select_related("agreement", "agreement__adopted_version")
            .order_by("title")
        )
        agreement = collaborations[0].agreement
        version = agreement.adopted_version
        assert version is not None
        version.agreement = agreement
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            stored = (
                f"{pdf.CACHE_PREFIX}agreements/{agreement.collaboration.code}/"
                f"v{version.number}-{version.sha256}-{AGREEMENT_LAYOUT}.pdf"
            )

            def render() -> bytes:
                default_storage.delete(stored)  # a miss: rendered
                return agreement_version_pdf(agreement=agreement, version=version, user=None).content

            def cached() -> bytes:
                return agreement_version_pdf(agreement=agreement, version=version, user=None).content

            render()  # warm
            agreement_pages = pages(render())
            render_ms = median_ms(render, rounds)
            cached()
            cached_ms = median_ms(cached, rounds * 5)

            export = AgreementExport.objects.create(organisation=public, requested_by=coordinator, total=count)
            export.collaborations.set(collaborations)
            cold_started = time.perf_counter()
            batch_export.build(export)
            cold_s = time.perf_counter() - cold_started
            warm = AgreementExport.objects.create(organisation=public, requested_by=coordinator, total=count)
            warm.collaborations.set(collaborations)
            warm_started = time.perf_counter()
            batch_export.build(warm)
            warm_s = time.perf_counter() - warm_started
            AgreementExport.objects.filter(pk__in=[export.pk, warm.pk]).delete()

        per_page = render_ms / agreement_pages
        self.stdout.write(
            f"agreement, {agreement_pages:2d} pages                 median {render_ms:8.1f} ms"
            f"   ({per_page:.1f} ms per page, {per_page / floor_ms:.2f}× the floor per page; target ≤ 2×)"
        )
        self.stdout.write(
            f"agreement, cached download            median {cached_ms:8.2f} ms"
            f"   ({render_ms / cached_ms:.0f}× faster than rendering; target ≥ 20×)"
        )
        self.stdout.write(
            f"batch export, {count} agreements, nothing stored   {cold_s:6.1f} s   ({count / cold_s:.1f} documents per second)"
        )
        self.stdout.write(
            f"batch export, {count} agreements, all stored       {warm_s:6.1f} s   ({count / warm_s:.1f} documents per second)"
        )

    @transaction.atomic
    def _adopted(
        self, title: str, public: Organisation, civil: Organisation, coordinator: User, board: User
    ) -> Collaboration:
        collaboration = Collaboration.objects.create(title=title)
        for organisation in (public, civil):
            Party.objects.create(collaboration=collaboration, organisation=organisation, state=PartyState.ACCEPTED)
        agreement = drafting.agreement_start(
            collaboration=collaboration, user=coordinator, organisation=public, from_process=False
        )
        drafting.agreement_save(
            agreement=agreement,
            edits=[
                Edit(slot=section, text="\n\n".join([AGREEMENT_PARAGRAPH] * 3), base=Base(0, text_digest("")))
                for section in drafting.text_sections()
            ],
            writer="benchmark",
            user=coordinator,
            organisation=public,
        )
        agreement.refresh_from_db()
        _, version = versions.agreement_send(agreement=agreement, user=coordinator, organisation=public)
        assert version is not None
        approval.agreement_approve(
            version=version, user=coordinator, organisation=public, decision_reference="KS 2026/1"
        )
        approval.agreement_approve(
            version=version, user=board, organisation=civil, decision_reference="Styrelsemöte 3 mars"
        )
        return collaboration

    @transaction.atomic
    def _data(self) -> tuple[User, Organisation, Collaboration]:
        public, _ = Organisation.objects.get_or_create(
            organisation_number=BENCH_PUBLIC[1],
            defaults={"name": BENCH_PUBLIC[0], "sector": Sector.PUBLIC, "kind": OrganisationKind.KOMMUN},
        )
        civil, _ = Organisation.objects.get_or_create(
            organisation_number=BENCH_CIVIL[1],
            defaults={"name": BENCH_CIVIL[0], "sector": Sector.CIVIL, "kind": OrganisationKind.FORENING},
        )
        user, created = User.objects.get_or_create(
            email="pdf-benchmark@exempel.se", defaults={"full_name": "Petra Benchmark"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, organisation=public, defaults={"role": Role.COORDINATOR})
        collaboration = Collaboration.objects.filter(parties__organisation=public, title=CHECKLIST_TITLE).first()
        if collaboration is None:
            collaboration = Collaboration.objects.create(title=CHECKLIST_TITLE)
            for organisation in (public, civil):
                Party.objects.create(collaboration=collaboration, organisation=organisation, state=PartyState.ACCEPTED)
            joint = Question.objects.filter(group__step__phase__guide__slug=MODEL_GUIDE).filter(
                group__step__phase__answer_mode=AnswerMode.JOINT
            )
            Answer.objects.bulk_create(
                Answer(
                    collaboration=collaboration,
                    question=question,
                    text=ANSWER,
                    version=1,
                    updated_by=user,
                    updated_by_organisation=public,
                )
                for question in joint
            )
            StepProgress.objects.bulk_create(
                StepProgress(
                    collaboration=collaboration,
                    step=step,
                    status=StepStatus.DONE,
                    updated_by=user,
                    updated_by_organisation=public,
                )
                for step in Step.objects.filter(phase__guide__slug=MODEL_GUIDE, phase__answer_mode=AnswerMode.JOINT)
            )
        return user, public, collaboration

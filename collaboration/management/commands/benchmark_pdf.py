"""Benchmark PDF rendering: the floor, a realistic checklist, and a cached download.

Speed figures live here, not in the test suite:

    DJANGO_DEBUG=true python manage.py benchmark_pdf [--rounds 7]

It adds its own collaboration once (marked by its organisations' names), with every joint question
answered in a few sentences, then prints the median time of:

* the floor: WeasyPrint rendering the minimal one-page document (templates/pdf/minimal.html);
* the realistic checklist download, per document and per page, and that per-page time against the floor;
* a cached download: a rendered document read back from Django's storage (`pdf.cached_pdf`).
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import pikepdf
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from collaboration import pdf
from collaboration.documents import checklist_pdf
from collaboration.models import (
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
from collaboration.process import MODEL_GUIDE
from portal.models import User

BENCH_PUBLIC = ("PDF-benchmarkkommunen", "212000-0159")
BENCH_CIVIL = ("PDF-benchmarkföreningen", "802500-0020")
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
        collaboration = Collaboration.objects.filter(parties__organisation=public).first()
        if collaboration is None:
            collaboration = Collaboration.objects.create(title="Läxhjälp och läsfrämjande i Benchmarkstaden")
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

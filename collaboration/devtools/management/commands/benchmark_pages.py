"""Benchmark the busiest pages with many collaborations in the database.

Speed targets live here, not in the test suite. Run it against PostgreSQL:

    DATABASE_URL=postgres://... python manage.py migrate
    DATABASE_URL=postgres://... python manage.py benchmark_pages --collaborations 10000

It adds the benchmark data once (marked by its organisations' names), then times
each page and fails when a page's median is above the target.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from collaboration.models import (
    Collaboration,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Question,
    Role,
    Sector,
    Step,
)
from portal.models import User

BENCH_PUBLIC = ("Benchmarkkommunen", "212000-0142")
BENCH_CIVIL = ("Benchmarkföreningen", "802500-0012")


class Command(BaseCommand):
    help = "Time the start page, task list, step page and coordinator overview with many collaborations."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--collaborations", type=int, default=10_000)
        parser.add_argument("--rounds", type=int, default=20)
        parser.add_argument("--target-ms", type=float, default=300.0)

    def handle(self, *args: Any, **options: Any) -> None:
        user, collaboration = self._data(options["collaborations"])
        if connection.vendor == "postgresql":
            # Fresh statistics for the rows just added, as autovacuum would gather them soon after an
            # import: without them PostgreSQL plans the overview's filters for one row, not 10,000.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(user)
        step = Step.objects.select_related("phase").get(phase__guide__slug="samverkansmodellen", slug="malgrupp")
        pages = {
            "start page": reverse("home"),
            "start page, last page": reverse("home") + f"?sida={options['collaborations'] // 25}",
            "collaboration": reverse("collaboration_detail", args=[collaboration.code]),
            "task list": reverse("task_list", args=[collaboration.code, "samverkansmodellen"]),
            "step": reverse("step", args=[collaboration.code, "samverkansmodellen", step.phase.slug, step.slug]),
            "phase review": reverse("phase_review", args=[collaboration.code, "samverkansmodellen", step.phase.slug]),
        }
        # The coordinator overview of the benchmark kommun: the list, filtered and searched, its
        # last page, the statistics and the mapping, all over every one of its collaborations.
        kommun = Organisation.objects.get(organisation_number=BENCH_PUBLIC[1]).code
        overview = reverse("overview", args=[kommun])
        pages |= {
            "overview": overview,
            "overview, filtered": overview + "?sektor=ideburen&status=planerad&sok=benchmark&ordning=titel",
            "overview, last page": overview + f"?sida={options['collaborations'] // 25}",
            "overview statistics": reverse("overview_statistics", args=[kommun]),
            "overview mapping": reverse("overview_mapping", args=[kommun]),
        }
        slow = []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            for name, url in pages.items():
                timings = []
                queries = 0
                for _ in range(options["rounds"]):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - started) * 1000)
                    queries = len(captured)
                    if response.status_code != 200:
                        raise CommandError(f"{name} answered {response.status_code}")
                median = statistics.median(timings)
                p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
                self.stdout.write(f"{name:28} median {median:7.1f} ms   p95 {p95:7.1f} ms   {queries:3d} queries")
                if median > options["target_ms"]:
                    slow.append(name)
        if slow:
            raise CommandError(f"Slower than {options['target_ms']} ms: {', '.join(slow)}")
        self.stdout.write(self.style.SUCCESS("Every page is within the target."))

    @transaction.atomic
    def _data(self, count: int) -> tuple[User, Collaboration]:
        public, _ = Organisation.objects.get_or_create(
            organisation_number=BENCH_PUBLIC[1],
            defaults={"name": BENCH_PUBLIC[0], "sector": Sector.PUBLIC, "kind": OrganisationKind.KOMMUN},
        )
        civil, _ = Organisation.objects.get_or_create(
            organisation_number=BENCH_CIVIL[1],
            defaults={"name": BENCH_CIVIL[0], "sector": Sector.CIVIL, "kind": OrganisationKind.FORENING},
        )
        user, created = User.objects.get_or_create(email="benchmark@exempel.se", defaults={"full_name": "Bench Mark"})
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, organisation=public, defaults={"role": Role.COORDINATOR})
        existing = Collaboration.objects.filter(parties__organisation=public).count()
        missing = max(0, count - existing)
        for start in range(0, missing, 1000):
            batch = Collaboration.objects.bulk_create(
                [Collaboration(title=f"Benchmark {existing + start + i}") for i in range(min(1000, missing - start))]
            )
            Party.objects.bulk_create(
                [
                    Party(collaboration=c, organisation=o, state=PartyState.ACCEPTED)
                    for c in batch
                    for o in (public, civil)
                ]
            )
        collaboration = Collaboration.objects.filter(parties__organisation=public).order_by("pk").first()
        assert collaboration is not None
        from collaboration.models import Answer

        for question in Question.objects.filter(group__step__slug="malgrupp"):
            Answer.objects.get_or_create(
                collaboration=collaboration, question=question, defaults={"text": "Ett svar. " * 40, "version": 1}
            )
        return user, collaboration

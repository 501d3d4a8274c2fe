"""Seed a realistic data set at scale: organisations, people, collaborations, agreements, their history.

    DATABASE_URL=postgres://... python manage.py seed_scale [--seed 2026] [--replace]
        [--organisations 300] [--people 3000] [--collaborations 10000] [--agreements 2000]

The same seed gives the same data (times count back from the start of the day). Seeded
organisations and people have addresses under skala.example.se; without --replace a second
run finds them and changes nothing. No e-mail is queued: the rows are written directly, not
through the workflows that notify people. See the README ("Data at scale") for the accounts.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from collaboration.devtools.management.commands._seed_scale import (
    FIXED_PEOPLE,
    PASSWORD,
    Sizes,
    delete_seeded,
    seed,
    seeded_collaborations,
    seeded_organisations,
    seeded_people,
)


class Command(BaseCommand):
    help = "Seed organisations, people and collaborations at scale (repeatable with --seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Sizes()
        parser.add_argument("--seed", type=int, default=2026, help="The same seed gives the same data.")
        parser.add_argument("--organisations", type=int, default=defaults.organisations)
        parser.add_argument("--people", type=int, default=defaults.people)
        parser.add_argument("--collaborations", type=int, default=defaults.collaborations)
        parser.add_argument("--agreements", type=int, default=defaults.agreements)
        parser.add_argument("--replace", action="store_true", help="Delete earlier seeded data first.")

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(
            organisations=options["organisations"],
            people=options["people"],
            collaborations=options["collaborations"],
            agreements=options["agreements"],
        )
        self._check(sizes)
        started = time.perf_counter()
        with transaction.atomic():
            if seeded_organisations().exists() or seeded_people().exists():
                if not options["replace"]:
                    self.stdout.write(
                        f"Seeded data is already here ({seeded_organisations().count()} organisations, "
                        f"{seeded_people().count()} people, {seeded_collaborations().distinct().count()} "
                        "collaborations). Nothing changed; run with --replace to seed again."
                    )
                    return
                delete_seeded()
                self.stdout.write(f"Deleted the earlier seeded data in {time.perf_counter() - started:.1f} s.")
            counts = seed(seed=options["seed"], sizes=sizes, now=timezone.now())
        if connection.vendor == "postgresql":
            # Fresh statistics for the rows just added, or PostgreSQL plans the first pages for empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        for label, n in counts.items():
            self.stdout.write(f"{n:>9,} {label}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {sum(counts.values()):,} rows in {elapsed:.1f} s (seed {options['seed']}).")
        )
        self.stdout.write("Accounts (password " + PASSWORD + "): " + ", ".join(email for email, *_ in FIXED_PEOPLE))

    def _check(self, sizes: Sizes) -> None:
        if sizes.organisations < 4:
            raise CommandError("--organisations must be at least 4 (the two fixed ones and two more).")
        if sizes.people < sizes.organisations + 2:
            raise CommandError("--people must be at least --organisations + 2: every organisation has a coordinator.")
        if sizes.collaborations < 1:
            raise CommandError("--collaborations must be at least 1.")
        if not 0 <= sizes.agreements <= sizes.collaborations:
            raise CommandError("--agreements must be between 0 and --collaborations.")

"""Many people at once on two app servers and two task workers, with faults, then checks that nothing was lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DJANGO_DEBUG=true python manage.py loadtest_faults

It creates a scratch database `loadtest_<random>` on the PostgreSQL server of DATABASE_URL (and
drops it at the end), starts everything on free loopback ports with production settings, runs
`--people` simulated people for `--seconds`, kills a task worker mid-task, cuts the database for
a moment and kills an app server, then checks what the people were told against the database.
It exits non-zero on any violation. See the README, "Load and faults".
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from collaboration.devtools.loadtest import processes
from collaboration.devtools.loadtest.run import run


class Command(BaseCommand):
    help = "Load two app servers and two task workers on loopback with simulated people, inject faults, check."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--keep", action="store_true", help="keep the scratch database and the logs' folder")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("loadtest_faults needs PostgreSQL: set DATABASE_URL to a PostgreSQL server.")
        if options["people"] < 10 or options["seconds"] < 8:
            raise CommandError("Use at least 10 people and 8 seconds: every kind of person and fault must fit.")
        name = f"loadtest_{secrets.token_hex(4)}"
        folder = Path(tempfile.mkdtemp(prefix="samverkan-loadtest-"))
        original = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        # As Django's test runner does: the same server, another database, for this process and its children.
        connection.close()
        connection.settings_dict["NAME"] = name
        ok = False
        try:
            setup = processes.Setup(database=name, folder=folder, admin_database=original)
            self.stdout.write(f"scratch database {name}, files in {folder}")
            began = time.monotonic()
            call_command("migrate", verbosity=0)
            # The manifest (hashed names) as production has it, without compressing: the error page needs it.
            with override_settings(
                STATIC_ROOT=setup.static_root,
                STORAGES={
                    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
                },
            ):
                call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(f"migrated and collected static files in {time.monotonic() - began:.1f} s")
            setup.mail_folder.mkdir()
            setup.media_root.mkdir()
            outcome = run(setup=setup, people=options["people"], seconds=options["seconds"], out=self.stdout.write)
            self.stdout.write(f"{options['people']} people, {options['seconds']:.0f} s")
            for line in outcome.lines:
                self.stdout.write("  " + line)
            if outcome.violations:
                for violation in outcome.violations[:50]:
                    self.stderr.write("VIOLATION " + violation)
                raise CommandError(f"{len(outcome.violations)} violations (logs in {folder})")
            self.stdout.write(self.style.SUCCESS("No violations."))
            ok = True
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
            if not options["keep"]:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if ok:
                    shutil.rmtree(folder, ignore_errors=True)

"""The load-and-fault run, small: two app servers, two task workers, ten people, three faults (PostgreSQL).

`manage.py loadtest_faults` makes its own scratch database on the same server and drops it, starts
every process on free loopback ports and exits non-zero on any violation (README, "Load and faults").
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: several processes share one database"
    ),
    # One run at a time on one xdist worker: it starts six processes of its own.
    pytest.mark.xdist_group("loadtest"),
]


def test_two_servers_and_two_workers_survive_the_faults_without_losing_anything():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    # The command itself may run in development mode; the servers it starts get production settings.
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "true"})
    result = subprocess.run(
        [sys.executable, "manage.py", "loadtest_faults", "--people", "10", "--seconds", "10"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No violations." in result.stdout
    assert "killed task worker" in result.stdout
    assert "killed app server" in result.stdout
    assert "after 5 failures over both: 429" in result.stdout
    assert "while the database is cut: port" in result.stdout

"""Start and stop what a production setup runs, on loopback: app servers (gunicorn) and task workers.

Everything runs against a scratch database of its own on the configured PostgreSQL server,
with production settings (DEBUG off, a generated secret key) except HTTPS, which loopback lacks.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from collaboration.devtools.serving import free_port, production_environment

# The app servers' database connections carry this name, so that a fault can cut exactly those.
APP_CONNECTION_NAME = "loadtest-app"
WORKER_CONNECTION_NAME = "loadtest-worker"


def database_url(name: str, application_name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(name, safe='')}?application_name={application_name}"


@dataclass
class Setup:
    """The folders and environment shared by every process of one run."""

    database: str
    folder: Path
    admin_database: str  # the database of DATABASE_URL, from which the scratch one is altered and dropped
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    @property
    def static_root(self) -> Path:
        return self.folder / "static"

    @property
    def mail_folder(self) -> Path:
        return self.media_root.parent / "mail"  # where production_environment sends the file backend's mail

    @property
    def media_root(self) -> Path:
        return self.folder / "media"

    def env(self, application_name: str) -> dict[str, str]:
        """The production environment of `collaboration.devtools.serving`, with one secret key for every process of the run
        (two app servers must read each other's sessions) and mail retried within the run."""
        return production_environment(
            database_url=database_url(self.database, application_name),
            static_root=self.static_root,
            media_root=self.media_root,
            extra={
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DJANGO_SECRET_KEY": self.secret_key,
                "PORTAL_TASKS_BACKEND": "database",
                "PORTAL_MAIL_RETRY_SECONDS": "1",
            },
        )


@dataclass
class Process:
    """One started process group (gunicorn's master and its workers, or one task worker)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    port: int | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group, as a crash or the OOM killer would: nothing gets to clean up."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self.log.close()


def start_app_server(setup: Setup, name: str, *, workers: int = 2, threads: int = 4) -> Process:
    port = free_port()
    log = (setup.folder / f"{name}.log").open("wb")
    popen = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=settings.BASE_DIR,
        env=setup.env(APP_CONNECTION_NAME),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that a kill takes its workers too
    )
    return Process(name, popen, log, port)


def start_task_worker(setup: Setup, name: str) -> Process:
    log = (setup.folder / f"{name}.log").open("wb")
    popen = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            f"{name}-{secrets.token_hex(6)}",
        ],
        cwd=settings.BASE_DIR,
        env=setup.env(WORKER_CONNECTION_NAME),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Process(name, popen, log)


def wait_until_serving(server: Process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} stopped at start; see {server.log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/halsa/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout} s; see {server.log.name}")


def terminate_connections(database: str, application_name: str) -> int:
    """Cut the named processes' connections to the scratch database, as a failover or a network cut does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [database, application_name],
        )
        return int(cursor.fetchone()[0])


def allow_connections(setup: Setup, allowed: bool) -> None:
    """Refuse (or allow again) new connections to the scratch database: said from another database, as PostgreSQL requires."""
    params = {**connection.get_connection_params(), "dbname": setup.admin_database}
    admin = connection.get_new_connection(params)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{setup.database}" WITH ALLOW_CONNECTIONS {"true" if allowed else "false"}')
    finally:
        admin.close()


def describe(processes: list[Process]) -> list[dict[str, Any]]:
    return [{"name": p.name, "pid": p.pid, "port": p.port, "alive": p.alive()} for p in processes]

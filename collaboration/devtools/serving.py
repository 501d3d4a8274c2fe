"""Run the portal as it runs in production, on this machine, for benchmarks and fault tests.

`running_portal()` starts gunicorn on a free loopback port with production settings (DEBUG off, a
fresh secret key, static files collected for WhiteNoise's manifest) against the configured
PostgreSQL, waits for `/halsa/`, and always stops it again: on success, on an error and on Ctrl-C
or SIGTERM. `PortalClient` signs in through the real sign-in form, as a browser does, so that the
session cookie and CSRF token it holds can be handed to a load generator.

Only plain HTTP on 127.0.0.1 is served, so the HTTPS redirect, secure cookies and HSTS are off;
everything else is the production configuration.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings

# As the load benchmark measures: two sync workers, one per core of the 2-core machine the benchmarks run on.
DEFAULT_WORKERS = 2
HEALTH_PATH = "/halsa/"


class ServingError(RuntimeError):
    """The portal could not be started, or did not answer as expected."""


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's choice; gunicorn binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_environment(
    *, database_url: str, static_root: Path, media_root: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a production server, reachable over plain HTTP on the loopback address only."""
    env = dict(os.environ)
    for name in list(env):
        # Whatever the caller runs with (often DJANGO_DEBUG=true for the management command) must not leak in.
        if name.startswith(("DJANGO_", "PORTAL_", "AXES_", "EMAIL_", "DATABASE_", "PYTEST")):
            del env[name]
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DJANGO_MEDIA_ROOT": str(media_root),
            "DJANGO_EMAIL_BACKEND": "file",
            "EMAIL_FILE_PATH": str(media_root.parent / "mail"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


@dataclass
class RunningPortal:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        """Stop gunicorn and its workers: gracefully first, then for certain."""
        if self.process.poll() is not None:
            return
        # gunicorn runs in its own process group (start_new_session), master and workers alike.
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pid, sig)


def collect_static(env: Mapping[str, str]) -> None:
    """collectstatic with the production storage, so that WhiteNoise finds its manifest."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ServingError(f"collectstatic failed:\n{result.stderr[-3000:]}")


@contextmanager
def running_portal(
    *,
    database_url: str,
    workers: int = DEFAULT_WORKERS,
    extra_env: Mapping[str, str] | None = None,
    gunicorn_args: tuple[str, ...] = (),
    startup_timeout: float = 60.0,
) -> Iterator[RunningPortal]:
    """gunicorn serving the portal on 127.0.0.1:<free port> for the duration of the `with` block."""
    with tempfile.TemporaryDirectory(prefix="portal-serving-") as folder:
        root = Path(folder)
        env = production_environment(
            database_url=database_url, static_root=root / "static", media_root=root / "media", extra=extra_env
        )
        collect_static(env)
        port = free_port()
        log_path = root / "gunicorn.log"
        previous = signal.getsignal(signal.SIGTERM)

        def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
            # A killed benchmark must not leave gunicorn behind: unwind through the `finally` below.
            raise KeyboardInterrupt

        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi",
                    "--workers",
                    str(workers),
                    "--bind",
                    f"127.0.0.1:{port}",
                    # Generous: a slow page under load must show as slow, not as a killed worker.
                    "--timeout",
                    "120",
                    *gunicorn_args,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        portal = RunningPortal(base_url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, env=env)
        handling_sigterm = False
        try:
            try:
                signal.signal(signal.SIGTERM, stop_on_sigterm)
                handling_sigterm = True
            except ValueError:
                pass  # not the main thread: whoever runs us stops us
            _wait_until_healthy(portal, startup_timeout)
            yield portal
        finally:
            portal.stop()
            if handling_sigterm:
                signal.signal(signal.SIGTERM, previous)


def _wait_until_healthy(portal: RunningPortal, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if portal.process.poll() is not None:
            raise ServingError(f"gunicorn stopped at start (exit {portal.process.returncode}):\n{portal.log_tail()}")
        try:
            with urllib.request.urlopen(portal.url(HEALTH_PATH), timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise ServingError(f"{HEALTH_PATH} did not answer 200 within {timeout:.0f} s:\n{portal.log_tail()}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to look at, not to follow


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PortalClient:
    """A browser-like client of a running portal: cookies kept, redirects reported, not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)

    def request(
        self, method: str, path: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=dict(headers or {}))
        try:
            with self._opener.open(request, timeout=120) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers.items()), error.read())

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: Mapping[str, str], headers: Mapping[str, str] | None = None) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            "POST",
            path,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def cookie(self, name: str) -> str:
        for cookie in self.cookies:
            if cookie.name == name and cookie.value is not None:
                return cookie.value
        return ""

    def cookie_header(self) -> str:
        """The Cookie header this client sends: the session and the CSRF cookie."""
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies if c.value is not None)

    def sign_in(self, email: str, password: str) -> None:
        """Through `/logga-in/` as a person does: the form's CSRF token, then the POST."""
        page = self.get("/logga-in/")
        match = CSRF_FIELD.search(page.text)
        if page.status != 200 or match is None:
            raise ServingError(f"/logga-in/ answered {page.status} without a CSRF token")
        answer = self.post(
            "/logga-in/",
            {"csrfmiddlewaretoken": match.group(1), "username": email, "password": password},
        )
        if answer.status != 302 or not self.cookie(settings.SESSION_COOKIE_NAME):
            raise ServingError(f"Signing in as {email} failed (status {answer.status}): wrong password or no account?")

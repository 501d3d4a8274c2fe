"""Strict settings. A typo in the mail backend must stop a production start, not print mail to the log."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings

from tests.portal.production import production_env

READ_MAILERS = "import json, portal.settings as s; print(json.dumps(s.MAILERS['default']['BACKEND']))"


def test_a_typo_in_the_mail_backend_stops_a_production_start():
    env = production_env(
        DJANGO_SECRET_KEY="production-like-key-for-this-test-only-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="portal.example.se",
        DJANGO_EMAIL_BACKEND="smpt",  # typo for smtp
    )
    result = subprocess.run(
        [sys.executable, "-c", READ_MAILERS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    backend = json.loads(result.stdout) if result.returncode == 0 else None
    assert result.returncode != 0, (
        f"production started with {backend}: every password-reset link and invitation token goes to the log"
    )


def test_deploying_for_real_removes_expired_sessions_that_hold_drafts():
    """Drafts live in anonymous sessions (up to 256 kB each); Django never deletes expired sessions by itself."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    deploying = readme.split("## Deploying for real", 1)[1].split("\n## ", 1)[0]
    assert "clearsessions" in deploying, "expired sessions, and the texts kept in them, stay in the database forever"


def test_production_has_no_tooling_and_development_has_it():
    """Demo data, seeding and benchmarks (collaboration.devtools) are never commands of a production install."""
    production = production_env(
        DJANGO_SECRET_KEY="production-like-key-for-this-test-only-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="portal.example.se",
    )
    development = {**production, "DJANGO_DEBUG": "true"}
    commands = {}
    for name, env in (("production", production), ("development", development)):
        result = subprocess.run(
            [sys.executable, "manage.py", "help", "--commands"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        commands[name] = set(result.stdout.split())
    tooling = {"load_demo_data", "seed_scale", "benchmark_pdf", "benchmark_pages", "benchmark_load", "loadtest_faults"}
    assert commands["production"] & tooling == set()
    assert {"db_worker", "send_digests", "delete_expired_exports"} <= commands["production"]
    assert tooling <= commands["development"]

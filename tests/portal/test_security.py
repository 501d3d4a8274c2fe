"""Security headers on every page, and a production start that is safe or refuses to start."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portal.production import production_env

pytestmark = pytest.mark.django_db


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("path", [reverse("home"), reverse("login"), reverse("form_list")])
def test_pages_carry_a_content_security_policy_with_a_script_nonce(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    match = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_\-+/=]+)'", directives["script-src"])
    assert match, directives["script-src"]
    assert f'nonce="{match.group(1)}"' in response.text


def test_the_nonce_differs_between_responses(client):
    first = client.get(reverse("home"))["Content-Security-Policy"]
    second = client.get(reverse("home"))["Content-Security-Policy"]
    assert first != second


def test_no_inline_script_runs_without_the_nonce(client):
    html = client.get(reverse("home")).text
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags, "the page should load htmx and the portal's script"
    for tag in tags:
        assert "src=" in tag or "nonce=" in tag, tag


def test_pages_forbid_framing_and_content_sniffing(client, cast, officer_client):
    for response in (client.get(reverse("home")), officer_client.get(reverse("home"))):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_error_pages_carry_the_headers_too(cast, outsider_client):
    response = outsider_client.get(reverse("collaboration_detail", args=[cast.collaboration.code]))
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


@pytest.mark.django_db(False)
def test_the_deployment_checklist_passes_with_production_settings():
    env = production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.example.se",
        PORTAL_SITE_URL="https://portal.example.se",
    )
    assert len(env["DJANGO_SECRET_KEY"]) >= 50

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.django_db(False)
def test_the_deployment_checklist_would_catch_a_weak_secret_key():
    """The check above can fail: a short secret key is reported."""
    env = production_env(DJANGO_SECRET_KEY="kort", DJANGO_ALLOWED_HOSTS="portal.example.se")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.django_db(False)
@pytest.mark.parametrize("site_url", [None, "http://portal.example.se", "https://annan.example.se"])
def test_the_deployment_checklist_catches_a_site_url_that_mail_links_cannot_use(site_url):
    """Unset, the links in notification mail would lead to the development server's address."""
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="portal.example.se")
    if site_url:
        env["PORTAL_SITE_URL"] = site_url
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


@pytest.mark.django_db(False)
def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS="portal.example.se"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db(False)
def test_it_starts_without_a_secret_key_in_development():
    result = manage("check", env=production_env(DJANGO_DEBUG="true"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["home", "organisation_list", "collaboration_detail", "form_list"])
def test_signed_in_pages_are_not_stored_by_any_cache(cast, officer_client, name):
    args = [cast.collaboration.code] if name == "collaboration_detail" else []
    response = officer_client.get(reverse(name, args=args))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_signed_in_error_page_is_not_stored_either(cast, outsider_client):
    response = outsider_client.get(reverse("collaboration_detail", args=[cast.collaboration.code]))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["home", "form_list", "principle_list"])  # the health check is never cached
def test_pages_for_someone_not_signed_in_keep_their_caching(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")

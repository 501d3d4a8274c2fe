"""Security headers on every page, and a production start that is safe or refuses to start."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import test_permissions as matrix
from tests.conftest import client_for
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


# --- Every page, for every role -------------------------------------------------------


def assert_security_headers(response, signed_in: bool, where: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, f"{where}: CSP {policy!r}"
    assert "default-src 'self'" in policy, f"{where}: CSP {policy!r}"
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") == "same-origin", where
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", where
    if signed_in:
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, f"{where}: Cache-Control {response.get('Cache-Control')!r}"


built_world = matrix.built_world  # the matrix world, built once per module and rolled back
world = matrix.world
DOWNLOADS = ("_pdf", "_download", "_export")


def test_every_page_carries_the_security_headers_for_every_role(world):
    """Every GET row of the permission matrix (itself built from the URL resolver) and every public page,
    as each role: pages, downloads, redirects to sign in, 403 and 404 alike."""
    clients = {role: matrix.client_as(world, role) for role in matrix.ROLES}
    first_rows = {}
    for row in matrix.ROWS:
        if row.method == "GET":
            first_rows.setdefault(row.name, row)  # every named URL once; the matrix asks for the variants
    urls = [(row, row.url(world)) for row in first_rows.values()]
    # The health check is answered before any middleware, for load balancers only (test_health.py).
    urls += [(None, url(world)) for name, url in matrix.PUBLIC_PAGES.items() if name != "healthz"]
    seen_statuses = set()
    for row, url in urls:
        downloaded = False
        for role, client in clients.items():
            status = row.statuses[matrix.ROLES.index(role)] if row else None
            if status == 200 and row and row.name.endswith(DOWNLOADS):
                if downloaded:
                    continue  # a rendered document once per URL is enough; every refusal is still asked
                downloaded = True
            response = client.get(url)
            seen_statuses.add(response.status_code)
            assert_security_headers(response, role != matrix.ANONYMOUS, f"{role} GET {url}")
    assert {200, 302, 403, 404} <= seen_statuses


def test_error_pages_carry_the_headers_405_403_csrf_and_500(cast, settings):
    officer = client_for(cast.officer)
    wrong_method = officer.post(reverse("collaboration_detail", args=[cast.collaboration.code]))
    assert wrong_method.status_code == 405
    assert_security_headers(wrong_method, True, "405")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.officer)
    csrf = strict.post(reverse("collaboration_create"), {"title": "Utan token"})
    assert csrf.status_code == 403
    assert_security_headers(csrf, True, "403 CSRF")
    missing = Client().get("/finns-inte/")
    assert missing.status_code == 404
    assert_security_headers(missing, False, "404")

    settings.ROOT_URLCONF = "tests.portal.failing_urls"
    for client, signed_in in ((Client(raise_request_exception=False), False), (officer, True)):
        client.raise_request_exception = False
        failing = client.get("/fel/")
        assert failing.status_code == 500
        assert "Något gick fel" in failing.text
        assert_security_headers(failing, signed_in, "500")

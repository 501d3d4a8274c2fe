"""CSRF on every POST, redirects only to the portal's own pages, sessions rotated at sign-in.

The POSTs come from the permission matrix (tests/test_permissions.py, built from the URL
resolver), so a new form is checked here without being listed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal import drafts
from tests import test_permissions as matrix
from tests.factories import PASSWORD
from tests.hostile import row_counts
from tests.test_hostile_forms import allowed_role

pytestmark = pytest.mark.django_db

built_world = matrix.built_world  # the matrix world, built once per module and rolled back
world = matrix.world

POST_ROWS = [
    pytest.param(row, role, id=f"{row.name}-{index}")
    for index, row in enumerate(matrix.ROWS)
    if row.method == "POST" and (role := allowed_role(row)) is not None
]


def strict_client(world: Any, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    if role != matrix.ANONYMOUS:
        client.force_login(getattr(world, role))
    return client


def state(world: Any) -> tuple[Any, ...]:
    counts = row_counts()
    counts.pop("portal.DraftStash", None)  # a kept draft is the documented answer, not a change
    return matrix.snapshot(world), counts


@pytest.mark.parametrize(("row", "role"), POST_ROWS)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, row: matrix.Row, role: str) -> None:
    """The person the matrix lets post, and someone signed out: 403 with the Swedish page, nothing stored.

    With the signed owner token of the person signed in (a page loaded before they signed in again
    in another tab), what they typed is kept as a draft and the page comes back: still nothing stored.
    """
    url = row.url(world)
    data = row.data(world) if row.data else {}
    before = state(world)
    for who in (role, matrix.ANONYMOUS):
        response = strict_client(world, who).post(url, data)
        assert response.status_code == 403, f"{who}: {response.status_code}"
        assert "Formuläret kunde inte skickas" in response.text
        assert state(world) == before, f"{who}: a POST without the CSRF token changed something"

    owner = drafts.owner_token(getattr(world, role).pk)
    response = strict_client(world, role).post(url, {**data, drafts.OWNER_FIELD: owner})
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert urlsplit(response.url).path == urlsplit(url).path, "the page comes back, with the text kept"
    assert state(world) == before, "a POST without the CSRF token changed something"


def test_the_one_click_unsubscribe_endpoint_is_the_only_csrf_exemption() -> None:
    exempt = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # Django's admin: its own views, its own checks
                    walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt", False):
                exempt.add(prefix + (pattern.name or str(pattern.pattern)))

    walk(get_resolver().url_patterns, "")
    assert exempt == {"email_choice_link"}


# --- Redirects after signing in, out and throwing a draft away ---------------------------------------

HOSTILE_NEXT = [
    "//evil.example",
    "https://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "https:/\\evil.example",
    "//evil.example@127.0.0.1",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


def assert_stays_home(response: Any) -> None:
    assert response.status_code == 302
    location = response["Location"]
    assert location == "/", f"led to {location!r}"


@pytest.mark.parametrize("target", [*HOSTILE_NEXT, "encoded:%2F%2Fevil.example", "encoded:%5C%5Cevil.example"])
def test_signing_in_never_leads_off_the_portal(cast, target: str) -> None:
    client = Client()
    if target.startswith("encoded:"):
        url, data = f"{reverse('login')}?next={target.removeprefix('encoded:')}", {}
    else:
        url, data = f"{reverse('login')}?next={quote(target, safe='')}", {"next": target}
    response = client.post(url, {**data, "username": cast.officer.email, "password": PASSWORD})
    assert_stays_home(response)
    # Signed in already, the sign-in page sends the person on at once: home, never away.
    assert_stays_home(client.get(url))


def test_signing_in_still_goes_back_to_the_page_asked_for(cast) -> None:
    path = reverse("collaboration_detail", args=[cast.collaboration.code])
    response = Client().post(
        f"{reverse('login')}?next={path}", {"next": path, "username": cast.officer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == path


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signing_out_and_throwing_a_draft_away_never_lead_off_the_portal(cast, target: str) -> None:
    client = Client()
    client.force_login(cast.officer)
    assert_stays_home(client.post(reverse("draft_discard"), {"next": target}))
    assert_stays_home(client.post(f"{reverse('logout')}?next={quote(target, safe='')}", {"next": target}))


# --- Sessions ------------------------------------------------------------------------------------


def test_signing_in_rotates_the_session_and_the_csrf_token(cast) -> None:
    client = Client()
    session = client.session
    session["före"] = "inloggning"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.get(reverse("login"))
    before_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before_csrf = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(reverse("login"), {"username": cast.officer.email, "password": PASSWORD})

    assert response.status_code == 302
    after_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_key != before_key
    assert not Session.objects.filter(session_key=before_key).exists(), "the old session key must not stay valid"
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before_csrf


def test_signing_out_ends_the_session(cast) -> None:
    client = Client()
    assert client.post(reverse("login"), {"username": cast.officer.email, "password": PASSWORD}).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()

    assert client.post(reverse("logout")).status_code == 302

    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, is nobody.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(reverse("collaboration_detail", args=[cast.collaboration.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_the_return_choices_of_sharing_and_assigning_lead_only_to_the_collaboration(world, target: str) -> None:
    """Sharing a checklist (`next`) and assigning a step (`tillbaka`) take a keyword, never an address."""
    client = matrix.client_as(world, "officer")
    for url, data in [
        (matrix.phase_share(world), {"action": "share", "next": target}),
        (matrix.step_assign(world), {**matrix.assign_officer(world), "tillbaka": target}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/samverkan/{world.collaboration.code}/"), response["Location"]

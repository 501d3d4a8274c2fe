"""Crawl every page of the demo as each demo person; nothing private leaks, nothing breaks."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from collaboration.devtools.management.commands.load_demo_data import PREREQUISITES_ANSWER
from collaboration.guidance.loader import ensure_loaded
from portal.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PEOPLE = [
    "samordnare@halmstad.demo.se",
    "handlaggare@halmstad.demo.se",
    "styrelse@laxhjalp.demo.se",
    "samordnare@laxhjalp.demo.se",
    "samordnare@region.demo.se",
]
SKIP = ("/logga-ut", "/admin", "/static", "/inbjudan/", "/ta-bort/")


def crawl(email: str, limit: int = 400) -> dict[str, tuple[int, str]]:
    client = client_for(User.objects.get(email=email))
    seen: dict[str, tuple[int, str]] = {}
    queue = [reverse("home"), reverse("home") + "?arkiverade=1"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        text = html.unescape(response.content.decode(errors="replace")) if response.status_code == 200 else ""
        seen[url] = (response.status_code, text)
        for href in re.findall(r'href="([^"]+)"', text):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return seen


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, dict[str, tuple[int, str]]]]:
    """The demo data, loaded once for the module inside a transaction rolled back at its end; and each person's crawl.

    Every test runs in a savepoint inside that transaction (pytest-django's `db`), rolled back after it, so each
    one crawls the demo exactly as loaded. A crawl only reads, and the same person's crawl of the same data gives
    the same pages: two tests that look at one person's pages share one crawl (the dictionary this yields).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_loaded()  # a transactional test that ran before on this worker may have flushed the content
        call_command("load_demo_data", stdout=io.StringIO())
        yield {}
        transaction.set_rollback(True)


def crawled(demo: dict[str, dict[str, tuple[int, str]]], email: str) -> dict[str, tuple[int, str]]:
    if email not in demo:
        demo[email] = crawl(email)
    return demo[email]


@pytest.mark.parametrize("email", PEOPLE)
def test_every_linked_page_of_the_demo_works_for(demo, email):
    pages = crawled(demo, email)
    broken = {url: status for url, (status, _t) in pages.items() if status not in (200, 302)}
    assert not broken, f"links on {email}'s pages lead to errors: {broken}"


@pytest.mark.parametrize("email", ["styrelse@laxhjalp.demo.se", "samordnare@laxhjalp.demo.se"])
def test_the_forening_never_meets_the_kommuns_private_prerequisites(demo, email):
    pages = crawled(demo, email)
    leaks = [
        url for url, (_s, text) in pages.items() if PREREQUISITES_ANSWER[:40] in text or "/forutsattningar/" in url
    ]
    assert not leaks, leaks

"""Hostile review 2 of issue 7: crawl every page of the demo as each demo person; nothing private leaks, nothing breaks."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from collaboration.management.commands.load_demo_data import PREREQUISITES_ANSWER
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


@pytest.mark.parametrize("email", PEOPLE)
def test_every_linked_page_of_the_demo_works_for(email):
    call_command("load_demo_data", stdout=io.StringIO())
    pages = crawl(email)
    broken = {url: status for url, (status, _t) in pages.items() if status not in (200, 302)}
    assert not broken, f"links on {email}'s pages lead to errors: {broken}"


@pytest.mark.parametrize("email", ["styrelse@laxhjalp.demo.se", "samordnare@laxhjalp.demo.se"])
def test_the_forening_never_meets_the_kommuns_private_prerequisites(email):
    call_command("load_demo_data", stdout=io.StringIO())
    pages = crawl(email)
    leaks = [
        url for url, (_s, text) in pages.items() if PREREQUISITES_ANSWER[:40] in text or "/forutsattningar/" in url
    ]
    assert not leaks, leaks

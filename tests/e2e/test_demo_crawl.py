"""Every page the demo people can reach, in a real browser: axe and 320 px reflow.

Also the error states of the new forms (principle rating, reopening a phase, responsibility, edit, end).
"""

from __future__ import annotations

import io
import re
import time
from urllib.parse import urldefrag

import pytest
from django.core.management import call_command
from django.urls import reverse

from collaboration.models import Collaboration
from tests.e2e.conftest import allow_status, assert_accessible, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "samverkan-demo-2026"
SKIP = ("/logga-ut", "/admin", "/static", "/inbjudan/", "/ta-bort/", "/halsa")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BUDGET_SECONDS = 240


def shape(url: str) -> str:
    """One page per kind of URL: the same template with another collaboration adds little."""
    return UUID.sub("X", url)


def crawl_in_browser(page, start: list[str], limit: int = 45) -> list[str]:
    failures: list[str] = []
    seen: set[str] = set()
    queue = list(start)
    began = time.monotonic()
    while queue and len(seen) < limit and time.monotonic() - began < BUDGET_SECONDS:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = page.goto(url)
        if response is None or response.status != 200:
            failures.append(f"{url}: {response.status if response else 'no response'}")
            continue
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(str(error)[:1500])
        # A download link (the overview's exports) is a file, not a page to check.
        for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"):
            href = urldefrag(href)[0]
            # A PDF is a download, not a page (tests/collaboration/test_pdf_downloads.py reads those).
            if (
                href.startswith("/")
                and not href.startswith(SKIP)
                and not href.endswith(".pdf")
                and shape(href) not in seen
            ):
                queue.append(href)
    return failures


@pytest.mark.parametrize(
    "email",
    [
        "handlaggare@halmstad.demo.se",
        "styrelse@laxhjalp.demo.se",
        "samordnare@laxhjalp.demo.se",
        "samordnare@region.demo.se",
    ],
)
def test_every_page_a_demo_person_reaches_is_accessible_and_reflows(page, email):
    call_command("load_demo_data", stdout=io.StringIO())
    allow_status(page, 404)
    sign_in(page, email, PASSWORD)
    failures = crawl_in_browser(page, ["/", "/?arkiverade=1"])
    assert not failures, "\n\n".join(failures)


def test_the_error_states_of_the_new_forms_are_accessible(page):
    call_command("load_demo_data", stdout=io.StringIO())
    for status in (400, 409):
        allow_status(page, status)
    sign_in(page, "samordnare@halmstad.demo.se", PASSWORD)
    collaboration = Collaboration.objects.get(title="Läxhjälp i Centrum")
    failures: list[str] = []

    def check(label: str) -> None:
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(f"{label}: {str(error)[:1500]}")

    # The principle check itself, with the demo's ratings.
    page.goto(reverse("principle_check", args=[collaboration.code]))
    check("principle check page")
    # Principle rating sent with nothing chosen: an error summary naming each principle.
    page.goto(reverse("principle_rate", args=[collaboration.code]))
    page.evaluate("() => document.querySelectorAll('input[type=radio]').forEach(r => { r.checked = false; })")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    check("principle rating, empty")
    # Reopening a done phase without a reason.
    page.goto(reverse("phase_review", args=[collaboration.code, "samverkansmodellen", "identifiera-och-involvera"]))
    summary = page.locator("details.reopen-phase summary")
    if summary.count():
        summary.click()
        page.locator("details.reopen-phase button[type=submit]").click()
        page.wait_for_load_state()
        check("reopen without reason")
    else:
        failures.append("no reopen button on a confirmed phase")
    # Responsibility with a bad date.
    page.goto(reverse("step_assign", args=[collaboration.code, "samverkansmodellen", "planera-och-justera", "metod"]))
    if page.get_by_label(re.compile("Klart senast")).count():
        page.get_by_label(re.compile("Klart senast")).fill("31/12")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        check("assignment, bad date")
    # Edit with an empty title; end without a note.
    page.goto(reverse("collaboration_edit", args=[collaboration.code]))
    page.get_by_label("Titel").fill("")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    check("edit, empty title")
    page.goto(reverse("collaboration_end", args=[collaboration.code]))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    check("end, no note")
    assert not failures, "\n\n".join(failures)

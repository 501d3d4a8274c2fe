"""Create forms create once in a real browser: double click, Back and send again; delete by keyboard."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, expect

from collaboration.models import Collaboration
from tests.e2e.conftest import assert_accessible, sign_in, visit
from tests.e2e.test_journeys import tab_to
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Läxhjälp på biblioteket"


def fill_in_the_create_form(page, cast) -> None:  # type: ignore[no-untyped-def]
    visit(page, reverse("collaboration_create"))
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label(re.compile("Föreningen Läxhjälp")).check()


def no_store(route) -> None:  # type: ignore[no-untyped-def]
    """Serve the form page as signed-in pages are served (`Cache-Control: no-store`): Back fetches it again."""
    if route.request.method != "GET":
        route.continue_()
        return
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "cache-control": "private, no-store"})


def test_a_double_click_on_skapa_samverkan_creates_one(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    fill_in_the_create_form(page, cast)
    # A slow connection: both clicks' POSTs leave the browser before the first answer comes back.
    held: list[Route] = []
    page.route(
        re.compile(r".*/samverkan/ny/$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    button = page.get_by_role("button", name="Skapa samverkan")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    for clicks in (1, 2):  # click, and click again while the first is still under way
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(50):
            if len(held) == clicks:
                break
            page.wait_for_timeout(100)
    assert len(held) == 2, "the second click sent no second POST"
    for route in held:  # both reach the server, in order, whatever the browser does with the first
        response = route.fetch(max_redirects=0)
        with contextlib.suppress(PlaywrightError):  # the browser gave up the first navigation for the second
            route.fulfill(response=response)
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status").first).to_contain_text("Samverkan är redan skapad")
    assert_accessible(page)
    assert Collaboration.objects.filter(title=TITLE).count() == 1


@pytest.mark.parametrize("cache", ["browser-default", "no-store"])
def test_back_and_send_again_creates_no_second_collaboration(page, cast, cache):
    if cache == "no-store":
        page.route(re.compile(r".*/samverkan/ny/$"), no_store)
    sign_in(page, cast.officer.email, PASSWORD)
    fill_in_the_create_form(page, cast)
    page.get_by_role("button", name="Skapa samverkan").click()
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    first = page.url

    page.go_back()
    page.wait_for_url("**/samverkan/ny/")
    expect(page.get_by_label("Titel")).to_have_value(TITLE)
    assert_accessible(page)
    page.get_by_role("button", name="Skapa samverkan").click()
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    assert page.url == first
    expect(page.get_by_role("status").first).to_contain_text("Samverkan är redan skapad")
    assert_accessible(page)
    assert Collaboration.objects.filter(title=TITLE).count() == 1


def test_the_creator_deletes_a_collaboration_started_by_mistake_by_keyboard(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    fill_in_the_create_form(page, cast)
    page.get_by_role("button", name="Skapa samverkan").click()
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    assert_accessible(page)

    tab_to(page, "a:has-text('Ta bort samverkan')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ta-bort/")
    assert_accessible(page)
    tab_to(page, "button:has-text('Ja, ta bort samverkan')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("status").first).to_contain_text(f"Samverkan ”{TITLE}” är borttagen.")
    assert_accessible(page)
    assert not Collaboration.objects.filter(title=TITLE).exists()

"""Leaving and coming back in a real browser: refused saves, Back, kept text, signing in again, stopped saves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.collaboration.helpers import questions, write_answer
from tests.e2e.conftest import closing_warns, sign_in
from tests.e2e.test_cowriting import box, step_path, stored
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_explicit_save_still_warns_before_leaving(page, cast):
    """Spara with a too-long box: nothing is saved, the page comes back with the error, closing must warn."""
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    pasted = "Lång text. " * 5455
    box(page, first).fill(pasted)
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    page.wait_for_load_state()
    expect(page.locator(".error-message").first).to_contain_text("högst")
    assert stored(cast, first) is None
    box(page, first).click()  # Chrome asks only on a page the person has interacted with
    assert closing_warns(page), "60,000 unsaved characters and the browser lets the tab close without a word"


def test_back_button_does_not_put_old_text_on_a_new_base(page, cast, browser, live_server):
    """Officer saves box 1, leaves, a colleague changes box 1, officer presses Back and types in box 2."""
    first, second = (q.code for q in questions()[:2])
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    box(page, first).click()
    page.keyboard.type("Tjänstepersonens text.")
    expect(page.locator(f"#status-{first}")).to_contain_text("Sparat", timeout=10_000)
    page.get_by_role("link", name="Tidigare versioner av svaren").click()
    page.wait_for_load_state()
    # The board member changes box 1 meanwhile.
    q1 = questions()[0]
    write_answer(cast.collaboration, q1, "Föreningens nya text.", cast.board_member, cast.forening)
    page.go_back()
    page.wait_for_load_state()
    box(page, second).click()
    page.keyboard.type("Något i ruta två.")
    expect(page.locator(f"#status-{second}")).to_contain_text("Sparat", timeout=10_000)
    page.wait_for_timeout(500)
    assert stored(cast, first) == "Föreningens nya text.", "the colleague's text was overwritten after Back"


def test_control_typing_then_closing_warns(page, cast):
    """Sanity check of closing_warns: unsaved typing on a fresh page does warn."""
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    box(page, first).click()
    page.keyboard.type("Osparat")
    assert closing_warns(page)


def test_the_kept_own_text_still_guards_leaving_after_an_autosave(page, cast, browser, live_server):
    """After 'Använd den sparade texten', the writer's own text is kept aside, unsaved. Typing elsewhere
    autosaves every box; closing the tab must still warn, since the kept text exists nowhere else."""
    first, second = (q.code for q in questions()[:2])
    sign_in(page, cast.board_member.email, PASSWORD)
    page.goto(step_path(cast))
    write_answer(cast.collaboration, questions()[0], "Kommunens text.", cast.officer, cast.kommun)
    box(page, first).fill("Föreningens långa egna text som inte finns någon annanstans.")
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(page.locator(".conflict")).to_contain_text("Kommunens text.")
    page.get_by_role("button", name="Använd den sparade texten").click()
    expect(page.locator(".kept-text")).to_contain_text("Föreningens långa egna text")
    box(page, second).click()
    page.keyboard.type("Något annat.")
    expect(page.locator(f"#status-{second}")).to_contain_text("Sparat", timeout=10_000)
    expect(page.locator(".kept-text")).to_contain_text("Föreningens långa egna text")
    assert closing_warns(page), "the kept own text is lost without a warning"


def test_after_signing_in_again_in_a_new_tab_the_page_saves_again(browser, live_server, cast):
    """The session expires while typing; the status offers 'Logga in igen (öppnas i en ny flik)'. After signing
    in there, the original page should save again (signing in rotates the CSRF token the page still carries)."""
    from django.contrib.sessions.models import Session

    first = questions()[0].code
    # An own context: the 403s below are the defect, not console noise for the shared fixture to fail on.
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    Session.objects.all().delete()
    box(page, first).click()
    page.keyboard.type("Skrivet efter utloggning.")
    expect(page.locator("#autosave-status")).to_contain_text("Du har loggats ut", timeout=10_000)
    other = page.context.new_page()
    sign_in(other, cast.officer.email, PASSWORD)
    other.close()
    box(page, first).click()
    page.keyboard.type(" Och lite till.")
    page.wait_for_timeout(3000)
    status = page.locator("#autosave-status").inner_text()
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    assert stored(cast, first) == "Skrivet efter utloggning. Och lite till.", (status, heading)

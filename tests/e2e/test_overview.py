"""The coordinator overview in a real browser: axe on every page, and filtering with the keyboard only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from collaboration.models import Agreement, AgreementState, Collaboration, CollaborationForm, OrganisationKind, Status
from tests.e2e.conftest import assert_accessible, sign_in, visit
from tests.factories import PASSWORD, CollaborationFactory, OrganisationFactory, PublicOrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def overview(cast):
    stiftelse = OrganisationFactory(name="Stiftelsen Hemmet", kind=OrganisationKind.STIFTELSE)
    region = PublicOrganisationFactory(name="Region Halland", kind=OrganisationKind.REGION)
    dialogue = CollaborationFactory(title="Dialog om fritidsgårdar", parties=[cast.kommun, stiftelse])
    summer = CollaborationFactory(title="Sommarprojekt", parties=[cast.kommun, region])
    Collaboration.objects.filter(pk=dialogue.pk).update(
        form=CollaborationForm.objects.get(slug="dialog"), starts_on=date(2024, 3, 1), status=Status.ONGOING
    )
    Collaboration.objects.filter(pk=summer.pk).update(
        form=CollaborationForm.objects.get(slug="projektmedel"), starts_on=date(2025, 6, 1)
    )
    Agreement.objects.create(collaboration=dialogue, state=AgreementState.FASTSTALLD, adopted_at=timezone.now())
    return cast


def test_the_overview_statistics_and_mapping_pages_are_accessible(page, overview):
    sign_in(page, overview.coordinator.email, PASSWORD)
    code = overview.kommun.code
    visit(page, reverse("overview", args=[code]))
    assert "3 samverkan" in page.content()
    visit(page, reverse("overview_statistics", args=[code]))
    assert page.locator("svg.bar-chart").count() == 10
    page.get_by_text("Ändra urvalet").click()  # the filters open
    assert_accessible(page)
    visit(page, reverse("overview_mapping", args=[code]))
    assert "Drift av anläggningar" in page.content()
    visit(page, reverse("organisation_edit", args=[code]))
    visit(page, reverse("overview", args=[code]) + "?fran=2025-13-01")  # with an error summary


def test_a_member_sees_an_accessible_list(page, overview):
    sign_in(page, overview.officer.email, PASSWORD)
    visit(page, reverse("overview", args=[overview.kommun.code]))
    assert "Sommarprojekt" in page.content()


def tab_to(page, name: str, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the form field called `name` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached the field {name}")


def test_filtering_with_the_keyboard_only_updates_the_results_and_the_address(page, overview):
    sign_in(page, overview.coordinator.email, PASSWORD)
    url = reverse("overview", args=[overview.kommun.code])
    page.goto(url)
    results = page.locator("#resultat")
    tab_to(page, "sok")
    page.keyboard.type("stiftelsen")
    page.keyboard.press("Enter")
    page.wait_for_url("**?sok=stiftelsen")  # only what is chosen goes into the address
    assert "1 samverkan" in results.inner_text()
    assert page.locator("#resultat-status").inner_text() == "Listan visar nu 1 samverkan."  # said to screen readers
    assert "Dialog om fritidsgårdar" in results.inner_text()
    assert "Sommarprojekt" not in results.inner_text()
    assert page.get_by_label("Sök på titel eller partner").input_value() == "stiftelsen"  # the form stays

    # Clear the search and choose a status with the arrow keys: the change alone updates the list.
    page.keyboard.press("Control+A")  # the search box still has the focus
    page.keyboard.press("Backspace")
    tab_to(page, "status")
    page.keyboard.press("ArrowDown")  # Planeras
    page.wait_for_url("**?status=planerad")
    assert "Läxhjälp i Centrum" in results.inner_text()
    assert "Sommarprojekt" in results.inner_text()
    assert "Dialog om fritidsgårdar" not in results.inner_text()
    assert_accessible(page)

    page.go_back()
    page.wait_for_url("**?sok=stiftelsen")
    # Back reloads the page from the server (htmx keeps no history cache): wait for it, do not read the old one.
    expect(page.locator("#resultat")).to_contain_text("Dialog om fritidsgårdar")
    expect(page.locator("#resultat")).not_to_contain_text("Sommarprojekt")


def test_filtering_works_without_javascript(browser, live_server, overview):
    """The filters are a plain GET form: without JavaScript the whole page comes back with the selection."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/logga-in/")
        page.get_by_label("E-postadress").fill(overview.coordinator.email)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/")
        page.goto(reverse("overview", args=[overview.kommun.code]))
        page.get_by_label("Partnerns sektor").select_option("offentlig")
        page.get_by_role("button", name="Visa").click()
        page.wait_for_url("**sektor=offentlig**")
        results = page.locator("#resultat").inner_text()
        assert "1 samverkan" in results
        assert "Sommarprojekt" in results
        assert page.get_by_label("Partnerns sektor").input_value() == "offentlig"
    finally:
        context.close()

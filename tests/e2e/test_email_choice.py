"""Choosing how often to get e-mail, signed in from the menu and signed out from a mail's link, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.models import EmailChoice, User
from portal.notifications import choice_token
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def choice_of(user: User) -> str:
    return User.objects.values_list("email_notifications", flat=True).get(pk=user.pk)


def test_a_signed_in_person_finds_the_choice_in_the_menu_and_picks_the_daily_summary(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    page.get_by_role("link", name="E-post").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-post om händelser")
    expect(page.get_by_label("Direkt: ett e-postmeddelande för varje händelse")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("En gång om dagen: en sammanfattning av dagens händelser").check()
    page.get_by_role("button", name="Spara valet").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Sparat. Du får en sammanfattning per e-post en gång om dagen")
    expect(page.get_by_label("En gång om dagen: en sammanfattning av dagens händelser")).to_be_checked()
    assert_accessible(page)
    assert choice_of(cast.officer) == EmailChoice.DAILY


def test_the_link_in_a_mail_stops_the_mail_with_one_button_without_signing_in(page, cast):
    page.goto(f"/e-post/{choice_token(cast.officer)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra vilka e-postmeddelanden du får")
    assert_accessible(page)
    assert choice_of(cast.officer) == EmailChoice.DIRECT  # opening the page changes nothing
    page.get_by_role("button", name="Sluta skicka e-post om händelser till mig").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Sparat. Du får inga e-postmeddelanden om händelser.")
    expect(page.get_by_label("Aldrig: inga e-postmeddelanden om händelser")).to_be_checked()
    assert_accessible(page)
    assert choice_of(cast.officer) == EmailChoice.NEVER


def test_an_empty_choice_shows_the_error_summary(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto("/installningar/e-post/")
    # Without JavaScript help the form may be sent with nothing picked (e.g. a changed page); the error is said.
    page.evaluate("document.querySelectorAll('input[type=radio]').forEach(r => r.checked = false)")
    page.get_by_role("button", name="Spara valet").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_contain_text("Välj hur ofta du vill få e-post.")
    assert_accessible(page)

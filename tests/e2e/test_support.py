"""The support on record in a real browser, by keyboard only: axe and 320 px reflow on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Support
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_records_corrects_and_removes_a_period_by_keyboard(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(reverse("collaboration_detail", args=[cast.collaboration.code]))
    page.get_by_role("link", name="Stöd från den offentliga sidan, period för period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd från den offentliga sidan")
    assert_accessible(page)

    # A mistake first: the period ends before it starts. The message says so, and the typed values stay.
    page.get_by_label("Från och med").fill("2027-01-01")
    page.get_by_label("Till och med").fill("2026-12-31")
    page.get_by_label("Projektmedel").check()
    page.get_by_label("Belopp i kronor (frivilligt)").fill("250000")
    page.get_by_label("Lokaler").check()
    page.get_by_label("Beslut, diarienummer (frivilligt)").focus()
    page.keyboard.type("KS 2026/114")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("Perioden kan inte sluta före den börjar.")
    expect(page.get_by_label("Belopp i kronor (frivilligt)")).to_have_value("250000")
    assert_accessible(page)

    page.get_by_label("Till och med").fill("2027-12-31")
    page.get_by_role("button", name="Registrera stödet").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Stödet är registrerat")
    expect(page.locator(".support-item")).to_contain_text("250 000 kr")
    assert_accessible(page)

    page.get_by_role("link", name="Ändra stödet från Halmstads kommun 2027-01-01").click()
    assert_accessible(page)
    page.get_by_label("Belopp i kronor (frivilligt)").fill("300 000 kr")
    page.get_by_role("button", name="Spara ändringarna").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Stödet är ändrat")
    expect(page.locator(".support-item")).to_contain_text("300 000 kr")

    page.get_by_role("link", name="Ta bort stödet från Halmstads kommun 2027-01-01").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ta bort stödet").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Stödet är borttaget")
    assert not Support.objects.exists()


def test_the_association_reads_the_support_without_a_form(page, cast):
    from datetime import date

    from collaboration.followup import support as support_workflows

    support_workflows.support_add(
        collaboration=cast.collaboration,
        organisation=cast.kommun,
        user=cast.officer,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        kind="verksamhet",
        amount=None,
        premises=True,
        staff_time=True,
    )
    sign_in(page, cast.board_member.email, PASSWORD)
    page.goto(reverse("support_list", args=[cast.collaboration.code]))
    expect(page.locator(".support-item")).to_contain_text("lokaler, personalens tid")
    expect(page.locator(".support-item")).to_contain_text("Inga pengar")
    expect(page.get_by_role("button", name="Registrera stödet")).to_have_count(0)
    assert_accessible(page)

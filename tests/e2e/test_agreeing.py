"""Agreeing together in a real browser: both parties confirm phase 1; both rate the principles side by side."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import PhaseCompletion, PhaseConfirmation, Step
from tests.collaboration.helpers import MODEL, PHASE_1, mark_steps
from tests.e2e.conftest import allow_status, assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def switch_to(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_both_parties_confirm_phase_1(page, cast):
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    review = reverse("phase_review", args=[cast.collaboration.code, MODEL, PHASE_1])

    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(review)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Vi är överens om")).click()
    expect(page.locator(".messages")).to_contain_text("Nu väntar vi på de andra parterna")
    assert_accessible(page)
    assert PhaseConfirmation.objects.count() == 1

    switch_to(page, cast.board_member.email)
    page.goto(review)
    section = page.get_by_role("region", name="Är ni överens om fasen?")
    expect(section).to_contain_text("Väntar på Föreningen Läxhjälp")
    expect(section).to_contain_text("Halmstads kommun (Tove Tjänsteperson")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Vi är överens om")).click()
    page.wait_for_url(f"**{reverse('task_list', args=[cast.collaboration.code, MODEL])}")
    expect(page.locator(".messages")).to_contain_text("Alla parter är överens")
    expect(page.get_by_role("heading", name=re.compile("Identifiera"))).to_contain_text("Fasen är klar")
    assert_accessible(page)
    assert PhaseCompletion.objects.count() == 1

    # Reopening says why; an empty reason is refused with the error summary linking to the box.
    page.goto(review)
    page.get_by_text("Öppna fasen igen", exact=True).first.click()
    allow_status(page, 400)
    page.get_by_role("button", name="Öppna fasen igen").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv varför ni öppnar fasen igen.")
    assert_accessible(page)
    page.get_by_label("Varför öppnar ni fasen igen?").fill("Målgruppen behöver ses över.")
    page.get_by_role("button", name="Öppna fasen igen").click()
    expect(page.locator(".messages")).to_contain_text("är öppnad igen")
    assert not PhaseCompletion.objects.exists()


def test_the_parties_rate_the_principles_side_by_side(page, cast):
    check = reverse("principle_check", args=[cast.collaboration.code])
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(check)
    assert_accessible(page)
    page.get_by_role("link", name="Bedöm principerna för din part").click()
    assert_accessible(page)
    for group in page.get_by_role("group").all():
        group.get_by_label("Fungerar bra").check()
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_url(f"**{check}")
    assert_accessible(page)

    switch_to(page, cast.board_member.email)
    page.goto(reverse("principle_rate", args=[cast.collaboration.code]))
    for group in page.get_by_role("group").all():
        group.get_by_label("Fungerar bra").check()
    page.get_by_role("group", name="Långsiktighet").get_by_label("Gnisslar").check()
    page.get_by_label("Kommentar om långsiktighet (frivillig)").fill("Vi får besked ett år i taget.")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_url(f"**{check}")
    summary = page.get_by_role("note")
    expect(summary).to_contain_text("Långsiktighet")
    expect(summary).not_to_contain_text("Dialog")
    principle = page.get_by_role("region", name=re.compile("^Långsiktighet"))
    expect(principle).to_contain_text("Ni ser olika på den")
    expect(principle).to_contain_text("Gnisslar")
    expect(principle).to_contain_text("Vi får besked ett år i taget.")
    assert_accessible(page)

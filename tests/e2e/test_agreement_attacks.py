"""The agreement's version page in a real browser, as a hostile review found it: errors and restored drafts."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import AgreementComment
from tests.collaboration.agreement_helpers import sent
from tests.e2e.conftest import allow_status, assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def version_under_review(cast) -> str:  # type: ignore[no-untyped-def]
    sent(cast, {"malgrupp": "Barn i årskurs 4–6."})
    return reverse("agreement_version", args=[cast.collaboration.code, 1])


def test_the_error_summary_leads_to_the_comment_box_and_a_signed_out_comment_comes_back(page, cast):
    version = version_under_review(cast)
    sign_in(page, cast.board_member.email, PASSWORD)
    page.goto(version)
    allow_status(page, 400)
    page.get_by_text("Kommentera ”Målgrupp”").click()
    box = page.locator("#kommentar-malgrupp-text")
    box.fill("Lång. " * 700)  # 4,200 characters: over the limit
    page.locator("#kommentar-malgrupp").get_by_role("button", name="Publicera kommentaren").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")

    # The session runs out while the board member shortens the comment; it comes back after signing in.
    box.fill("Vem hämtar barnen efter läxhjälpen?")
    Session.objects.all().delete()
    page.locator("#kommentar-malgrupp").get_by_role("button", name="Publicera kommentaren").click()
    page.get_by_label("E-postadress").fill(cast.board_member.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Det du skrev innan du loggades ut är tillbaka")).to_be_visible()
    expect(page.locator("#kommentar-malgrupp-text")).to_have_value("Vem hämtar barnen efter läxhjälpen?")
    assert_accessible(page)
    page.locator("#kommentar-malgrupp").get_by_role("button", name="Publicera kommentaren").click()
    expect(page.locator(".messages")).to_contain_text("Din kommentar är publicerad")
    assert AgreementComment.objects.get().text == "Vem hämtar barnen efter läxhjälpen?"

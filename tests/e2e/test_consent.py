"""Consent in a real browser: an invited förening sees only the invitation until it accepts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from collaboration.models import Collaboration, Party, PartyState
from tests.e2e.conftest import assert_accessible, sign_in, visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Simskola för nyanlända"


def test_a_forening_accepts_an_invitation_before_it_sees_the_collaboration(page, cast, browser, live_server):
    # The officer starts a collaboration naming the förening.
    sign_in(page, cast.officer.email, PASSWORD)
    visit(page, "/samverkan/ny/")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Kort beskrivning (frivillig)").fill("Simundervisning för barn som nyss kommit till Sverige.")
    page.get_by_label(re.compile("Föreningen Läxhjälp")).check()
    page.get_by_role("button", name="Skapa samverkan").click()
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    assert_accessible(page)
    expect(page.get_by_text("Inbjuden, har inte svarat")).to_be_visible()
    detail_path = page.url.removeprefix(live_server.url)

    # In another browser, the förening's coordinator.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.allowed_statuses = set()
    errors: list[str] = []
    other.on("pageerror", lambda error: errors.append(str(error)))
    other.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "status of 404" not in msg.text else None,
    )
    try:
        sign_in(other, cast.civil_coordinator.email, PASSWORD)
        assert_accessible(other)
        invitations = other.get_by_role("region", name="Inbjudningar som väntar på ert svar")
        expect(invitations).to_contain_text(TITLE)
        expect(invitations).to_contain_text("Tove Tjänsteperson på Halmstads kommun bjuder in Föreningen Läxhjälp.")

        # Before accepting, the collaboration does not exist for the förening.
        response = other.goto(detail_path)
        assert response is not None
        assert response.status == 404
        assert_accessible(other)
        expect(other.get_by_text(TITLE)).to_have_count(0)

        visit(other, "/")
        other.get_by_role("link", name=TITLE).click()
        other.wait_for_url("**/inbjudan/")
        assert_accessible(other)
        expect(other.get_by_role("heading", level=1)).to_contain_text(TITLE)
        other.get_by_label("Meddelande till de andra parterna (frivilligt)").fill("Vi är med!")
        other.get_by_role("button", name="Acceptera").click()
        other.wait_for_url(f"**{detail_path}")
        assert_accessible(other)
        expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
        visit(other, "/")
        expect(other.get_by_role("link", name=TITLE)).to_have_attribute("href", detail_path)
    finally:
        context.close()
    assert not errors, errors

    # The officer now sees the förening among the parties.
    visit(page, detail_path)
    expect(page.get_by_text("Inbjuden, har inte svarat")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="Föreningen Läxhjälp (Ideell förening)")).to_be_visible()
    collaboration = Collaboration.objects.get(title=TITLE)
    assert Party.objects.get(collaboration=collaboration, organisation=cast.forening).state == PartyState.ACCEPTED

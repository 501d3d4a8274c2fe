"""A draft kept over an expired session, in a real browser: back after signing in, on every reload, until thrown away."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Collaboration
from tests.e2e.conftest import assert_accessible, sign_in, visit
from tests.e2e.test_journeys import tab_to
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_draft_comes_back_to_its_writer_until_they_throw_it_away(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    visit(page, reverse("collaboration_create"))
    page.get_by_label("Titel").fill("Språkcafé i Getinge")
    page.context.clear_cookies(name="sessionid")  # the session runs out while the officer types
    page.get_by_role("button", name="Skapa samverkan").click()
    page.wait_for_url(re.compile(r"/logga-in/"))
    assert_accessible(page)
    page.get_by_label("E-postadress").fill(cast.officer.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/samverkan/ny/")
    expect(page.get_by_label("Titel")).to_have_value("Språkcafé i Getinge")
    assert_accessible(page)
    page.reload()
    expect(page.get_by_label("Titel")).to_have_value("Språkcafé i Getinge")

    tab_to(page, "button:has-text('Släng den återställda texten')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/samverkan/ny/")
    expect(page.get_by_role("status").first).to_contain_text("Den återställda texten är slängd.")
    expect(page.get_by_label("Titel")).to_have_value("")
    assert_accessible(page)
    assert not Collaboration.objects.filter(title="Språkcafé i Getinge").exists()

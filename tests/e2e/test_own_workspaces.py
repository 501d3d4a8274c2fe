"""Two parties fill the checklist on their own, one shares it, the other reads both side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Answer
from tests.collaboration.helpers import CHECKLIST, CHECKLIST_WHY, PREREQ_STATUS, questions
from tests.e2e.conftest import assert_accessible, sign_in, visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

KOMMUN_TEXT = "Vi vill att fler barn klarar skolan. Vi har pengar för ett år."
FORENING_TEXT = "Vi vill att fler barn klarar skolan och känner sig sedda, långsiktigt."


def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    return browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm").new_page()


def fill_privately(page, cast, text: str) -> None:  # type: ignore[no-untyped-def]
    code = questions(CHECKLIST_WHY)[0].code
    visit(page, reverse("step", args=[cast.collaboration.code, *CHECKLIST_WHY]))
    expect(page.locator(".whose")).to_contain_text("egna svar – syns bara för er")
    page.locator(f"#id_answer-{code}").fill(text)
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    page.wait_for_url("**/infor-forsta-samtalet/")
    assert_accessible(page)


def test_two_parties_fill_the_checklist_privately_and_compare_once_shared(page, cast, browser, live_server):
    officer = new_page(browser, live_server)
    sign_in(officer, cast.officer.email, PASSWORD)
    sign_in(page, cast.board_member.email, PASSWORD)

    fill_privately(officer, cast, KOMMUN_TEXT)
    fill_privately(page, cast, FORENING_TEXT)
    assert Answer.objects.filter(party_organisation__isnull=False).count() == 2

    # Before sharing, the förening's side-by-side page shows only its own answers.
    compare = reverse("phase_compare", args=[cast.collaboration.code, CHECKLIST, "checklista"])
    visit(page, compare)
    expect(page.locator("main")).not_to_contain_text(KOMMUN_TEXT)
    expect(page.locator("main")).to_contain_text("Har inte delat sina svar: Halmstads kommun.")

    # The kommun shares its checklist from the task list.
    visit(officer, reverse("task_list", args=[cast.collaboration.code, CHECKLIST]))
    officer.get_by_role("button", name="Dela era svar i Checklista inför första samtalet med de andra parterna").click()
    expect(officer.locator(".whose").first).to_contain_text("delat med de andra parterna")
    assert_accessible(officer)

    visit(page, compare)
    question = page.locator(".compare-question").first
    expect(question).to_contain_text(KOMMUN_TEXT)
    expect(question).to_contain_text(FORENING_TEXT)
    expect(question).to_contain_text("Svaren skiljer sig")
    question.locator("summary").click()
    expect(question.locator("ins").first).to_be_visible()
    assert_accessible(page)

    # The kommun's own prerequisites say plainly that they are never shown to the förening.
    visit(officer, reverse("step", args=[cast.collaboration.code, *PREREQ_STATUS]))
    expect(officer.locator(".whose")).to_contain_text("De idéburna parterna ser aldrig de här svaren.")
    officer.context.close()

"""Journeys by keyboard only, autosave, conflicts and the chooser in a real browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Answer, Collaboration, StepProgress, StepStatus
from tests.e2e.conftest import allow_status, assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector: str, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching `selector` has focus: proves it is reachable by keyboard."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} could not be reached with the Tab key")


def test_an_officer_creates_a_collaboration_by_keyboard_only(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    tab_to(page, "a:has-text('Starta en ny samverkan')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/samverkan/ny/")
    assert_accessible(page)
    tab_to(page, "#id_title")
    page.keyboard.type("Språkcafé på biblioteket")
    tab_to(page, "#id_description")
    page.keyboard.type("Samtal på svenska för nyanlända, varje torsdag.")
    tab_to(page, "#id_public_party")
    # The creator's kommun is preselected; leave it. Check the förening with the space bar.
    forening = page.get_by_label(re.compile("Föreningen Läxhjälp"))
    tab_to(page, f"#{forening.get_attribute('id')}")
    page.keyboard.press("Space")
    tab_to(page, "button:has-text('Skapa samverkan')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Språkcafé på biblioteket")
    assert_accessible(page)
    collaboration = Collaboration.objects.get(title="Språkcafé på biblioteket")
    assert set(collaboration.parties.values_list("organisation__name", flat=True)) == {
        "Halmstads kommun",
        "Föreningen Läxhjälp",
    }


def test_an_officer_completes_a_step_by_keyboard_only(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    code = cast.collaboration.code
    page.goto(reverse("task_list", args=[code, "samverkansmodellen"]))
    tab_to(page, "a:has-text('Målgrupp')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/malgrupp/")
    assert_accessible(page)
    first = page.locator("#step-form textarea").first
    tab_to(page, f"#{first.get_attribute('id')}")
    page.keyboard.type("Barn i årskurs 4–6 och deras föräldrar.")
    tab_to(page, "button:has-text('Spara och markera som klart')")
    page.keyboard.press("Enter")
    # The other questions are empty: the text is saved, and the portal asks once before marking the step done.
    expect(page.get_by_role("heading", level=1)).to_contain_text("saknar svar – markera ändå som klar?")
    assert_accessible(page)
    tab_to(page, "button:has-text('Markera ändå som klart')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/samverkanspartner/")
    expect(page.locator(".messages")).to_contain_text("Målgrupp")
    assert_accessible(page)
    progress = StepProgress.objects.get(collaboration=cast.collaboration, step__slug="malgrupp")
    assert progress.status == StepStatus.DONE
    assert (
        Answer.objects.get(
            collaboration=cast.collaboration, question__group__step__slug="malgrupp", text__startswith="Barn"
        ).updated_by
        == cast.officer
    )


def test_autosave_keeps_the_text_through_a_reload(page, cast):
    sign_in(page, cast.board_member.email, PASSWORD)
    url = reverse("step", args=[cast.collaboration.code, "samverkansmodellen", "planera-och-justera", "gemensam-bild"])
    page.goto(url)
    box = page.locator("#step-form textarea").first
    box.click()
    page.keyboard.type("Vi vill båda nå fler barn – och höras när vi är kritiska. 🌱")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"Sparat \d\d:\d\d"), timeout=10_000)
    assert_accessible(page)
    # Keep typing after the first autosave: the new base must let the second save through too.
    page.keyboard.type(" Mer text.")
    expect(page.locator("#autosave-status")).to_contain_text("Sparat", timeout=10_000)
    page.wait_for_timeout(2500)
    page.reload()
    expect(page.locator("#step-form textarea").first).to_have_value(
        "Vi vill båda nå fler barn – och höras när vi är kritiska. 🌱 Mer text."
    )
    expect(page.locator("#step-form")).to_contain_text("Bo Styrelse (Föreningen Läxhjälp)")


def test_a_conflict_shows_both_texts_accessibly(page, cast, browser, live_server):
    url = reverse(
        "step", args=[cast.collaboration.code, "samverkansmodellen", "identifiera-och-involvera", "problem-och-behov"]
    )
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(url)
    # A colleague saves the same answer from another browser first.
    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, cast.board_member.email, PASSWORD)
    other.goto(url)
    other.locator("#step-form textarea").first.fill("Föreningens formulering av problemet.")
    other.get_by_role("button", name="Spara och fortsätt senare").click()
    other.wait_for_url("**/samverkansmodellen/")
    other.context.close()

    page.locator("#step-form textarea").first.fill("Kommunens formulering av problemet.")
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(page.locator(".conflict")).to_contain_text("Föreningens formulering av problemet.")
    expect(page.locator("#step-form textarea").first).to_have_value("Kommunens formulering av problemet.")
    assert_accessible(page)


def test_the_chooser_recommends_and_records_a_form(page, cast):
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(reverse("form_chooser", args=[cast.collaboration.code]))
    assert_accessible(page)
    answers = {
        "temporary": "Nej",
        "established": "Nej",
        "general_support": "Nej",
        "market": "Nej",
        "initiative": "Den idéburna partens",
        "shared_challenge": "Ja",
        "input_wanted": "Nej",
    }
    for name, label in answers.items():
        page.locator(f"fieldset:has(input[name={name}])").get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Visa förslag").click()
    expect(page.locator(".recommendation").first).to_contain_text("Idéburet offentligt partnerskap")
    assert_accessible(page)
    page.get_by_label("Motivering (frivillig)").fill("Vi delar utmaningen och vill bygga långsiktigt.")
    page.get_by_role("button", name="Spara valet").click()
    page.wait_for_url(re.compile(r"/samverkan/[0-9a-f-]{36}/$"))
    expect(page.locator("main")).to_contain_text("Vi delar utmaningen")
    assert_accessible(page)


def test_the_back_button_brings_back_what_was_written(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(reverse("step", args=[cast.collaboration.code, "samverkansmodellen", "forutsattningar", "kunskap"]))
    page.locator("#step-form textarea").first.fill("Vi känner till tre föreningar i området.")
    page.get_by_role("button", name="Spara och fortsätt", exact=True).click()
    page.wait_for_url("**/lagar-och-styrande-dokument/")
    page.go_back()
    page.wait_for_url("**/kunskap/")
    expect(page.locator("#step-form textarea").first).to_have_value("Vi känner till tre föreningar i området.")
    assert_accessible(page)


def test_a_forgotten_password_is_replaced_through_the_e_mailed_link(page, cast, mailoutbox, settings, live_server):
    settings.SITE_URL = live_server.url  # the mailed link is made from the portal's address, not the request's
    page.goto(reverse("password_reset"))
    page.get_by_label("E-postadress").fill(cast.board_member.email)
    page.get_by_role("button", name="Skicka länk").click()
    page.wait_for_url("**/skickat/")
    link = re.search(rf"{re.escape(live_server.url)}/losenord/nytt/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.wait_for_url("**/set-password/")
    assert_accessible(page)
    page.get_by_label("Nytt lösenord", exact=True).fill("ett-helt-nytt-losenord-77")
    page.get_by_label("Bekräfta nytt lösenord").fill("ett-helt-nytt-losenord-77")
    page.get_by_role("button", name="Spara nytt lösenord").click()
    page.wait_for_url("**/klart/")
    assert_accessible(page)
    sign_in(page, cast.board_member.email, "ett-helt-nytt-losenord-77")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min samverkan")


def test_a_used_invitation_link_explains_what_to_do(page, cast):
    from collaboration.models import Invitation, Role

    invitation, token = Invitation.issue(
        organisation=cast.kommun, email="anna@exempel.se", role=Role.OFFICER, invited_by=cast.coordinator
    )
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=invitation.created_at)
    allow_status(page, 404)
    response = page.goto(reverse("invitation_accept", args=[token]))
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan gäller inte längre")
    assert_accessible(page)


def test_two_people_typing_at_once_never_overwrite_each_other(page, cast, browser, live_server):
    url = reverse("step", args=[cast.collaboration.code, "samverkansmodellen", "implementera-och-polera", "utveckla"])
    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, cast.officer.email, PASSWORD)
    sign_in(page, cast.board_member.email, PASSWORD)
    other.goto(url)
    page.goto(url)

    other.locator("#step-form textarea").first.click()
    other.keyboard.type("Kommunen: behovet har växt.")
    expect(other.locator("#autosave-status")).to_contain_text("Sparat", timeout=10_000)

    page.locator("#step-form textarea").first.click()
    page.keyboard.type("Föreningen: fler barn kommer.")
    expect(page.locator("#autosave-status")).to_contain_text("Inte sparat", timeout=10_000)
    page.keyboard.type(" Och fler volontärer.")
    page.wait_for_timeout(2500)
    expect(page.locator("#autosave-status")).to_contain_text("Inte sparat")
    page.get_by_role("button", name="Jämför texterna").first.click()
    expect(page.locator(".conflict")).to_contain_text("Kommunen: behovet har växt.")
    expect(page.locator("#step-form textarea").first).to_have_value(
        "Föreningen: fler barn kommer. Och fler volontärer."
    )
    assert_accessible(page)

    # The board member merges the two texts and saves.
    page.locator("#step-form textarea").first.fill("Kommunen: behovet har växt. Föreningen: fler barn kommer.")
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    page.wait_for_url("**/samverkansmodellen/")
    answer = Answer.objects.get(collaboration=cast.collaboration, question__group__step__slug="utveckla", version=2)
    assert answer.text == "Kommunen: behovet har växt. Föreningen: fler barn kommer."
    other.context.close()

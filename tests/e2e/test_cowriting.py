"""Co-editing in real browsers: two people, one person in two tabs, long pastes, status at the field."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Answer
from tests.collaboration.helpers import questions
from tests.e2e.conftest import assert_accessible, closing_warns, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

STEP = ("samverkansmodellen", "identifiera-och-involvera", "problem-och-behov")


def step_path(cast) -> str:  # type: ignore[no-untyped-def]
    return reverse("step", args=[cast.collaboration.code, *STEP])


def box(page, code: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#id_answer-{code}")


def stored(cast, code: str) -> str | None:  # type: ignore[no-untyped-def]
    answer = Answer.objects.filter(collaboration=cast.collaboration, question__code=code).first()
    return answer.text if answer else None


def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    return browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm").new_page()


def test_a_colleagues_answer_survives_autosave_of_a_box_they_never_touched(page, cast, browser, live_server):
    first, second = (q.code for q in questions()[:2])
    officer = new_page(browser, live_server)
    sign_in(officer, cast.officer.email, PASSWORD)
    sign_in(page, cast.board_member.email, PASSWORD)
    officer.goto(step_path(cast))
    page.goto(step_path(cast))  # box 1 is empty on the board member's page

    box(officer, first).click()
    officer.keyboard.type("Kommunen: barnen saknar en lugn plats.")
    expect(officer.locator(f"#status-{first}")).to_contain_text("Sparat", timeout=10_000)

    box(page, second).click()
    page.keyboard.type("Föreningen: vi har volontärer.")
    expect(page.locator(f"#status-{second}")).to_contain_text("Sparat", timeout=10_000)
    # The untouched box now shows the officer's text, with a word at the field about who changed it.
    expect(box(page, first)).to_have_value("Kommunen: barnen saknar en lugn plats.")
    expect(page.locator(f"#status-{first}")).to_contain_text("Tove Tjänsteperson ändrade svaret")
    assert_accessible(page)
    page.keyboard.type(" Två kvällar i veckan.")
    expect(page.locator(f"#status-{second}")).to_contain_text("Sparat", timeout=10_000)
    page.wait_for_timeout(2000)
    assert stored(cast, first) == "Kommunen: barnen saknar en lugn plats."
    assert stored(cast, second) == "Föreningen: vi har volontärer. Två kvällar i veckan."
    officer.context.close()


def test_one_person_in_two_tabs_never_overwrites_their_own_earlier_text(page, cast):
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    other_tab = page.context.new_page()
    other_tab.goto(step_path(cast))

    box(page, first).click()
    page.keyboard.type("Skrivet i första fliken.")
    expect(page.locator(f"#status-{first}")).to_contain_text("Sparat", timeout=10_000)

    box(other_tab, first).click()
    other_tab.keyboard.type("Skrivet i andra fliken.")
    expect(other_tab.locator(f"#status-{first}")).to_contain_text("Inte sparat", timeout=10_000)
    assert stored(cast, first) == "Skrivet i första fliken."
    other_tab.get_by_role("button", name="Jämför texterna").first.click()
    other_tab.wait_for_load_state()
    expect(other_tab.locator(".conflict")).to_contain_text("Skrivet i första fliken.")
    expect(other_tab.locator(".conflict .diff ins")).to_contain_text("andra")
    expect(box(other_tab, first)).to_have_value("Skrivet i andra fliken.")
    assert_accessible(other_tab)


def test_a_60000_character_paste_is_kept_whole_and_refused_with_a_message(page, cast):
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    pasted = "Lång text. " * 5455
    box(page, first).fill(pasted)
    # Nothing cut by the browser, a live count where the writer looks, and a clear refusal.
    assert len(box(page, first).input_value()) == len(pasted)
    expect(page.locator(f"#id_answer-{first}_count")).to_contain_text("tecken för mycket")
    expect(page.locator(f"#status-{first}")).to_contain_text("högst 20", timeout=10_000)
    expect(page.locator("#autosave-status")).to_contain_text("Inte sparat")
    assert_accessible(page)
    assert stored(cast, first) is None


def test_the_conflict_view_keeps_the_writers_text_and_warns_before_leaving(page, cast, browser, live_server):
    first = questions()[0].code
    sign_in(page, cast.board_member.email, PASSWORD)
    page.goto(step_path(cast))
    officer = new_page(browser, live_server)
    sign_in(officer, cast.officer.email, PASSWORD)
    officer.goto(step_path(cast))
    box(officer, first).fill("Kommunens text.")
    officer.get_by_role("button", name="Spara och fortsätt senare").click()
    officer.wait_for_url("**/samverkansmodellen/")
    officer.context.close()

    box(page, first).fill("Föreningens text.")
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(page.locator(".conflict")).to_contain_text("Kommunens text.")
    expect(page.locator(f"label[for=id_answer-{first}]")).to_contain_text("Din text")
    page.get_by_role("button", name="Använd den sparade texten").click()
    expect(box(page, first)).to_have_value("Kommunens text.")
    expect(page.locator(".kept-text")).to_contain_text("Föreningens text.")
    assert_accessible(page)

    # Leaving now would lose the writer's own text: the browser asks first.
    box(page, first).click()
    assert closing_warns(page)


def test_the_save_state_stays_in_view_while_typing_at_the_top_of_a_long_step(page, cast):
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(step_path(cast))
    box(page, first).scroll_into_view_if_needed()
    box(page, first).click()
    page.keyboard.type("Ett svar högst upp.")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Sparat", timeout=10_000)
    bounds = status.bounding_box()
    assert bounds is not None
    assert bounds["y"] >= 0, "the status bar is above the view"
    assert bounds["y"] + bounds["height"] <= 700, "the status bar is below the view"
    expect(page.locator(f"#status-{first}")).to_contain_text("Sparat")
    expect(page.locator(f"#meta-{first}")).to_contain_text("Senast ändrat av Tove Tjänsteperson")


def test_a_slow_save_returning_does_not_hide_keystrokes_still_queued(page, cast):
    """On a slow network the first autosave returns while newer text waits: leaving must still warn."""
    first = questions()[0].code
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(step_path(cast))
    held = []
    page.route(
        "**/problem-och-behov/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    box(page, first).click()
    page.keyboard.type("Första meningen.")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the first autosave was never sent"
    page.keyboard.type(" Andra meningen.")
    page.wait_for_timeout(2000)  # the second autosave is queued behind the first
    held[0].continue_()
    expect(page.locator(f"#status-{first}")).to_contain_text("Sparat", timeout=10_000)

    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"], "closing the tab with unsaved keystrokes did not warn"
    assert not page.is_closed()

    for _ in range(50):
        if len(held) == 2:
            break
        page.wait_for_timeout(100)
    held[1].continue_()
    page.wait_for_timeout(1000)
    assert stored(cast, first) == "Första meningen. Andra meningen."
    watcher = page.context.new_page()
    page.close(run_before_unload=True)
    watcher.wait_for_timeout(500)
    assert dialogs == ["beforeunload"], "everything is saved, yet leaving warned"
    assert page.is_closed()

"""Real-browser tests: Playwright driving Debian's Chromium, axe-core on every page visited."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    browser_items = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        # One worker drives all browser tests, so each worker starts Chromium at most once.
        item.add_marker(pytest.mark.xdist_group("browser"))
    if os.environ.get("CI") == "true":
        return
    if os.environ.get("PORTAL_SKIP_BROWSER") == "1" or not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for browser tests and is missing at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def allow_status(page, status: int) -> None:  # type: ignore[no-untyped-def]
    """Say that a page answers `status` on purpose, so the browser's log line is no error."""
    page.allowed_statuses.add(status)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    page = context.new_page()
    # A conflicting save answers 409 on purpose; the browser logs every non-2xx document.
    page.allowed_statuses = {409}
    errors: list[str] = []

    def _expected(message: str) -> bool:
        return any(f"status of {status}" in message for status in page.allowed_statuses)

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not _expected(msg.text) else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or CSP violations in the browser: {errors}"


_AXE_SOURCE: str | None = None


def axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python

        _AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    return _AXE_SOURCE


def assert_reflows(page) -> None:  # type: ignore[no-untyped-def]
    """At 320 CSS pixels the page needs no horizontal scrolling (WCAG 1.4.10 Reflow)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        overflow = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                return Array.from(document.querySelectorAll("body *"))
                    .filter(el => el.getBoundingClientRect().right > width + 1)
                    .slice(0, 5)
                    .map(el => el.outerHTML.slice(0, 160));
            }"""
        )
    finally:
        if size:
            page.set_viewport_size(size)
    assert not overflow, f"{page.url} scrolls sideways at 320 px; too wide:\n" + "\n".join(overflow)


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page as it is now: zero WCAG 2.1 A/AA violations, and it reflows at 320 px."""
    # After a click that navigates, the next page may not have a document yet: wait until it has loaded.
    page.wait_for_load_state()
    assert_reflows(page)
    page.evaluate(axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(n["html"][:200] for n in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe found WCAG 2.1 A/AA violations on {page.url}:\n{report}"


def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/logga-in/")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def visit(page, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None, f"{path} gave no response"
    assert response.status == 200, f"{path} answered {response.status}"
    assert_accessible(page)


def closing_warns(page) -> bool:  # type: ignore[no-untyped-def]
    """Close the tab as a person would; True if the browser first asked whether to leave."""
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    watcher = page.context.new_page()  # waits while the closing page may be gone
    page.close(run_before_unload=True)
    watcher.wait_for_timeout(700)
    watcher.close()
    return dialogs == ["beforeunload"]

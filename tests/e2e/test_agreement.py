"""The shared agreement in a real browser, with axe on every page: write, review, comment, approve, compare."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Agreement as AgreementModel
from collaboration.models import AgreementComment, AgreementState, Approval, Question
from tests.collaboration.agreement_helpers import sent
from tests.collaboration.helpers import write_answer
from tests.e2e.conftest import allow_status, assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def switch_to(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_draft_review_comment_approve_edit_and_compare(page, cast):
    write_answer(
        cast.collaboration,
        Question.objects.get(code="problem-och-behov-problem"),
        "Många barn i Centrum saknar någon som kan hjälpa dem med läxorna.",
        cast.officer,
        cast.kommun,
    )
    detail = reverse("agreement_detail", args=[cast.collaboration.code])

    # The officer drafts from the process, writes a section and sends version 1.
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(reverse("collaboration_detail", args=[cast.collaboration.code]))
    expect(page.get_by_text("Ingen avsiktsförklaring än")).to_be_visible()
    page.get_by_role("link", name="Avsiktsförklaring", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Skapa utkast från processen").click()
    expect(page.get_by_label("Bakgrund och problembild")).to_have_value(re.compile("saknar någon som kan hjälpa"))
    assert_accessible(page)
    page.get_by_label("Målbild och syfte").fill("Fler barn når målen i svenska och matematik.")
    expect(page.locator("#autosave-status")).to_contain_text("Sparat", timeout=10_000)
    page.get_by_role("button", name="Spara och skicka för granskning").click()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka version 1 för granskning").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 är skickad för granskning")
    assert_accessible(page)

    # The board member reads it, comments on a section and approves for the association.
    switch_to(page, cast.board_member.email)
    page.goto(reverse("home"))
    expect(page.get_by_text("Avsiktsförklaring för granskning (version 1)")).to_be_visible()
    page.goto(reverse("agreement_version", args=[cast.collaboration.code, 1]))
    expect(page.get_by_text("Fler barn når målen i svenska och matematik.")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Kommentera ”Målbild och syfte”").click()
    page.locator("#kommentar-malbild-och-syfte").get_by_label("Din kommentar").fill("Hur följer vi upp det?")
    page.locator("#kommentar-malbild-och-syfte").get_by_role("button", name="Publicera kommentaren").click()
    expect(page.locator(".messages")).to_contain_text("Din kommentar är publicerad")
    expect(page.get_by_role("article", name=re.compile("Kommentar av Bo Styrelse"))).to_contain_text(
        "Hur följer vi upp det?"
    )
    assert_accessible(page)
    assert AgreementComment.objects.get().section_slug == "malbild-och-syfte"
    page.get_by_label("Beslut (frivilligt)").fill("Styrelsemöte 2026-11-20, § 7")
    page.get_by_role("button", name="Godkänn version 1").click()
    expect(page.locator(".messages")).to_contain_text("Föreningen Läxhjälp har godkänt version 1")
    expect(page.get_by_role("table").first).to_contain_text("Styrelsemöte 2026-11-20, § 7")
    assert_accessible(page)

    # The officer edits: the association's approval no longer counts, and the page says so.
    switch_to(page, cast.officer.email)
    page.goto(reverse("agreement_edit", args=[cast.collaboration.code]))
    expect(page.get_by_text("Ändrar du texten nu blir den ett nytt utkast")).to_be_visible()
    page.get_by_label("Målbild och syfte").fill("Fler barn når målen i svenska och matematik i årskurs 6.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Godkännandena av version 1 gäller inte längre").first).to_be_visible()
    assert_accessible(page)
    page.goto(detail)
    expect(page.get_by_text("Godkännandena av version 1 gäller inte längre")).to_be_visible()
    assert AgreementModel.objects.get().state == AgreementState.UTKAST

    # The comparison shows the added words, with text for screen readers.
    page.goto(reverse("agreement_diff", args=[cast.collaboration.code]))
    assert_accessible(page)
    expect(page.locator("ins").first).to_contain_text("Tillagt: i årskurs 6")
    page.get_by_text("Visa texten").first.click()
    assert_accessible(page)


def test_approving_by_keyboard_only(page, cast):
    sent(cast, {"malgrupp": "Barn i årskurs 4–6."})

    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(reverse("agreement_version", args=[cast.collaboration.code, 1]))
    assert_accessible(page)
    # Tab to the decision box, type, and press Enter on the approve button: no mouse.
    page.get_by_label("Beslut (frivilligt)").focus()
    page.keyboard.type("Delegationsbeslut 2026:14")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Godkänn version 1" in focused
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Halmstads kommun har godkänt version 1")
    assert_accessible(page)
    approval = Approval.objects.get()
    assert approval.decision_reference == "Delegationsbeslut 2026:14"
    assert approval.approved_by == cast.coordinator


def test_party_details_and_the_locked_page(page, cast):
    """A party's own details page, and what an adopted agreement's editing page says: both pass axe."""
    from collaboration.agreement import approval

    _, version = sent(cast, {"malgrupp": "Barn."})
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(reverse("agreement_detail", args=[cast.collaboration.code]))
    page.get_by_role("link", name="Ändra uppgifterna för Halmstads kommun").click()
    page.wait_for_url("**/parter/**")
    assert_accessible(page)
    page.get_by_label("Diarienummer (om ni har ett)").fill("KS 2026/123")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("table").nth(1)).to_contain_text("KS 2026/123")

    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    page.goto(reverse("agreement_edit", args=[cast.collaboration.code]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Avsiktsförklaringen är fastställd")
    assert_accessible(page)


def test_a_party_without_approvers_is_named_and_its_paper_decision_registered(page, cast):
    """Equmeniakyrkan has nobody in the portal: the kommun's coordinator registers its board's decision."""
    from collaboration.models import PartyState
    from tests.collaboration.helpers import send_version
    from tests.factories import OrganisationFactory, PartyFactory

    church = OrganisationFactory(name="Equmeniakyrkan Halmstad")
    PartyFactory(collaboration=cast.collaboration, organisation=church, state=PartyState.ACCEPTED)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)

    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(reverse("agreement_version", args=[cast.collaboration.code, 1]))
    expect(page.get_by_role("heading", name="En part har ingen som kan godkänna i portalen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Bjud in någon som kan godkänna för Equmeniakyrkan Halmstad").click()
    expect(page.get_by_label("E-postadress")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name=re.compile("registrera ett godkännande som Equmeniakyrkan Halmstad")).click()
    assert_accessible(page)
    page.get_by_label("Vem fattade beslutet?").fill("Maja Ordförande")
    page.get_by_label("Personens roll i organisationen").fill("Ordförande")
    page.get_by_label("Beslutsdatum").fill(version.created_at.date().isoformat())
    page.get_by_label("Beslut", exact=True).fill("Styrelseprotokoll 2026-11-24 § 7")
    page.get_by_label("Kontrollsumman i beslutet").fill("0000000000000")
    allow_status(page, 400)  # the wrong hash is refused on purpose
    page.get_by_role("button", name="Registrera godkännandet").click()
    # A wrong hash: the message at the top and at the field, and what was typed stays.
    expect(page.locator(".error-summary")).to_contain_text("Kontrollsumman stämmer inte med version 1")
    expect(page.get_by_label("Vem fattade beslutet?")).to_have_value("Maja Ordförande")
    assert_accessible(page)
    page.get_by_label("Kontrollsumman i beslutet").fill(version.sha256[:16])
    page.get_by_label("Jag har sett beslutet och det gäller just den här versionen.").check()
    page.get_by_role("button", name="Registrera godkännandet").click()
    expect(page.locator(".messages")).to_contain_text("Godkännandet från Equmeniakyrkan Halmstad är registrerat")
    expect(page.locator("#godkannanden + table")).to_contain_text(
        "registrerat av Sam Samordnare (Halmstads kommun) för Equmeniakyrkan Halmstad"
    )
    assert_accessible(page)
    assert Approval.objects.get(organisation=church).is_registered


def test_the_pages_that_refuse_a_pdf_say_why_and_lead_back(page, cast, settings):
    """Too long, too slow, a failed layout and a tampered version: each refusal is a page of its own that passes axe and leads back."""
    from collaboration.agreement import approval, drafting
    from collaboration.models import AgreementVersion
    from tests.collaboration.helpers import MODEL, send_version, write_sections

    code = cast.collaboration.code
    sign_in(page, cast.officer.email, PASSWORD)
    allow_status(page, 422)
    allow_status(page, 409)

    # Too slow: any layout stopped at once (stands in for text slow in a way not foreseen).
    settings.PDF_RENDER_SECONDS = 0.001
    page.goto(reverse("checklist_pdf", args=[code, MODEL]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentet tog för lång tid att skapa som PDF")
    expect(page.get_by_role("alert")).to_contain_text("all text finns kvar som den skrevs")
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka", exact=True).click()
    page.wait_for_url(f"**{reverse('guide_review', args=[code, MODEL])}")
    settings.PDF_RENDER_SECONDS = 60

    # A layout process that failed (out of memory, killed from outside).
    from unittest import mock

    from collaboration.documents import pdf_layout

    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=pdf_layout.LayoutFailed("killed")):
        page.goto(reverse("checklist_pdf", args=[code, MODEL]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentet kunde inte skapas som PDF")
    expect(page.get_by_role("alert")).to_contain_text("all text finns kvar som den skrevs")
    assert_accessible(page)

    # Too long: every section of the draft full of one-letter lines.
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, {s.slug: "a\n" * 9_999 for s in drafting.text_sections()}, cast.officer, cast.kommun)
    page.goto(reverse("agreement_draft_pdf", args=[code]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentet blir för långt för att skapas som PDF")
    expect(page.get_by_role("alert")).to_contain_text("högst 80 sidor")
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka", exact=True).click()
    page.wait_for_url(f"**{reverse('agreement_edit', args=[code])}")

    # An adopted version whose stored text no longer matches its hash.
    write_sections(agreement, {s.slug: "Barn och unga." for s in drafting.text_sections()}, cast.officer, cast.kommun)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    AgreementVersion.objects.filter(pk=version.pk).update(content=version.content.replace("Barn", "Vuxna"))
    page.goto(reverse("agreement_version_pdf", args=[code, version.number]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Version {version.number} kunde inte kontrolleras")
    expect(page.get_by_role("alert")).to_contain_text("stämmer inte med sin kontrollsumma")
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till avsiktsförklaringen").click()
    page.wait_for_url(f"**{reverse('agreement_detail', args=[code])}")

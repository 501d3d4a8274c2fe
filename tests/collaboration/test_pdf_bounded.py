"""No PDF download holds a server worker for long: a document is sized up before layout, and refused above the cap.

The cap (pdf.MAX_PAGES) is far above any agreement written in prose within the fields' limits; what it
stops is text made to be slow to lay out (tens of thousands of short lines). Very long words get break
opportunities before layout, which is where WeasyPrint spent its time on them (benchmark_pdf shows both).
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from collaboration import agreements, batch_export, pdf
from collaboration.forms import ANSWER_MAX_LENGTH
from collaboration.models import AgreementText, ExportStatus
from tests.collaboration.helpers import MODEL, questions, send_version, write_answer, write_sections
from tests.conftest import Cast
from tests.pdf_reading import page_count, text_of

pytestmark = pytest.mark.django_db

SHORT_LINES = "a\n" * 9_999  # within the fields' limit (20,000 characters), and 10,000 lines


def draft(cast: Cast, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    agreement = agreements.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, texts, cast.officer, cast.kommun)
    return agreement


def section_slugs() -> list[str]:
    return [s.slug for s in agreements.text_sections()]


def test_the_reviews_reproduction_is_refused_at_once_with_a_swedish_page(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    """Eleven sections of "a\\n" × 9,999: 30 s and a 500 (gunicorn's worker timeout) before; now refused unlaid."""
    agreement = draft(cast, {slug: SHORT_LINES for slug in section_slugs()})
    stored = dict(AgreementText.objects.filter(agreement=agreement).values_list("section__slug", "text"))
    with mock.patch("weasyprint.HTML", side_effect=AssertionError("laid out")) as layout:
        response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert not layout.called
    assert response.status_code == 422
    page = response.content.decode()
    assert "Dokumentet blir för långt för att skapas som PDF" in page
    assert f"högst {pdf.MAX_PAGES} sidor" in page
    assert "all text finns kvar som den skrevs" in page
    # The text stays exactly as typed.
    assert dict(AgreementText.objects.filter(agreement=agreement).values_list("section__slug", "text")) == stored
    assert all(text == SHORT_LINES for text in stored.values())


def test_a_version_sent_with_such_text_is_refused_too_and_the_review_continues(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    version = send_version(
        cast.collaboration, cast.officer, cast.kommun, {slug: SHORT_LINES for slug in section_slugs()}
    )
    response = officer_client.get(reverse("agreement_version_pdf", args=[cast.collaboration.code, version.number]))
    assert response.status_code == 422
    assert officer_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).status_code == 200


def test_blank_lines_count_like_any_other(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    draft(cast, {slug: "\n" * (ANSWER_MAX_LENGTH - 1) for slug in section_slugs()})
    with mock.patch("weasyprint.HTML", side_effect=AssertionError("laid out")):
        response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 422


def test_a_checklist_made_too_long_is_refused_and_links_back_to_the_review(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    for question in questions()[:2]:
        write_answer(cast.collaboration, question, SHORT_LINES, cast.officer, cast.kommun)
    # Two answers: about 420 pages of one-letter lines.
    response = officer_client.get(reverse("checklist_pdf", args=[cast.collaboration.code, MODEL]))
    assert response.status_code == 422
    assert reverse("guide_review", args=[cast.collaboration.code, MODEL]) in response.content.decode()


def test_the_longest_agreement_in_prose_that_the_fields_allow_is_made(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    """The cap stops what is made to be slow, not what people write: every section full, in sentences."""
    sentence = "Föreningen och kommunen ses varje månad och följer upp läxhjälpen tillsammans med skolorna. "
    full = (sentence * (ANSWER_MAX_LENGTH // len(sentence) + 1))[:ANSWER_MAX_LENGTH]
    draft(cast, {slug: full for slug in section_slugs()})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 40 < page_count(response.content) <= pdf.MAX_PAGES


def test_very_long_words_get_break_opportunities_and_read_the_same(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    word = "Samverkansöverenskommelseuppföljningsdokumentationsgrupp" * 10  # 560 letters, no space
    draft(cast, {"malgrupp": word})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    text = "".join(text_of(response.content).split()).replace("\u200b", "")
    assert word in text


def test_breakable_changes_only_long_runs_of_body_text() -> None:
    sha = "3797663ffad91a6524c4b37923df07d72cfeb1ffb0691ce66f1772d893dcc595"
    long_run = "x" * 100
    html = (
        f'<html><head><title>{long_run}</title></head><body class="{long_run}">'
        f"<p>{sha}</p><p>{long_run}</p><p>{'&amp;' * 80}</p><p>kort text</p></body></html>"
    )
    out = pdf.breakable(html)
    assert f"<title>{long_run}</title>" in out  # the document's title is left alone
    assert f'class="{long_run}"' in out  # markup and attributes too
    assert f"<p>{sha}</p>" in out  # a SHA-256 stays whole, on one line
    assert f"<p>{'x' * pdf.BREAK_EVERY}\u200b{'x' * pdf.BREAK_EVERY}\u200b" in out
    # Entities stay whole.
    assert "&am\u200b" not in out
    assert "&amp;\u200b&amp;" in out
    assert "<p>kort text</p>" in out


def test_the_batch_export_leaves_out_a_document_over_the_cap_and_says_so(cast: Cast) -> None:
    version = send_version(
        cast.collaboration, cast.officer, cast.kommun, {slug: SHORT_LINES for slug in section_slugs()}
    )
    agreements.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    agreements.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=[cast.collaboration]
    )
    batch_export.build(export)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY

"""No PDF download holds a server worker for long: a document is sized up before layout, and refused above the cap.

The cap (print_text.MAX_PAGES) is far above any agreement written in prose within the fields' limits; what it
stops is text made to be slow to lay out (tens of thousands of short lines). Very long words get break
opportunities before layout, which is where WeasyPrint spent its time on them (benchmark_pdf shows both).
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import zipfile
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from collaboration import print_text
from collaboration.agreement import approval, drafting, versions
from collaboration.cowriting.forms import ANSWER_MAX_LENGTH
from collaboration.documents import batch_export
from collaboration.models import AgreementState, AgreementText, ExportStatus
from tests.collaboration.helpers import MODEL, questions, send_version, write_answer, write_sections
from tests.conftest import Cast
from tests.pdf_reading import page_count, text_of

pytestmark = pytest.mark.django_db

SHORT_LINES = "a\n" * 9_999  # within the fields' limit (20,000 characters), and 10,000 lines


def draft(cast: Cast, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, texts, cast.officer, cast.kommun)
    return agreement


def section_slugs() -> list[str]:
    return [s.slug for s in drafting.text_sections()]


def test_the_reviews_reproduction_is_refused_at_once_with_a_swedish_page(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    """Eleven sections of "a\\n" × 9,999: 30 s and a 500 (gunicorn's worker timeout) before; now refused unlaid."""
    agreement = draft(cast, {slug: SHORT_LINES for slug in section_slugs()})
    stored = dict(AgreementText.objects.filter(agreement=agreement).values_list("section__slug", "text"))
    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=AssertionError("laid out")) as layout:
        response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert not layout.called
    assert response.status_code == 422
    page = response.content.decode()
    assert "Dokumentet blir för långt för att skapas som PDF" in page
    assert f"högst {print_text.MAX_PAGES} sidor" in page
    assert "all text finns kvar som den skrevs" in page
    # The text stays exactly as typed.
    assert dict(AgreementText.objects.filter(agreement=agreement).values_list("section__slug", "text")) == stored
    assert all(text == SHORT_LINES for text in stored.values())


def sent_before_the_check(cast: Cast, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    """A version sent before sending checked its length (`agreement_send` refuses such a text now)."""
    with mock.patch.object(print_text, "estimate_text_pages", return_value=1):
        return send_version(cast.collaboration, cast.officer, cast.kommun, texts)


def test_a_draft_too_long_to_print_is_not_sent_and_stays_as_typed(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    """A version that could never be printed or archived is never sent: adopted, it would have no PDF at all."""
    agreement = draft(cast, {slug: SHORT_LINES for slug in section_slugs()})
    response = officer_client.post(reverse("agreement_send", args=[cast.collaboration.code]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("agreement_edit", args=[cast.collaboration.code])
    page = response.content.decode()
    assert f"Avsiktsförklaringen blir längre än {print_text.MAX_PAGES} sidor" in page
    assert "Texten är kvar som den skrevs." in page
    agreement.refresh_from_db()
    assert agreement.latest_version is None
    assert agreement.state == AgreementState.UTKAST
    assert set(AgreementText.objects.filter(agreement=agreement).values_list("text", flat=True)) == {SHORT_LINES}
    # Shortened, it is sent.
    write_sections(agreement, {slug: "Kort text." for slug in section_slugs()}, cast.officer, cast.kommun)
    outcome, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert outcome is versions.SendOutcome.SENT
    assert version is not None


def test_the_send_check_counts_like_the_pdf_does() -> None:
    assert print_text.estimate_text_pages([SHORT_LINES] * 11) > print_text.MAX_PAGES
    sentence = "Föreningen och kommunen ses varje månad och följer upp läxhjälpen tillsammans med skolorna. "
    full = (sentence * (ANSWER_MAX_LENGTH // len(sentence) + 1))[:ANSWER_MAX_LENGTH]
    assert print_text.estimate_text_pages([full] * 11) <= print_text.MAX_PAGES  # every section full of prose is sent


def test_a_version_sent_with_such_text_is_refused_too_and_the_review_continues(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    version = sent_before_the_check(cast, {slug: SHORT_LINES for slug in section_slugs()})
    response = officer_client.get(reverse("agreement_version_pdf", args=[cast.collaboration.code, version.number]))
    assert response.status_code == 422
    assert officer_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).status_code == 200


def test_blank_lines_count_like_any_other(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    draft(cast, {slug: "\n" * (ANSWER_MAX_LENGTH - 1) for slug in section_slugs()})
    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=AssertionError("laid out")):
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
    assert 40 < page_count(response.content) <= print_text.MAX_PAGES


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
    out = print_text.printable(html)
    assert f"<title>{long_run}</title>" in out  # the document's title is left alone
    assert f'class="{long_run}"' in out  # markup and attributes too
    assert f"<p>{sha}</p>" in out  # a SHA-256 stays whole, on one line
    assert f"<p>{'x' * print_text.BREAK_EVERY}\u200b{'x' * print_text.BREAK_EVERY}\u200b" in out
    # Entities stay whole.
    assert "&am\u200b" not in out
    assert "&amp;\u200b&amp;" in out
    assert "<p>kort text</p>" in out


def test_the_batch_export_leaves_out_a_document_over_the_cap_and_says_so(cast: Cast) -> None:
    version = sent_before_the_check(cast, {slug: SHORT_LINES for slug in section_slugs()})
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=[cast.collaboration]
    )
    batch_export.build(export)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    rows = index_rows(export)
    assert rows[1][0] == cast.collaboration.title
    # The row still names the parties the version names, so the coordinator knows which agreement is missing.
    assert cast.forening.name in rows[1][1]
    assert cast.kommun.name in rows[1][1]
    assert rows[1][-1].startswith("Inte med: dokumentet blir cirka")
    assert len(zip_names(export)) == 1  # the index only


def index_rows(export) -> list[list[str]]:  # type: ignore[no-untyped-def]
    with default_storage.open(export.file, "rb") as stored:
        raw = zipfile.ZipFile(stored).read("index.csv")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def zip_names(export) -> list[str]:  # type: ignore[no-untyped-def]
    with default_storage.open(export.file, "rb") as stored:
        return zipfile.ZipFile(stored).namelist()


# Text made to be slow to lay out in ways the page estimate does not see: each is evened out for print.
# (How long each takes is benchmark_pdf's business; here: what is printed, and that it is printed.)


def test_a_letter_keeps_a_few_accents_in_print_and_the_text_keeps_them_all(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    """One letter with 19,999 combining marks in every section: 28 s of layout before; now a few marks are printed."""
    zalgo = "a" + "\u0301" * (ANSWER_MAX_LENGTH - 1)
    agreement = draft(cast, {slug: zalgo for slug in section_slugs()})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    assert page_count(response.content) <= 3
    printed = text_of(response.content)
    assert "\u0301" * print_text.MAX_MARKS in printed
    assert "\u0301" * (print_text.MAX_MARKS + 1) not in printed
    # Stored as typed.
    assert set(AgreementText.objects.filter(agreement=agreement).values_list("text", flat=True)) == {zalgo}


def test_vietnamese_and_pointed_hebrew_keep_every_mark() -> None:
    text = "Tiếng Việt: người, đường, Nguyễn. עִבְרִית: בְּרֵאשִׁית."
    html = f"<html><body><p>{text}</p></body></html>"
    assert print_text.printable(html) == html


def test_words_joined_by_no_break_spaces_get_break_opportunities(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    joined = ("ord\u00a0" * ANSWER_MAX_LENGTH)[:ANSWER_MAX_LENGTH]
    html = print_text.printable(f"<html><body><p>{joined}</p><p>10\u00a0000\u00a0kr</p></body></html>")
    assert "\u200b" in html
    assert "<p>10\u00a0000\u00a0kr</p>" in html  # a short no-break group is left as it is
    # The whole document is laid out and still reads the same.
    draft(cast, {"malgrupp": joined})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    assert "ordordord" in "".join(text_of(response.content).split()).replace("\u200b", "")


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_a_long_run_of_spaces_or_tabs_prints_as_a_few_spaces(cast: Cast, officer_client, blank: str) -> None:  # type: ignore[no-untyped-def]
    typed = "början" + blank * (ANSWER_MAX_LENGTH - 20) + "slut"
    html = print_text.printable(f"<html><body><p>{typed}</p></body></html>")
    assert f"<p>början{' ' * print_text.MAX_BLANKS}slut</p>" in html
    assert (
        print_text.printable("<html><body><pre>a\t\tb   c</pre></body></html>")
        == "<html><body><pre>a\t\tb   c</pre></body></html>"
    )
    agreement = draft(cast, {slug: typed for slug in section_slugs()})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    assert page_count(response.content) <= 3
    assert set(AgreementText.objects.filter(agreement=agreement).values_list("text", flat=True)) == {typed}


# The hard limit: whatever the text, a layout that takes longer than settings.PDF_RENDER_SECONDS is stopped.


def test_a_layout_over_the_time_limit_is_stopped_with_a_swedish_page_and_nothing_changes(  # type: ignore[no-untyped-def]
    cast: Cast, officer_client, settings
) -> None:
    settings.PDF_RENDER_SECONDS = 0.001  # shorter than any layout: stands in for text slow in a way not foreseen
    agreement = draft(cast, {"malgrupp": "Unga vuxna i Halmstad."})
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Dokumentet tog för lång tid att skapa som PDF" in page
    assert "all text finns kvar som den skrevs" in page
    assert reverse("agreement_edit", args=[cast.collaboration.code]) in page
    assert AgreementText.objects.get(agreement=agreement, section__slug="malgrupp").text == "Unga vuxna i Halmstad."
    # The layout process was stopped, not left running.
    assert multiprocessing.active_children() == []
    # With time enough, the same document is made.
    settings.PDF_RENDER_SECONDS = 60
    assert officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code])).status_code == 200


def test_a_checklist_over_the_time_limit_gets_the_same_page(cast: Cast, officer_client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PDF_RENDER_SECONDS = 0.001
    response = officer_client.get(reverse("checklist_pdf", args=[cast.collaboration.code, MODEL]))
    assert response.status_code == 422
    assert "Dokumentet tog för lång tid att skapa som PDF" in response.content.decode()


def test_an_adopted_version_is_made_ahead_by_the_task_worker_and_served_from_storage(  # type: ignore[no-untyped-def]
    cast: Cast, officer_client, settings, django_capture_on_commit_callbacks
) -> None:
    """Adopting hands both PDFs to the task worker (its own, longer limit): no download of them waits for layout."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Unga vuxna."})
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    code = cast.collaboration.code
    assert not default_storage.exists(f"pdf/agreements/{code}")
    with django_capture_on_commit_callbacks(execute=True):  # the tests' task backend runs it at once
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    kept = sorted(default_storage.listdir(f"pdf/agreements/{code}")[1])
    assert len(kept) == 2
    assert any("arkiv" in name for name in kept)
    settings.PDF_RENDER_SECONDS = 0.001  # nothing could be laid out on request from here on
    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=AssertionError("laid out")):
        plain = officer_client.get(reverse("agreement_version_pdf", args=[code, version.number]))
        archive = officer_client.get(reverse("agreement_archive_pdf", args=[code, version.number]))
    assert plain.status_code == 200
    assert archive.status_code == 200
    assert "Fastställd" in text_of(plain.content)
    assert "Unga vuxna." in text_of(archive.content)
    assert page_count(archive.content) >= 1


def test_the_batch_export_has_the_task_workers_limit_not_a_requests(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    version = send_version(cast.collaboration, cast.officer, cast.kommun, {"malgrupp": "Unga vuxna."})
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    settings.PDF_RENDER_SECONDS = 0.001
    settings.PDF_TASK_RENDER_SECONDS = 60
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=[cast.collaboration]
    )
    batch_export.build_agreement_export.call(export_id=export.pk)
    export.refresh_from_db()
    assert len(zip_names(export)) == 2  # the agreement and the index

    settings.PDF_TASK_RENDER_SECONDS = 0.001
    for kept in default_storage.listdir(f"pdf/agreements/{cast.collaboration.code}")[1]:
        default_storage.delete(f"pdf/agreements/{cast.collaboration.code}/{kept}")  # not kept: made again
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=[cast.collaboration]
    )
    batch_export.build_agreement_export.call(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert zip_names(export) == ["index.csv"]
    assert index_rows(export)[1][-1].startswith("Inte med: dokumentet tog längre tid än")

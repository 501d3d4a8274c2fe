"""The bounded PDF work, attacked: text that slips past the estimate, refusals asked for again, a failing or
abandoned layout child, and what evening the text out must never change.

None of these lays out a slow document: where a test needs to know whether layout was reached, `lay_out`
is replaced. How long each attack took before and takes now is benchmark_pdf's business (README).
"""

from __future__ import annotations

import time
import unicodedata
from unittest import mock

import pytest
from django.urls import reverse

from collaboration import print_text
from collaboration.agreement import drafting
from collaboration.cowriting.forms import ANSWER_MAX_LENGTH
from collaboration.documents import pdf, pdf_layout
from tests.collaboration.helpers import write_sections
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def draft(cast: Cast, texts: dict[str, str]):  # type: ignore[no-untyped-def]
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, texts, cast.officer, cast.kommun)
    return agreement


def section_slugs() -> list[str]:
    return [s.slug for s in drafting.text_sections()]


def estimate(text: str, sections: int = 11) -> int:
    body = "".join(f'<section><h2>Avsnitt</h2><p class="agreement-text">{text}</p></section>' for _ in range(sections))
    return print_text.estimate_pages(
        print_text.printable(f"<html><head><title>t</title></head><body>{body}</body></html>")
    )


# 1. Line breaks the estimate does not see ---------------------------------------------------------------
#
# The HTML parser turns a lone CR into a line feed, and Pango breaks the line at U+2028 and U+2029; with
# `white-space: pre-wrap` each is a line of its own. estimate_pages splits on "\n" only, so "a\r" × 9,999
# counts as one 20,000-character line (286 lines) instead of 9,999 lines. Measured (11 sections,
# PDF_RENDER_SECONDS=120): "a\r" × 9,999 and "a\u2028" × 9,999 were still laying out after 120 s
# ("a\n" × 9,999 is refused in 30 ms); "a\u2029" × 9,999 more than 20 s. MultilineField only folds CRLF,
# so a lone CR posted directly is stored as typed; U+2028 comes in by pasting.

SEPARATORS = {"CR": "\r", "LINE SEPARATOR": "\u2028", "PARAGRAPH SEPARATOR": "\u2029"}


@pytest.mark.parametrize("separator", list(SEPARATORS.values()), ids=list(SEPARATORS))
def test_every_line_break_the_layout_makes_is_counted(separator: str) -> None:
    as_newlines = estimate("a\n" * 9_999)
    assert as_newlines > print_text.MAX_PAGES  # refused, as the README says
    assert estimate(f"a{separator}" * 9_999) >= as_newlines


@pytest.mark.parametrize("separator", list(SEPARATORS.values()), ids=list(SEPARATORS))
def test_a_draft_of_lone_line_breaks_is_refused_before_layout(cast: Cast, officer_client, separator: str) -> None:  # type: ignore[no-untyped-def]
    draft(cast, {slug: f"a{separator}" * 9_999 for slug in section_slugs()})
    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=AssertionError("laid out")) as layout:
        response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert not layout.called, "10,000 lines per section reached the layout child (over 120 s of layout)"
    assert response.status_code == 422


def test_a_lone_carriage_return_posted_is_stored_as_a_line_break() -> None:
    """What a script posts (or an old Mac pastes): a lone CR is a line break like any other."""
    from portal.text import MultilineField

    field = MultilineField(required=False, strip=False, max_length=ANSWER_MAX_LENGTH)
    assert field.clean("a\r" * 9_999) == "a\n" * 9_999
    assert field.clean("a\r\nb\rc\nd") == "a\nb\nc\nd"


# 2. Width the estimate does not see --------------------------------------------------------------------
#
# The estimate takes 70 characters a line whatever they are. A tab is 8 columns in pre-wrap and
# printable() keeps runs of up to 16 blanks, so 16 tabs + "x" is one full line for 17 characters.
# Measured with 11 sections (review/bench.py): "\t" × 16 + "x" see the report; "\tx" × 10,000 laid out
# 114 pages (estimate 68, cap 80) in 7.7 s; "WWWWWWW " 95 pages; U+2E3B (three-em dash) more than 20 s.


def test_sixteen_tabs_a_line_are_counted_as_lines() -> None:
    text = ("\t" * 16 + "x") * (ANSWER_MAX_LENGTH // 17)
    # Each "\t" * 16 + "x" fills a 174 mm line (16 × 8 columns): 1,176 lines a section.
    assert estimate(text) > print_text.MAX_PAGES


# 3. Refusals that are not remembered ---------------------------------------------------------------------
#
# A document stopped after PDF_RENDER_SECONDS is laid out again, for the full time, on every request:
# the same unchanged draft costs a worker and a CPU core 6 s per click (or per script request).


def test_a_document_too_slow_once_is_not_laid_out_again_for_the_same_text(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    draft(cast, {"malgrupp": "Kort text."})
    url = reverse("agreement_draft_pdf", args=[cast.collaboration.code])
    with mock.patch("collaboration.documents.pdf_layout.lay_out", side_effect=pdf_layout.LayoutTimedOut(6.0)) as layout:
        assert officer_client.get(url).status_code == 422
        assert officer_client.get(url).status_code == 422
        assert officer_client.head(url).status_code == 422
    assert layout.call_count == 1, f"laid out {layout.call_count} times for one unchanged text"


# 4. A child that fails is a 500, not the Swedish page ------------------------------------------------------
#
# LayoutFailed (the child ran out of its 2 GB, crashed, or was killed from outside) is caught nowhere: the
# download answers 500, and in the batch export one such agreement fails the whole export.


def test_a_failed_layout_child_gives_the_swedish_page_not_a_500(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    draft(cast, {"malgrupp": "Kort text."})
    officer_client.raise_request_exception = False
    with mock.patch(
        "collaboration.documents.pdf_layout.lay_out",
        side_effect=pdf_layout.LayoutFailed("The PDF layout process ended with exit code -9"),
    ):
        response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 422
    assert "Dokumentet kunde inte skapas som PDF" in response.content.decode()
    assert "all text finns kvar som den skrevs" in response.content.decode()


# 6. printable() changes what is printed ---------------------------------------------------------------------


def test_a_zero_width_space_never_separates_a_letter_from_its_accent() -> None:
    """Swedish in decomposed form (NFD: "a" + U+030A for "å", as macOS pastes and some PDFs give) with its words
    joined by no-break spaces (pasted from a web page or Word): the zero-width space lands between a letter
    and its ring, which then prints on its own (a dotted circle, "va​̊ren")."""

    typed = "och kommunen går samman för läxhjälp och läsfrämjande på skolorna i Söder under våren och hösten år"
    run = unicodedata.normalize("NFD", typed.replace(" ", "\u00a0"))
    out = print_text.printable(f"<html><body><p>{run}</p></body></html>")
    after_breaks = [piece[0] for piece in out.split("\u200b")[1:]]
    assert after_breaks, "no break inserted"
    assert not any(unicodedata.combining(first) for first in after_breaks)


def test_a_zero_width_space_never_splits_a_flag() -> None:
    """Regional-indicator pairs: a break after an odd number of code points pairs the wrong letters
    (SE SE SE … becomes S, ES, ES, …: Spanish flags instead of Swedish)."""
    run = "x" + "\U0001f1f8\U0001f1ea" * 40
    out = print_text.printable(f"<html><body><p>{run}</p></body></html>")
    for piece in out.split("<p>")[1].split("</p>")[0].split("\u200b")[1:]:
        assert piece[0] != "\U0001f1ea", "a break between S and E: the next flag reads E+S"


def test_a_url_keeps_no_invisible_characters() -> None:
    """A URL longer than 72 characters gets zero-width spaces: copied out of the PDF it no longer works."""
    url = "https://www.halmstad.se/download/18.4c0b5e1c17d3a9b2f1e2c3d4/1650000000000/Avsiktsforklaring-2026.pdf"
    out = print_text.printable(f"<html><body><p>Se {url}</p></body></html>")
    assert url in out


# 7. The child outlives an interrupted wait --------------------------------------------------------------------
#
# lay_out kills the child only when poll() times out. When the wait is interrupted (gunicorn's SIGQUIT/SIGINT
# or SIGABRT handlers raise SystemExit in the worker, a KeyboardInterrupt, any exception) the child runs on
# with no limit of its own. Measured: the web process SIGKILLed 6 s into "a\r" × 9,999 (PDF_RENDER_SECONDS=30):
# its child still ran at 85 % CPU 2 minutes later, 1.26 GB and growing, its forkserver reparented to init.


def test_the_child_is_stopped_when_the_wait_is_interrupted() -> None:
    import multiprocessing
    import multiprocessing.connection

    html = '<html><body><p style="white-space: pre-wrap">' + "a\r" * 9_999 + "</p></body></html>"
    job = pdf_layout.Job(html=html, base_url=pdf.BASE_URL, resources={})
    with (
        mock.patch.object(multiprocessing.connection.Connection, "poll", side_effect=SystemExit(0)),
        pytest.raises(SystemExit),
    ):
        pdf_layout.lay_out(job, seconds=6)
    time.sleep(1)
    running = [p for p in multiprocessing.active_children() if p.name == "pdf-layout"]
    for child in running:  # clean up after ourselves
        child.kill()
        child.join()
    assert running == [], "the layout child was left running after its parent stopped waiting"


def test_a_tibetan_stack_keeps_its_marks() -> None:
    """Subjoined letters are combining marks (Mn): a Sanskrit stack in Tibetan (HA + subjoined MA + subjoined YA +
    AA + U + RJES SU NGA RO) has five, and printable() drops the fifth, the nasal sign: another syllable in print."""
    stack = "\u0f67\u0fa8\u0fb1\u0f71\u0f74\u0f7e"
    html = f"<html><body><p>{stack}</p></body></html>"
    assert print_text.printable(html) == html

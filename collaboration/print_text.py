"""Text as it will print: evened out for layout, and how many pages it fills.

`printable` evens out what people typed so that no text can hold the PDF layout for long (see the notes
above the constants); `estimate_pages` and `estimate_text_pages` say how many pages a document or a text
fills before anything is laid out. The PDF renderer (`documents/pdf.py`) uses both on every document; the
agreement's workflow uses the estimate to refuse to send a draft that could never be printed.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata

from portal.text import BIDI_CONTROLS

# How much one request may lay out. WeasyPrint takes about 25–35 ms a page on the 2-core reference
# machine (benchmark_pdf), so the cap keeps the worst document a person can ask for near two seconds.
# The estimate is made from the document's HTML before any layout: every line of text (a line break in
# text people typed is kept, `white-space: pre-wrap`) counts, a long one as many lines as it wraps into.
MAX_PAGES = 80
CHARS_PER_LINE = 70  # fewer than the ~75 a line of the body text holds: the estimate errs long
LINES_PER_PAGE = 48  # fewer than the ~49 lines a page holds
_TAG = re.compile(r"<[^>]*>")


def estimate_pages(html: str) -> int:
    """A quick upper estimate of the pages `html` fills, without laying it out (linear in its length).

    `html` has been through `printable`, so every line break is a "\n". A line counts by its width: a tab
    as 8 characters, a wide letter (W, M, m, w, @) as 1.5, an East Asian wide character as 2.
    """
    lines = 0
    for line in html_module.unescape(_TAG.sub("", html)).split("\n"):
        lines += max(1, -(-_width(line.strip()) // CHARS_PER_LINE))
    return 1 + lines // LINES_PER_PAGE


# The pages an agreement's title block, parties and approvals take besides its sections, at most.
FRAME_PAGES = 6


def estimate_text_pages(texts: list[str]) -> int:
    """About how many pages `texts` (typed text, one paragraph each) fill in print, plus a document's frame.

    For checking a text before it is frozen (an agreement version is sent), with no template at hand.
    """
    body = "".join(f"<p>{html_module.escape(text)}</p>" for text in texts)
    return FRAME_PAGES + estimate_pages(printable(f"<html><body>{body}</body></html>"))


_WIDE_ASCII = "MWmw@"


def _width(line: str) -> int:
    width = len(line) + 7 * line.count("\t") + sum(line.count(c) for c in _WIDE_ASCII) // 2
    if not line.isascii():
        width += sum(1 for c in line if c >= "\u1100" and unicodedata.east_asian_width(c) in "WF")
    return width


# Text is evened out for print before it is laid out (`printable`); what people typed is stored as they typed it.
#
# * A run of text with no break opportunity longer than LONG_RUN gets one (a zero-width space) every
#   BREAK_EVERY characters. WeasyPrint finds a place to break a too-long word (`overflow-wrap: anywhere`) at
#   a cost of milliseconds per wrapped line: 220,000 characters of 100-letter words took 17 s to lay out, as
#   prose 2 s. Words joined by no-break spaces are such a run too (29 s before). LONG_RUN is longer than a
#   SHA-256 (64), which is printed whole on one line.
# * A letter keeps at most MAX_MARKS combining marks (accents): one letter with 19,999 of them in each
#   section took 28 s. Real writing stacks two or three (Vietnamese, pointed Hebrew), a Tibetan stack five.
# * Every line break the layout makes is a "\n" (a lone CR, U+2028, U+2029, NEL, VT, FF), so that the
#   estimate counts it: "a\r" × 9,999 in each section was still laying out after 120 s.
# * Bidirectional embedding and isolate controls are left out (the paragraph's direction is set from its
#   text): thousands of them took more than 30 s. Names are cleaned of them when typed (portal.text).
# * A zero-width space never goes inside a grapheme (before a mark, a joiner or a variation selector, inside
#   a flag), and a URL up to URL_KEPT_WHOLE characters gets none.
# * A run of more than MAX_BLANKS spaces and tabs on a line prints as MAX_BLANKS spaces: 19,998 spaces took
#   15 s, as many tabs more than 40 s.
LONG_RUN = 72
BREAK_EVERY = 36
MAX_MARKS = 6
MAX_BLANKS = 16
URL_KEPT_WHOLE = 2048  # a URL up to this long gets no zero-width space: copied out of the PDF, it still works
_BODY_TEXT = re.compile(r"(?s)(<body\b.*?>)(.*)(</body>)")
_TEXT_NODE = re.compile(r">([^<]+)<")
# Characters after which a line may break (spaces, tabs, line breaks, the breaking spaces of Unicode, ZWSP);
# a no-break space (U+00A0, U+2007, U+202F) is not one of them.
_BREAKING = " \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200b\u205f\u3000"
_LONG_RUN = re.compile(rf"(?:&[#0-9A-Za-z]+;|[^{_BREAKING}&]){{{LONG_RUN + 1},}}")
_UNIT = re.compile(r"&[#0-9A-Za-z]+;|.", re.S)
_BLANKS = re.compile(rf"[ \t]{{{MAX_BLANKS + 1},}}")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")
# The embeddings, overrides and isolates of portal.text's list; the marks (LRM, RLM) stay, they are single.
_BIDI_CONTROLS = re.compile("[" + "".join(sorted(BIDI_CONTROLS - {"\u200e", "\u200f"})) + "]")


def _fewer_marks(text: str) -> str:
    if text.isascii():
        return text
    kept: list[str] = []
    marks = 0
    for character in text:
        if character >= "\u0300" and unicodedata.category(character)[0] == "M":
            marks += 1
            if marks > MAX_MARKS:
                continue
        else:
            marks = 0
        kept.append(character)
    return "".join(kept)


def _joins_previous(unit: str) -> bool:
    """Whether `unit` belongs to the grapheme before it: a mark, a joiner, a variation selector, a skin tone."""
    first = unit[0]
    return (
        unicodedata.category(first)[0] == "M"
        or first in "\u200c\u200d"
        or "\ufe00" <= first <= "\ufe0f"
        or "\U000e0100" <= first <= "\U000e01ef"
        or "\U0001f3fb" <= first <= "\U0001f3ff"
        or "\U000e0020" <= first <= "\U000e007f"
    )


def _is_regional_indicator(unit: str) -> bool:
    return "\U0001f1e6" <= unit[0] <= "\U0001f1ff"


def _breakable_run(match: re.Match[str]) -> str:
    run = match.group()
    if "://" in run and len(run) <= URL_KEPT_WHOLE:
        return run
    out: list[str] = []
    since_break = 0
    indicators = 0  # regional indicators in a row: a flag is two of them
    previous = ""
    for unit in _UNIT.findall(run):
        flag_half = _is_regional_indicator(unit) and indicators % 2 == 1
        if since_break >= BREAK_EVERY and not _joins_previous(unit) and previous != "\u200d" and not flag_half:
            out.append("\u200b")
            since_break = 0
        indicators = indicators + 1 if _is_regional_indicator(unit) else 0
        out.append(unit)
        since_break += 1
        previous = unit
    return "".join(out)


def printable(html: str) -> str:
    """`html` with its body text evened out for print (see above); markup, attributes and the title never change.

    Entities stay whole. Linear in the length of the HTML.
    """

    def text(match: re.Match[str]) -> str:
        evened = _BIDI_CONTROLS.sub("", _LINE_BREAKS.sub("\n", match.group(1)))
        evened = _BLANKS.sub(" " * MAX_BLANKS, _fewer_marks(evened))
        return ">" + _LONG_RUN.sub(_breakable_run, evened) + "<"

    def body(match: re.Match[str]) -> str:
        return match.group(1) + _TEXT_NODE.sub(text, match.group(2)) + match.group(3)

    return _BODY_TEXT.sub(body, html, count=1)

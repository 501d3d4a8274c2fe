"""Word-level differences between two texts, for people who are not technical.

Used wherever two versions of a text are compared (a conflict between two writers,
earlier versions of an answer, versions of an agreement). The text is escaped here;
the markup around the changes is ours.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Words, runs of white space and single other characters: a change of one word shows as one word.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    return TOKENS.findall(text)


# Word pairs compared in one stretch. difflib's matching grows with the product of the two
# lengths: two rewritten 20,000-character sections took 45 seconds word by word.
MAX_WORD_PAIRS = 100_000
MAX_LINE_PAIRS = 250_000


def _word_ops(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", "".join(b[j1:j2])))
    return parts


def _whole(old: str, new: str) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in (("delete", old), ("insert", new)) if text]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changes from `old` to `new` as (kind, text) pairs; kind is "equal", "insert" or "delete".

    Long texts are compared line by line first, and word by word inside each changed stretch
    that is short enough; a longer changed stretch is shown as removed and added whole.
    """
    a, b = tokens(old), tokens(new)
    if len(a) * len(b) <= MAX_WORD_PAIRS:
        return _word_ops(a, b)
    lines_a, lines_b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(lines_a) * len(lines_b) > MAX_LINE_PAIRS:
        return _whole(old, new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        before, after = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
        if op == "equal":
            parts.append(("equal", before))
            continue
        x, y = tokens(before), tokens(after)
        parts.extend(_word_ops(x, y) if len(x) * len(y) <= MAX_WORD_PAIRS else _whole(before, after))
    return parts


def diff_html(old: str, new: str) -> SafeString:
    """`new` compared with `old`: insertions in <ins>, deletions in <del>, each named for screen readers."""
    html = []
    for kind, text in word_diff(old, new):
        if kind == "equal":
            html.append(conditional_escape(text))
        elif kind == "insert":
            html.append(format_html('<ins><span class="visually-hidden">{} </span>{}</ins>', _("Tillagt:"), text))
        else:
            html.append(format_html('<del><span class="visually-hidden">{} </span>{}</del>', _("Borttaget:"), text))
    return mark_safe("".join(str(part) for part in html))

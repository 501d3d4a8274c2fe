"""Cleaning of short, one-line texts people type: names of organisations and people."""

from __future__ import annotations

import unicodedata

# Characters that change the direction of the text around them: a name could look like another one.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean_name(value: str) -> str:
    """One line of visible text.

    Line and paragraph breaks (also U+2028/U+2029) and tabs become spaces, other control
    and direction characters go, runs of spaces become one and the ends are trimmed.
    A name goes into e-mail subjects, where a line break is refused, and into every page.
    """
    kept = []
    for char in unicodedata.normalize("NFC", value):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())

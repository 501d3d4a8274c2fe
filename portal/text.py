"""Cleaning of short, one-line texts people type: names of organisations and people."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms

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


def normalise_email(value: str) -> str:
    """The one spelling of an e-mail address: how it is stored, looked up at sign-in and throttled.

    Case, Unicode compatibility forms (full-width letters, the Kelvin sign, the long s)
    and surrounding spaces make no other address. Sign-in looks the account up by exactly
    this form, never by a database's case-insensitive match, whose idea of case (say,
    PostgreSQL's UPPER() of a dotless i) could differ from the throttle's and open a
    fresh set of tries.
    """
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


class MultilineField(forms.CharField):
    """A CharField for text typed in a box: browsers post line breaks as CRLF, people see one character.

    The line breaks are folded before the length is checked, so a text the live count says
    fits is never refused for its line breaks. A lone CR (posted by a script, pasted from an old
    program) is a line break too, and is stored as one.
    """

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

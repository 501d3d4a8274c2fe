"""Reading exported CSV the way a careless spreadsheet may: cut on every separator, quotes not honoured."""

from __future__ import annotations

import re

# A cell starting with one of these runs as a formula (the full-width forms too, in Excel).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def pieces_that_would_run(raw: bytes) -> list[str]:
    """The pieces of a CSV file that a spreadsheet would run as formulas when it cuts the file on any of `;`,
    `,`, tab or a line break, ignores the quotes and strips spaces and quote marks from each piece's start.

    Whichever of those separators a program actually uses, each of its cells starts where one of these
    pieces starts: none of them may look like a formula.
    """
    text = raw.decode("utf-8-sig")
    pieces = re.split(r"[;,\t\r\n]", text)
    return [piece for piece in pieces if piece.lstrip(' "\u00a0').startswith(FORMULA_STARTS)]

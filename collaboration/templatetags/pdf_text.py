"""Filters for the PDF templates (templates/pdf/)."""

from __future__ import annotations

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_direction(text: str) -> str:
    """ "rtl" when the text's first strong letter is right-to-left (Hebrew, Arabic …), else "ltr".

    What `dir="auto"` does in a browser; WeasyPrint 70 ignores `dir="auto"` but honours `dir="rtl"`.
    """
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"

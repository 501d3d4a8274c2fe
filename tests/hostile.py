"""Hostile text and the means to find every form that takes it: payloads, a form parser, a database scan.

The forms are found by reading the pages, not from a hand-made list, so a field added to a
template or built at run time (a step's questions, the agreement's sections) is fed too.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.apps import apps
from django.db import models

from portal.text import clean_name

MARKUP = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
TEMPLATE_SYNTAX = "{{ request }} {% debug %}"
SQL = "'; DROP TABLE collaboration_answer; --"
RIGHT_TO_LEFT = "\u202eobaf"  # a right-to-left override: "faboo" read backwards
COMBINING = "Z\u0351\u0308\u0300a\u0301l\u0327g\u0303o"
# Every payload at once: one post per form feeds them all.
HOSTILE = " ".join([MARKUP, ATTRIBUTE_BREAK, TEMPLATE_SYNTAX, SQL, RIGHT_TO_LEFT, COMBINING])
# For fields with a short limit (a diarienummer: 100 characters).
SHORT = MARKUP + ATTRIBUTE_BREAK + "{{ request }}\u202e" + COMBINING[:4]
MARKER = "alert(1)"  # in every stored copy of HOSTILE, and in nothing else
NUL = "Text med\x00nolltecken"
ONE_MEGABYTE = ("Lång text " * 100_000)[:1_000_000]

# What a page must never contain once hostile text was posted or stored.
RAW = ["<script>alert(1)", "<img src=x", "WSGIRequest"]
# Django's own English messages: a refusal must be said in Swedish.
ENGLISH = ["Null characters are not allowed", "Ensure this value", "Enter a valid", "This field is required"]

TEXT_TYPES = {"text", "email", "url", "search", "tel", "password", ""}


def stored_forms(text: str) -> set[str]:
    """How a text may be stored: exactly, or, for a name, cleaned to one line of visible text (portal.text)."""
    return {text, clean_name(text)}


class Form:
    """One <form> of a page: where it goes, and the fields a browser would send."""

    def __init__(self, method: str, action: str) -> None:
        self.method = method
        self.action = action
        self.values: dict[str, str] = {}
        self.text: list[str] = []  # visible text boxes and text areas
        self.hidden: list[str] = []
        self.passwords: list[str] = []  # never shown again, by design

    def data(self, **changes: str) -> dict[str, str]:
        return {**self.values, **changes}


class Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._open: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        form = self._open
        if tag == "form":
            self._open = Form(a.get("method", "get").lower(), urljoin(self.page_url, a.get("action", "")))
            self.forms.append(self._open)
        elif tag == "option" and form is not None and self._select:
            if "selected" in a or not form.values.get(self._select):
                form.values[self._select] = a.get("value", "")
        elif form is None or not name:
            return
        elif tag == "input":
            kind = a.get("type", "").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a or name not in form.values:
                    form.values.setdefault(name, a.get("value", "on"))
                    if "checked" in a:
                        form.values[name] = a.get("value", "on")
                return
            if kind in ("submit", "button"):
                return
            form.values[name] = a.get("value", "")
            if kind == "hidden" or "readonly" in a or "hidden" in a:  # not typed into: sent as it came
                form.hidden.append(name)
            elif kind in TEXT_TYPES:
                form.text.append(name)
                if kind == "password":
                    form.passwords.append(name)
        elif tag == "textarea":
            form.values[name] = ""
            form.text.append(name)
            self._textarea = name
        elif tag == "select":
            self._select = name
            form.values.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._open is not None:
            self._open.values[self._textarea] += data


def forms_of(response: Any, page_url: str) -> list[Form]:
    parser = Forms(page_url)
    parser.feed(response.content.decode())
    for form in parser.forms:
        # A textarea's first line break belongs to the markup, not to the text (HTML's parsing rules).
        for name in form.text:
            if form.values.get(name, "").startswith("\n"):
                form.values[name] = form.values[name][1:]
    return parser.forms


def text_fields() -> list[tuple[type[models.Model], str]]:
    """Every text column of the portal's own tables."""
    return [
        (model, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "collaboration", "principles"}
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField)) and not field.primary_key
    ]


def stored_texts() -> list[tuple[str, Any, str]]:
    """(model.field, primary key, value) of every stored text, in a stable order."""
    found = []
    for model, name in text_fields():
        for pk, value in model._default_manager.order_by("pk").values_list("pk", name):
            found.append((f"{model._meta.label}.{name}", pk, value))
    return found


def stored_containing(fragment: str) -> list[tuple[str, str]]:
    """(model.field, value) of every stored text that contains `fragment` (searched here: a NUL
    cannot even be searched for in PostgreSQL)."""
    return [(where, value) for where, _pk, value in stored_texts() if value and fragment in value]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "collaboration", "principles"}
    }


def assert_safe_page(response: Any) -> None:
    """Not a server error, and nothing hostile came back as markup or was evaluated as a template."""
    assert response.status_code < 500, response.status_code
    if "html" not in response.get("Content-Type", "") and "json" not in response.get("Content-Type", ""):
        return
    body = response.content.decode()
    for raw in RAW:
        assert raw not in body, f"{raw!r} came back unescaped"
    for english in ENGLISH:
        assert english not in body, f"English message on the page: {english!r}"

"""Hostile review of issue 8's pages: the shared agreement as an unkind colleague uses it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from collaboration.models import (
    AgreementComment,
    AgreementText,
    AgreementVersion,
    Approval,
    ChangeRequest,
)
from tests.collaboration.helpers import browser_post
from tests.collaboration.test_agreement_pages import edit, send, start, url
from tests.conftest import Cast, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def under_review(officer_client: Client, cast: Cast, text: str = "Barn i årskurs 4–6.") -> AgreementVersion:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": text})
    return send(officer_client, cast)


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the fields a browser sends (hidden, text, checked radios, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif self.forms and tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif self.forms and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1][1][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


def form_of(page: Any, action: str, **fields: str) -> dict[str, str]:
    """The first form of `page` that posts to `action`, filled in with `fields`, as a browser sends it."""
    parser = _Forms()
    parser.feed(page.content.decode())
    found = next((dict(f) for a, f in parser.forms if a == action), None)
    assert found is not None, f"no form posts to {action}"
    found.update(fields)
    return found


@pytest.mark.parametrize("bogus", ["²", "٣", "9" * 5000, "99999999999999999999999", "-1", "1.0", " 1", "0"])
def test_the_diff_page_answers_bogus_version_choices_with_404(cast: Cast, officer_client: Client, bogus: str) -> None:
    """Superscript and Arabic-Indic digits pass str.isdigit(), int() refuses them: it was a 500."""
    under_review(officer_client, cast)
    for params in ({"fran": bogus}, {"till": bogus}, {"fran": bogus, "till": bogus}):
        assert officer_client.get(url("agreement_diff", cast), params).status_code == 404
    assert officer_client.get(url("agreement_diff", cast), {"fran": "1", "till": "utkast"}).status_code == 200

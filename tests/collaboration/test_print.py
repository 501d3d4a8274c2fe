"""Printing a review page: the collaboration's title and parties on top, no edit links, no forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.collaboration.helpers import guide_review_url, phase_review_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [guide_review_url, phase_review_url], ids=["guide", "phase"])
def test_the_review_prints_title_and_parties_on_top_and_hides_edit_links(cast, officer_client, url):
    html = officer_client.get(url(cast.collaboration)).text

    header = re.search(r'<div class="print-only print-header">(.*?)</div>', html, re.S)
    assert header is not None
    assert "Läxhjälp i Centrum" in header.group(1)
    assert "Parter: Halmstads kommun, Föreningen Läxhjälp" in " ".join(header.group(1).split())
    assert html.index("print-header") < html.index("<h1>")
    edit_links = re.findall(r'<a ([^>]*)>Ändra<span class="visually-hidden">', html)
    assert edit_links
    assert all('class="no-print"' in attrs for attrs in edit_links)


def test_the_print_stylesheet_shows_the_header_and_hides_edit_links_and_forms():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    rules = css[css.index("Printing a review") :]
    assert ".print-only { display: block; }" in rules
    assert ".no-print" in rules
    assert "main form" in rules

"""The activity log page: who did what and when, newest first, paginated, filterable by kind."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.models import Activity, ActivityKind
from collaboration.views.collaborations import ACTIVITY_PAGE_SIZE
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def log_url(cast) -> str:
    return reverse("activity_log", args=[cast.collaboration.code])


def record(cast, n: int, kind: str = ActivityKind.STEP_SAVED) -> None:
    for i in range(n):
        actor, org = (cast.officer, cast.kommun) if i % 2 else (cast.board_member, cast.forening)
        Activity.record(
            collaboration=cast.collaboration, kind=kind, actor=actor, organisation=org, summary=f"Händelse {i}"
        )


def test_the_log_shows_who_did_what_newest_first(cast, board_client):
    record(cast, 2)
    html = " ".join(board_client.get(log_url(cast)).text.split())
    assert html.index("Händelse 1") < html.index("Händelse 0")
    assert "Tove Tjänsteperson (Halmstads kommun)" in html
    assert "Bo Styrelse (Föreningen Läxhjälp)" in html
    assert "Svar sparade:" in html


def test_the_log_is_filtered_by_kind(cast, officer_client):
    record(cast, 1)
    record(cast, 1, ActivityKind.COLLABORATION_ENDED)
    html = officer_client.get(log_url(cast), {"handelse": ActivityKind.COLLABORATION_ENDED}).text
    assert "Samverkan avslutad:" in html
    assert "Svar sparade:" not in html


def test_the_log_is_paginated_and_the_filter_follows_the_pages(cast, officer_client):
    record(cast, ACTIVITY_PAGE_SIZE + 1)
    first = officer_client.get(log_url(cast), {"handelse": ActivityKind.STEP_SAVED}).text
    assert f"Händelse {ACTIVITY_PAGE_SIZE}" in first
    assert "Händelse 0<" not in first
    assert f"?handelse={ActivityKind.STEP_SAVED}&amp;sida=2" in first
    second = officer_client.get(log_url(cast), {"handelse": ActivityKind.STEP_SAVED, "sida": 2}).text
    assert "Händelse 0<" in second


def test_the_collaboration_page_links_to_the_log(cast, officer_client):
    assert log_url(cast) in officer_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text


def test_an_outsider_gets_404(cast, outsider_client):
    record(cast, 1)
    assert outsider_client.get(log_url(cast)).status_code == 404


def queries_for(cast, n: int) -> int:
    record(cast, n)
    client = client_for(cast.officer)
    client.get(log_url(cast))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(log_url(cast)).status_code == 200
    return len(queries)


def test_the_query_count_is_flat_for_5_and_50_entries(cast):
    assert queries_for(cast, 5) == queries_for(cast, 45)

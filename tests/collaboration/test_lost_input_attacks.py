"""Attacks on the forms: nothing a user typed is lost on the new forms when the session expired."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import Step
from principles.models import Principle
from tests.collaboration.helpers import MODEL, PHASE_1, mark_steps, phase_review_url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

COMMENT = "Vi får besked om bidraget för sent varje år, det gör att vi inte kan planera terminen."


def owner_token(user, url: str) -> str:
    page = client_for(user).get(url).text
    marker = 'name="draft_owner" value="'
    if marker not in page:
        return ""
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_principle_comments_typed_while_signed_out_come_back_after_signing_in(cast):
    url = reverse("principle_rate", args=[cast.collaboration.code])
    token = owner_token(cast.board_member, url)
    data = {f"rating-{p.slug}": "fungerar" for p in Principle.objects.all()}
    first = Principle.objects.first()
    data[f"comment-{first.slug}"] = COMMENT
    data["draft_owner"] = token
    client = Client()  # the session expired while they wrote six comments
    response = client.post(url, data)
    assert response.status_code == 302
    client.force_login(cast.board_member)
    assert COMMENT in client.get(url).text, "six ratings and their comments are gone after signing in again"


def test_a_reopen_reason_typed_while_signed_out_comes_back_after_signing_in(cast, officer_client, board_client):
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    officer_client.post(phase_review_url(cast.collaboration), {"action": "confirm"})
    board_client.post(phase_review_url(cast.collaboration), {"action": "confirm"})
    url = phase_review_url(cast.collaboration)
    reason = "Målgruppen har ändrats efter sommaren: vi behöver tänka om kring vilka barn vi når."
    client = Client()
    client.post(url, {"action": "reopen", "reason": reason, "draft_owner": owner_token(cast.officer, url)})
    client.force_login(cast.officer)
    assert reason in client.get(url).text, "the reason for reopening is gone after signing in again"

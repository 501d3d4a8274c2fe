"""The principle check, attacked: it never writes over a colleague's newer rating unseen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.principle_check import latest_principle_ratings
from principles.models import Principle

pytestmark = pytest.mark.django_db

COMMENT = "Beslut om bidraget kommer för sent, vi kan inte planera hösten."


def form_as_loaded(client, url: str) -> dict[str, str]:
    """What the browser posts back: every field as the page showed it when it was loaded."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_a_colleagues_newer_rating_and_comment_are_not_written_over_by_an_older_form(
    cast, officer_client, coordinator_client
):
    url = reverse("principle_rate", args=[cast.collaboration.code])
    principles = list(Principle.objects.all())
    first, second = principles[0], principles[1]
    officer_client.post(url, {f"rating-{p.slug}": "fungerar" for p in principles})

    # Both kommun people open the form; Tove says the first principle creaks, with a comment.
    tove = form_as_loaded(officer_client, url)
    sam = form_as_loaded(coordinator_client, url)
    tove[f"rating-{first.slug}"] = "gnisslar"
    tove[f"comment-{first.slug}"] = COMMENT
    assert officer_client.post(url, tove).status_code == 302

    # Sam, on the page loaded before, changes only the second principle.
    sam[f"rating-{second.slug}"] = "samtal"
    response = coordinator_client.post(url, sam)

    latest = latest_principle_ratings(cast.collaboration)[(cast.kommun.pk, first.pk)]
    assert (latest.rating, latest.comment) == ("gnisslar", COMMENT), (
        f"Tove's rating became {latest.rating!r} and her comment {latest.comment!r}: Sam's untouched boxes "
        f"wrote over it without a word (status {response.status_code})"
    )


def test_a_changed_rating_over_a_colleagues_newer_one_is_shown_and_saved_only_when_sent_again(
    cast, officer_client, coordinator_client
):
    url = reverse("principle_rate", args=[cast.collaboration.code])
    principles = list(Principle.objects.all())
    first = principles[0]
    officer_client.post(url, {f"rating-{p.slug}": "fungerar" for p in principles})
    tove = form_as_loaded(officer_client, url)
    sam = form_as_loaded(coordinator_client, url)
    tove[f"rating-{first.slug}"] = "gnisslar"
    tove[f"comment-{first.slug}"] = COMMENT
    officer_client.post(url, tove)
    # Sam changes the same principle on the older page: refused and shown, nothing lost either way.
    sam[f"rating-{first.slug}"] = "samtal"
    sam[f"comment-{first.slug}"] = "Vi behöver prata om tidsplanen."
    page = coordinator_client.post(url, sam)
    assert page.status_code == 409
    assert "En kollega har bedömt samma principer" in page.text
    assert "Vi behöver prata om tidsplanen." in page.text
    latest = latest_principle_ratings(cast.collaboration)[(cast.kommun.pk, first.pk)]
    assert latest.rating == "gnisslar"
    # Sending the page again is a decision made with the colleague's rating known.
    again = coordinator_client.post(
        url, {name: page.context["form"][name].value() or "" for name in page.context["form"].fields}
    )
    assert again.status_code == 302
    latest = latest_principle_ratings(cast.collaboration)[(cast.kommun.pk, first.pk)]
    assert (latest.rating, latest.comment) == ("samtal", "Vi behöver prata om tidsplanen.")

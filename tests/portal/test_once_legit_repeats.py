"""Create-once (portal/once.py) must not swallow a real second action with the same content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.collaboration.test_chooser import NEUTRAL

pytestmark = pytest.mark.django_db


def test_choosing_a_form_again_after_changing_ones_mind_is_saved(cast, officer_client):
    """Samråd, then Projektmedel, then back to Samråd within ten minutes: the third choice is refused as a repeat."""
    url = reverse("form_chooser", args=[cast.collaboration.code])
    samrad = {
        **NEUTRAL,
        "input_wanted": "ja",
        "action": "choose",
        "chosen_form": "samrad",
        "reason": "Vi vill höra många.",
    }
    projekt = {**samrad, "chosen_form": "projektmedel"}
    officer_client.post(url, samrad)
    officer_client.post(url, projekt)
    response = officer_client.post(url, samrad, follow=True)
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.form.slug == "samrad", (
        f"still {cast.collaboration.form.slug}; the page said: "
        + " | ".join(str(m) for m in response.context["messages"])
    )

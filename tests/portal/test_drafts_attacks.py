"""Drafts of signed-out posts (portal/drafts.py) under attack and in awkward but real use."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.drafts import owner_token
from tests.portal.test_drafts import CREATE, sign_in

pytestmark = pytest.mark.django_db


def test_a_long_paste_kept_while_signed_out_is_not_cut_silently(cast):
    """150,000 characters fit the 256 kB stash, but each value is cut to 100,000 without a word."""
    client = Client()
    pasted = "ord " * 37_500  # 150,000 characters
    response = client.post(
        CREATE, {"title": "Lång", "description": pasted, "draft_owner": owner_token(cast.officer.pk)}, follow=True
    )
    told_refused = "för långt för att sparas tillfälligt" in response.text
    sign_in(client, cast.officer.email)
    page = client.get(CREATE)
    restored = page.context["form"]["description"].value() if "Släng den återställda texten" in page.text else None
    assert told_refused or (restored is not None and len(restored) == len(pasted)), (
        f"told it was kept, restored {len(restored or '')} of {len(pasted)} characters"
    )


def test_a_responsibility_posted_while_signed_out_comes_back_as_promised(cast):
    """step_assign keeps the signed-out POST and says it "kommer tillbaka", but never restores it."""
    from django.urls import reverse

    from tests.collaboration.helpers import PROBLEM

    url = reverse("step_assign", args=[cast.collaboration.code, *PROBLEM])
    client = Client()
    response = client.post(
        url,
        {"responsible": cast.board_member.pk, "due_on": "2027-03-14", "draft_owner": owner_token(cast.officer.pk)},
        follow=True,
    )
    assert "kommer tillbaka när du har loggat in" in response.text
    sign_in(client, cast.officer.email)
    page = client.get(url)
    assert "2027-03-14" in page.text, "promised back after signing in, but the page shows nothing of it"


def test_principle_comments_typed_when_the_session_expired_come_back(cast):
    """The principle check asks for comments "särskilt när något gnisslar"; its form keeps no draft at all."""
    import re

    from django.urls import reverse

    from tests.collaboration.test_principle_check import ratings

    url = reverse("principle_rate", args=[cast.collaboration.code])
    page = Client()
    page.force_login(cast.officer)
    html = page.get(url).text
    carried = dict(re.findall(r'name="(draft_owner|part)" value="([^"]+)"', html))

    client = Client()  # the session has expired while they wrote
    comment = "Vi hörs för sällan och besluten kommer sent."
    client.post(url, {**ratings(dialog="gnisslar"), "comment-dialog": comment, **carried})
    sign_in(client, cast.officer.email)
    assert comment in client.get(url).text, "the comment typed while the session expired is gone"


def test_two_tabs_of_one_form_posted_while_signed_out_both_come_back(cast):
    """Two tabs of "Ny samverkan" typed in while the session expired: both texts come back, one after the other."""
    from portal import drafts

    client = Client()
    token = owner_token(cast.officer.pk)
    common = {"public_party": cast.kommun.pk, "civil_parties": [cast.forening.pk], "draft_owner": token}
    # Each loaded page carries its own one-time form token.
    client.post(
        CREATE, {**common, "once_token": "A" * 43, "title": "Flik ett", "description": "Text från första fliken."}
    )
    client.post(
        CREATE, {**common, "once_token": "B" * 43, "title": "Flik två", "description": "Text från andra fliken."}
    )
    sign_in(client, cast.officer.email)
    kept = str(client.session.get(drafts.SESSION_KEY))
    assert "Text från andra fliken." in kept
    assert "Text från första fliken." in kept, "the first tab's text is gone for good"
    assert "Text från första fliken." in client.get(CREATE).text
    # Throwing the first away (or saving it) brings the second.
    client.post(reverse("draft_discard"), {"next": CREATE})
    assert "Text från andra fliken." in client.get(CREATE).text

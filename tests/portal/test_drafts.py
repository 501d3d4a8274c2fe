"""A session that expired while someone wrote never costs them what they typed, and never shows it to anyone else."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from collaboration.models import Collaboration, FormChoice
from portal import drafts
from portal.drafts import owner_token
from portal.models import User
from tests.conftest import expired_session_client
from tests.factories import PASSWORD, organisation_number

pytestmark = pytest.mark.django_db

CREATE = "/samverkan/ny/"


def sign_in(client: Client, email: str) -> None:
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def token_from_page(user: User, url: str) -> str:
    """The owner token the page renders for `user`, as their browser holds it when the session expires."""
    client = Client()
    client.force_login(user)
    page = client.get(url).text
    marker = 'name="draft_owner" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def collaboration_typed_by(user: User, cast, title: str = "Språkcafé på biblioteket") -> dict:
    return {
        "title": title,
        "description": "Samtal på lätt svenska varje torsdag.",
        "public_party": cast.kommun.pk,
        "civil_parties": [cast.forening.pk],
        "draft_owner": token_from_page(user, CREATE),
    }


def test_a_collaboration_typed_while_signed_out_comes_back_after_signing_in(cast):
    assert reverse("collaboration_create") == CREATE
    client = expired_session_client()  # the session has expired: the browser is anonymous now
    response = client.post(CREATE, collaboration_typed_by(cast.officer, cast))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={CREATE}"
    assert not Collaboration.objects.filter(title="Språkcafé på biblioteket").exists()

    sign_in(client, cast.officer.email)
    page = client.get(CREATE)
    assert "Språkcafé på biblioteket" in page.text
    assert "Samtal på lätt svenska varje torsdag." in page.text
    assert page.context["form"]["civil_parties"].value() == [str(cast.forening.pk)]
    assert "Släng den återställda texten" in page.text


def test_a_draft_is_never_shown_to_another_person_signing_in_on_the_same_browser(cast):
    client = expired_session_client()
    client.post(CREATE, collaboration_typed_by(cast.officer, cast))
    sign_in(client, cast.coordinator.email)  # a colleague at the same shared computer
    page = client.get(CREATE)
    assert page.status_code == 200
    assert "Språkcafé på biblioteket" not in page.text
    assert "Släng den återställda texten" not in page.text
    # Nor is it left in their session for later.
    assert drafts.SESSION_KEY not in client.session or not client.session[drafts.SESSION_KEY]


def test_a_draft_comes_back_on_every_reload_until_its_owner_saves_the_page(cast):
    client = expired_session_client()
    client.post(CREATE, collaboration_typed_by(cast.officer, cast))
    sign_in(client, cast.officer.email)
    for _reload in range(3):
        assert "Språkcafé på biblioteket" in client.get(CREATE).text

    form = client.get(CREATE).context["form"]
    posted = {name: form[name].value() for name in ("title", "description", "public_party", "civil_parties")}
    created = client.post(CREATE, {k: v for k, v in posted.items() if v is not None}, follow=True)
    assert "Samverkan ”Språkcafé på biblioteket” är skapad." in created.text
    assert Collaboration.objects.filter(title="Språkcafé på biblioteket").count() == 1
    page = client.get(CREATE)
    assert "Språkcafé på biblioteket" not in page.text
    assert "Släng den återställda texten" not in page.text


def test_the_owner_can_throw_the_draft_away(cast):
    client = expired_session_client()
    client.post(CREATE, collaboration_typed_by(cast.officer, cast))
    url = reverse("organisation_create")
    client.post(
        url,
        {"name": "Föreningen Morgondagen", "organisation_number": organisation_number(4242)}
        | {"draft_owner": owner_token(cast.coordinator.pk)},
    )
    sign_in(client, cast.officer.email)
    response = client.post(reverse("draft_discard"), {"next": CREATE}, follow=True)
    assert response.redirect_chain == [(CREATE, 302)]
    assert "Den återställda texten är slängd." in response.text
    assert "Språkcafé på biblioteket" not in response.text
    assert "Språkcafé på biblioteket" not in client.get(CREATE).text


def test_throwing_away_refuses_get_and_a_foreign_next(cast, officer_client):
    assert officer_client.get(reverse("draft_discard")).status_code == 405
    response = officer_client.post(reverse("draft_discard"), {"next": "https://elak.example/"})
    assert response.url == "/"


def test_a_registration_typed_while_signed_out_comes_back(cast):
    client = expired_session_client()
    url = reverse("organisation_create")
    number = organisation_number(4242)
    client.post(
        url,
        {
            "name": "Föreningen Morgondagen",
            "organisation_number": number,
            "draft_owner": token_from_page(cast.coordinator, url),
        },
    )
    sign_in(client, cast.coordinator.email)
    page = client.get(url)
    assert "Föreningen Morgondagen" in page.text
    assert number in page.text


def test_the_chooser_brings_back_answers_and_reason_without_saving(cast):
    client = expired_session_client()
    url = reverse("form_chooser", args=[cast.collaboration.code])
    answers = {
        "temporary": "nej",
        "established": "ja",
        "general_support": "nej",
        "market": "nej",
        "initiative": "ideburen",
        "shared_challenge": "nej",
        "input_wanted": "nej",
    }
    client.post(
        url,
        {
            **answers,
            "action": "choose",
            "chosen_form": "verksamhetsstod",
            "reason": "Läxhjälpen finns redan.",
            "draft_owner": token_from_page(cast.board_member, url),
        },
    )
    sign_in(client, cast.board_member.email)
    page = client.get(url)
    assert "Läxhjälpen finns redan." in page.text
    assert 'value="verksamhetsstod" id="id_chosen_form_3" checked' in page.text
    assert not FormChoice.objects.exists()  # nothing is saved until the person presses Spara valet again


@pytest.mark.parametrize("token", ["", "forged", "1:abc:def"])
def test_a_signed_out_post_without_a_valid_owner_token_creates_no_session(cast, token):
    client = Client()
    before = Session.objects.count()
    response = client.post(CREATE, {"title": "Skräp", "description": "x" * 5000, "draft_owner": token})
    assert response.status_code == 302
    assert Session.objects.count() == before
    assert "sessionid" not in response.cookies


def test_a_token_signed_for_something_else_is_no_owner_token(cast, settings):
    from django.core import signing

    client = expired_session_client()
    client.post(CREATE, {"title": "Skräp", "draft_owner": signing.dumps(cast.officer.pk)})  # no drafts salt
    assert Session.objects.count() == 0


def test_a_session_keeps_at_most_five_pages_of_drafts_and_drops_the_oldest(cast):
    client = expired_session_client()
    token = owner_token(cast.officer.pk)
    urls = [reverse("form_chooser", args=[c.code]) for c in _collaborations(cast, drafts.MAX_DRAFTS + 1)]
    for i, url in enumerate(urls):
        client.post(url, {"reason": f"Motivering {i}", "draft_owner": token})
    kept = client.session[drafts.SESSION_KEY]
    assert list(kept) == urls[1:]
    assert Session.objects.count() == 1  # one anonymous session, however many posts


def test_a_session_keeps_at_most_256_kb_of_drafts(cast):
    assert drafts.MAX_STASH_BYTES == 256 * 1024
    client = expired_session_client()
    token = owner_token(cast.officer.pk)
    urls = [reverse("form_chooser", args=[c.code]) for c in _collaborations(cast, 3)]
    for url in urls:
        client.post(url, {"reason": "a" * 100_000, "draft_owner": token})
    stored = Session.objects.get().get_decoded()[drafts.SESSION_KEY]
    assert list(stored) == urls[1:]  # the oldest made room
    assert len(json.dumps(stored)) <= drafts.MAX_STASH_BYTES


def test_a_draft_too_large_to_keep_is_refused_with_a_clear_message(cast):
    client = expired_session_client()
    response = client.post(
        CREATE,
        {"title": "Lång", "description": "å" * 50_000, "draft_owner": owner_token(cast.officer.pk)},
        follow=True,
    )
    assert "för långt för att sparas tillfälligt" in response.text
    sign_in(client, cast.officer.email)
    assert "Släng den återställda texten" not in client.get(CREATE).text


def _collaborations(cast, count: int) -> list[Collaboration]:
    from tests.factories import CollaborationFactory

    return [cast.collaboration] + [
        CollaborationFactory(title=f"Samverkan {i}", parties=[cast.kommun, cast.forening]) for i in range(count - 1)
    ]


def test_a_replayed_owner_token_cannot_fill_the_session_table(cast):
    """A script replaying a member's owner token, each post without cookies, gets a bounded number kept."""
    from portal.drafts import STASHES_PER_OWNER_AND_HOUR

    posted = collaboration_typed_by(cast.officer, cast)
    before = Session.objects.count()
    for _ in range(STASHES_PER_OWNER_AND_HOUR + 10):
        Client().post(CREATE, posted)
    assert Session.objects.count() - before == STASHES_PER_OWNER_AND_HOUR


@pytest.mark.parametrize("field", ["message"])
def test_a_message_to_the_other_parties_typed_while_signed_out_comes_back(cast, field):
    """Leaving a collaboration, with a few words on why: the words survive an expired session."""
    url = reverse("party_leave", args=[cast.collaboration.code, cast.forening.code])
    client = expired_session_client()
    client.post(
        url, {field: "Vi har inte längre volontärer nog.", "draft_owner": token_from_page(cast.board_member, url)}
    )
    sign_in(client, cast.board_member.email)
    page = client.get(url)
    assert "Vi har inte längre volontärer nog." in page.text
    from collaboration.models import Party, PartyState

    assert Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening).state == PartyState.ACCEPTED


def test_support_typed_while_signed_out_comes_back_on_the_page_it_was_typed_on(cast):
    """The support form (add and correct): a period typed while the session ran out is kept for its owner."""
    from datetime import date

    from collaboration.followup.support import support_add

    listing = reverse("support_list", args=[cast.collaboration.code])
    client = expired_session_client()
    client.post(
        listing,
        {
            "organisation": cast.kommun.pk,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "kind": "projekt",
            "amount": "250 000",
            "decision_reference": "KS 2026/77",
            "draft_owner": token_from_page(cast.officer, listing),
        },
    )
    sign_in(client, cast.officer.email)
    page = client.get(listing).text
    assert 'value="KS 2026/77"' in page
    assert 'value="250 000"' in page
    assert "Släng den återställda texten" in page

    support = support_add(
        collaboration=cast.collaboration,
        organisation=cast.kommun,
        user=cast.officer,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        kind="verksamhet",
        amount=120_000,
    )
    edit = reverse("support_edit", args=[cast.collaboration.code, support.pk])
    client = expired_session_client()
    client.post(
        edit,
        {
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "kind": "verksamhet",
            "amount": "130000",
            "decision_reference": "Rättat efter beslut",
            "draft_owner": token_from_page(cast.officer, edit),
        },
    )
    sign_in(client, cast.officer.email)
    page = client.get(edit).text
    assert 'value="Rättat efter beslut"' in page
    assert 'value="130000"' in page

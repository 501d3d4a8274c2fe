"""Every create form creates once: a double click or Back and send again makes nothing new."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Collaboration, CollaborationForm, FormChoice, Invitation, Organisation
from portal.models import FormSubmission
from tests.factories import organisation_number

pytestmark = pytest.mark.django_db


def once_token(client: Client, url: str) -> str:
    """The one-time token of the form on `url`, as the browser holds it."""
    match = re.search(r'name="once_token" value="([^"]+)"', client.get(url).text)
    assert match, url
    return match.group(1)


def new_collaboration(cast, token: str) -> dict:
    return {
        "title": "Sommarlov i Andersberg",
        "description": "Aktiviteter för barn och unga.",
        "public_party": cast.kommun.pk,
        "civil_parties": [cast.forening.pk],
        "form": CollaborationForm.objects.get(slug="iop").pk,
        "once_token": token,
    }


def test_a_second_click_on_skapa_samverkan_creates_nothing_and_shows_the_first(cast, officer_client):
    url = reverse("collaboration_create")
    data = new_collaboration(cast, once_token(officer_client, url))
    first = officer_client.post(url, data)
    second = officer_client.post(url, data, follow=True)
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 1
    created = Collaboration.objects.get(title="Sommarlov i Andersberg")
    assert first.url == second.redirect_chain[0][0] == reverse("collaboration_detail", args=[created.code])
    assert "Samverkan är redan skapad" in second.text


def test_back_and_send_again_with_changes_creates_nothing_either(cast, officer_client):
    url = reverse("collaboration_create")
    data = new_collaboration(cast, once_token(officer_client, url))
    officer_client.post(url, data)
    officer_client.post(url, {**data, "title": "Sommarlov i Andersberg (rättad)"})
    assert Collaboration.objects.filter(title__startswith="Sommarlov i Andersberg").count() == 1


def test_each_new_form_gets_its_own_token_so_two_real_collaborations_are_two(cast, officer_client):
    url = reverse("collaboration_create")
    officer_client.post(url, new_collaboration(cast, once_token(officer_client, url)))
    officer_client.post(url, {**new_collaboration(cast, once_token(officer_client, url)), "description": "En till."})
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 2


def test_back_to_a_form_fetched_again_and_sent_unchanged_creates_nothing(cast, officer_client):
    """After Back the page is fetched again with a new token, and the browser restores what was typed."""
    url = reverse("collaboration_create")
    officer_client.post(url, new_collaboration(cast, once_token(officer_client, url)))
    again = officer_client.post(url, new_collaboration(cast, once_token(officer_client, url)), follow=True)
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 1
    assert "Samverkan är redan skapad" in again.text


def test_the_same_content_much_later_is_a_new_collaboration(cast, officer_client):
    from portal.once import REPEAT_WINDOW

    url = reverse("collaboration_create")
    officer_client.post(url, new_collaboration(cast, once_token(officer_client, url)))
    FormSubmission.objects.update(created_at=timezone.now() - REPEAT_WINDOW - timedelta(seconds=1))
    officer_client.post(url, new_collaboration(cast, once_token(officer_client, url)))
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 2


def test_a_form_shown_again_with_errors_keeps_its_token(cast, officer_client):
    url = reverse("collaboration_create")
    token = once_token(officer_client, url)
    page = officer_client.post(url, {**new_collaboration(cast, token), "title": ""})
    assert page.status_code == 200
    assert f'name="once_token" value="{token}"' in page.text
    officer_client.post(url, new_collaboration(cast, token))
    officer_client.post(url, new_collaboration(cast, token))
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 1


def test_another_persons_token_creates_nothing_and_reveals_nothing(cast, officer_client, board_client):
    url = reverse("collaboration_create")
    token = once_token(officer_client, url)
    officer_client.post(url, new_collaboration(cast, token))
    response = board_client.post(url, new_collaboration(cast, token))
    assert response.status_code == 403
    assert Collaboration.objects.filter(title="Sommarlov i Andersberg").count() == 1


def test_registering_an_organisation_twice_registers_it_once(cast, coordinator_client):
    url = reverse("organisation_create")
    data = {
        "name": "Föreningen Dubbelklick",
        "kind": "ideell-forening",
        "sector": "ideburen",
        "organisation_number": organisation_number(7001),
        "once_token": once_token(coordinator_client, url),
    }
    first = coordinator_client.post(url, data)
    assert first.status_code == 302, first.context and first.context["form"].errors
    second = coordinator_client.post(url, data, follow=True)
    assert Organisation.objects.filter(name="Föreningen Dubbelklick").count() == 1
    assert "Organisationen är redan registrerad" in second.text


def test_an_invitation_sent_twice_is_sent_once(cast, coordinator_client, django_capture_on_commit_callbacks):
    url = reverse("invitation_create", args=[cast.kommun.code])
    data = {"email": "ny@halmstad.example", "role": "tjansteperson", "once_token": once_token(coordinator_client, url)}
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, data)
        second = coordinator_client.post(url, data, follow=True)
    assert Invitation.objects.filter(email="ny@halmstad.example").count() == 1
    assert len(mail.outbox) == 1
    assert "Inbjudan är redan skickad" in second.text


def test_the_choosers_choice_saved_twice_is_recorded_once(cast, officer_client):
    url = reverse("form_chooser", args=[cast.collaboration.code])
    answers = dict.fromkeys(
        ["temporary", "established", "general_support", "market", "shared_challenge", "input_wanted"], "nej"
    )
    data = {
        **answers,
        "initiative": "gemensamt",
        "action": "choose",
        "chosen_form": "dialog",
        "reason": "Vi börjar med samtal.",
        "once_token": once_token(officer_client, url),
    }
    officer_client.post(url, data)
    second = officer_client.post(url, data, follow=True)
    assert FormChoice.objects.filter(collaboration=cast.collaboration).count() == 1
    assert "Valet av samverkansform är redan sparat" in second.text


def test_the_token_is_recorded_with_what_it_created(cast, officer_client):
    url = reverse("collaboration_create")
    token = once_token(officer_client, url)
    officer_client.post(url, new_collaboration(cast, token))
    submission = FormSubmission.objects.get(token=token)
    created = Collaboration.objects.get(title="Sommarlov i Andersberg")
    assert (submission.user, submission.url) == (cast.officer, reverse("collaboration_detail", args=[created.code]))


@pytest.mark.django_db(transaction=True)
def test_two_posts_racing_with_one_token_create_once(cast):
    """Race-safe through the unique token, not a check-then-insert (PostgreSQL: real concurrent transactions)."""
    import threading
    import time

    from django.db import connection, connections
    from django.test import RequestFactory

    from portal import once

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    token = once.new_token()
    created: list[str] = []
    outcomes: list[str] = []
    started = threading.Event()

    def post(delay: float) -> None:
        request = RequestFactory().post("/samverkan/ny/", {"once_token": token})
        request.user = cast.officer

        try:
            with once.creating(request) as created_at:
                started.set()
                time.sleep(delay)  # the first POST is slow: the second arrives while it runs
                collaboration = Collaboration.objects.create(title="Kapplöpning", created_by=cast.officer)
                created.append(collaboration.title)
                created_at(f"/samverkan/{collaboration.code}/")
            outcomes.append(f"/samverkan/{collaboration.code}/")
        except once.AlreadyCreated as repeated:
            outcomes.append(repeated.url)
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=(1.0,))
    first.start()
    started.wait(5)
    second = threading.Thread(target=post, args=(0.0,))
    second.start()
    first.join()
    second.join()
    assert created == ["Kapplöpning"]
    assert Collaboration.objects.filter(title="Kapplöpning").count() == 1
    assert len(outcomes) == 2
    assert outcomes[0] == outcomes[1]

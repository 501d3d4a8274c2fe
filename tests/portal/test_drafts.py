"""A session that expired while someone wrote never costs them what they typed."""

from django.test import Client
from django.urls import reverse

from collaboration.models import Collaboration, FormChoice
from tests.factories import PASSWORD, organisation_number


def sign_in(client: Client, email: str) -> None:
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_collaboration_typed_while_signed_out_comes_back_after_signing_in(cast):
    client = Client()  # the session has expired: the browser is anonymous now
    url = reverse("collaboration_create")
    response = client.post(
        url,
        {
            "title": "Språkcafé på biblioteket",
            "description": "Samtal på lätt svenska varje torsdag.",
            "public_party": cast.kommun.pk,
            "civil_parties": [cast.forening.pk],
        },
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert not Collaboration.objects.filter(title="Språkcafé på biblioteket").exists()

    sign_in(client, cast.officer.email)
    page = client.get(url)
    assert "Språkcafé på biblioteket" in page.text
    assert "Samtal på lätt svenska varje torsdag." in page.text
    assert page.context["form"]["civil_parties"].value() == [str(cast.forening.pk)]
    # Shown once: the next visit starts from an empty form.
    assert "Språkcafé på biblioteket" not in client.get(url).text


def test_a_registration_typed_while_signed_out_comes_back(cast):
    client = Client()
    url = reverse("organisation_create")
    number = organisation_number(4242)
    client.post(url, {"name": "Föreningen Morgondagen", "organisation_number": number})
    sign_in(client, cast.coordinator.email)
    page = client.get(url)
    assert "Föreningen Morgondagen" in page.text
    assert number in page.text


def test_the_chooser_brings_back_answers_and_reason_without_saving(cast):
    client = Client()
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
        url, {**answers, "action": "choose", "chosen_form": "verksamhetsstod", "reason": "Läxhjälpen finns redan."}
    )
    sign_in(client, cast.board_member.email)
    page = client.get(url)
    assert "Läxhjälpen finns redan." in page.text
    assert 'value="verksamhetsstod" id="id_chosen_form_3" checked' in page.text
    assert not FormChoice.objects.exists()  # nothing is saved until the person presses Spara valet again

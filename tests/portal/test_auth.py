"""Signing in and out, throttling of failed sign-ins, and choosing a new password."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "inte-det-ratta-losenordet"
NEW_PASSWORD = "ett-helt-nytt-losenord-456"


def sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_it_signs_in_with_email_and_password_and_lands_on_the_start_page(cast):
    client = Client()
    response = sign_in(client, cast.officer.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(cast.officer.pk)
    start = client.get(response.url)
    assert "Min samverkan" in start.text
    assert "Läxhjälp i Centrum" in start.text
    assert "Logga ut Tove Tjänsteperson" in start.text


def test_it_accepts_the_email_address_in_another_case(cast):
    client = Client()
    response = sign_in(client, cast.officer.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(cast.officer.pk)


def test_it_refuses_a_wrong_password_with_a_swedish_message(cast):
    client = Client()
    response = sign_in(client, cast.officer.email, WRONG_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "invalid_login")
    assert "E-postadressen eller lösenordet stämmer inte. Kontrollera och försök igen." in response.text
    assert signed_in_user_id(client) is None


def test_it_refuses_an_address_that_is_not_an_email_address(cast):
    response = sign_in(Client(), "tove", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("username", "invalid")
    assert "Ange en e-postadress i formatet namn@exempel.se." in response.text


def test_it_locks_the_account_out_after_five_failed_attempts_even_for_the_right_password(cast):
    client = Client()
    for _ in range(4):
        response = sign_in(client, cast.officer.email, WRONG_PASSWORD)
        assert response.status_code == 200
        assert "E-postadressen eller lösenordet stämmer inte" in response.text
    fifth = sign_in(client, cast.officer.email, WRONG_PASSWORD)
    assert fifth.status_code == 429

    sixth = sign_in(client, cast.officer.email, PASSWORD)

    assert sixth.status_code == 429
    assert "För många misslyckade inloggningar" in sixth.text
    assert "Vänta 15 minuter och försök igen." in sixth.text
    assert signed_in_user_id(client) is None


def test_the_lockout_does_not_stop_another_person_from_signing_in(cast):
    client = Client()
    for _ in range(5):
        sign_in(client, cast.officer.email, WRONG_PASSWORD)
    assert sign_in(client, cast.officer.email, PASSWORD).status_code == 429

    other = Client()
    response = sign_in(other, cast.board_member.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(other) == str(cast.board_member.pk)


def test_a_successful_sign_in_resets_the_count_of_failures(cast):
    client = Client()
    for _ in range(4):
        sign_in(client, cast.officer.email, WRONG_PASSWORD)
    assert sign_in(client, cast.officer.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        assert sign_in(client, cast.officer.email, WRONG_PASSWORD).status_code == 200
    assert sign_in(client, cast.officer.email, PASSWORD).status_code == 302


def test_it_signs_out_with_a_post_and_shows_the_landing_page(cast):
    client = Client()
    sign_in(client, cast.officer.email, PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) is None
    landing = client.get(reverse("home"))
    assert "Logga in" in landing.text
    assert "Läxhjälp i Centrum" not in landing.text


def test_it_does_not_sign_out_on_a_get(cast):
    client = Client()
    sign_in(client, cast.officer.email, PASSWORD)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert signed_in_user_id(client) == str(cast.officer.pk)


def reset_link(message: mail.EmailMessage) -> str:
    match = re.search(rf"{re.escape(settings.SITE_URL)}(/losenord/nytt/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_password_reset_mails_a_link_that_sets_a_new_password(cast):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": cast.officer.email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.officer.email]

    form_page = client.get(reset_link(message), follow=True)
    assert form_page.status_code == 200
    assert "Välj nytt lösenord" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")

    assert sign_in(Client(), cast.officer.email, PASSWORD).status_code == 200
    new_client = Client()
    assert sign_in(new_client, cast.officer.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(new_client) == str(cast.officer.pk)


def test_a_password_reset_link_works_only_once(cast):
    client = Client()
    client.post(reverse("password_reset"), {"email": cast.officer.email})
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert "Länken fungerar inte längre" in again.text
    assert 'name="new_password1"' not in again.text


def test_a_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(cast):
    known = Client().post(reverse("password_reset"), {"email": cast.officer.email}, follow=True)
    mail.outbox.clear()

    unknown = Client().post(reverse("password_reset"), {"email": "ingen.alls@exempel.se"}, follow=True)

    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert "Kolla din e-post" in unknown.text
    assert mail.outbox == []


def test_a_deactivated_account_cannot_sign_in():
    user = UserFactory(is_active=False)
    client = Client()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "invalid_login")
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("next_url", ["/logga-in/", "/logga-in/?next=/logga-in/", "/logga-ut/"])
def test_a_signed_in_person_sent_back_to_the_sign_in_page_lands_on_the_start_page(cast, officer_client, next_url):
    response = officer_client.get(reverse("login"), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_signing_in_with_next_pointing_at_the_sign_in_page_lands_on_the_start_page(cast):
    client = Client()
    response = sign_in(client, cast.officer.email, PASSWORD, next="/logga-in/")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_signed_in_person_still_follows_another_next_address(cast, officer_client):
    response = officer_client.get(reverse("login"), {"next": reverse("organisation_list")})
    assert response.status_code == 302
    assert response.url == reverse("organisation_list")

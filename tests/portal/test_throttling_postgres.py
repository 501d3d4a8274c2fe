"""Throttling attacks that need PostgreSQL: a dotless-i spelling, parallel reset requests."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from portal.models import PasswordResetRequest
from tests.factories import PASSWORD, UserFactory
from tests.portal.production import production_throttling

WRONG = "inte-det-ratta-losenordet"
EMAIL = "cia@forening.exempel.se"
# U+0131 dotless i: NFKC and casefold leave it alone, Python's EmailValidator accepts it
# ([A-Z] with IGNORECASE matches it), and PostgreSQL's UPPER() makes it "I", so iexact finds the account.
DOTLESS = "c\u0131a@forening.exempel.se"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lookup differs on PostgreSQL")
@pytest.mark.parametrize("page", [reverse("login"), reverse("admin:login")])
def test_a_dotless_i_variant_does_not_get_fresh_tries_on_a_locked_account(page):
    UserFactory(email=EMAIL, is_staff=True, is_superuser=True)
    with override_settings(**production_throttling()):
        for _ in range(5):
            Client().post(page, {"username": EMAIL, "password": WRONG})
        assert Client().post(page, {"username": EMAIL, "password": PASSWORD}).status_code == 429
        client = Client()
        client.post(page, {"username": DOTLESS, "password": PASSWORD})
        # The other spelling is another address: it finds no account, so it cannot sign in ...
        assert SESSION_KEY not in client.session, "a locked account signs in with a dotless-i spelling"
        # ... and the account itself stays locked.
        assert Client().post(page, {"username": EMAIL, "password": PASSWORD}).status_code == 429


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrency")
def test_parallel_reset_requests_respect_the_per_address_limit():
    UserFactory(email=EMAIL)
    url = reverse("password_reset")
    barrier = threading.Barrier(20)

    def ask() -> None:
        client = Client()
        barrier.wait()
        client.post(url, {"email": EMAIL})
        connection.close()

    with override_settings(**production_throttling()):
        threads = [threading.Thread(target=ask) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    from django.core import mail

    accepted = PasswordResetRequest.objects.count()
    assert accepted <= 5, f"{accepted} reset requests accepted ({len(mail.outbox)} mails) against a limit of 5"

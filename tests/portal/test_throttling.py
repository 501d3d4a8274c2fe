"""Sign-in throttling as production runs it: one lock per address, however it is spelt, per client.

Every test applies the throttling settings that `portal.settings` computes for a
production start (read in a separate process), not the test settings.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse

from portal.text import normalise_email
from tests.factories import PASSWORD, UserFactory
from tests.portal.production import production_throttling

pytestmark = pytest.mark.django_db

WRONG = "inte-det-ratta-losenordet"
EMAIL = "styrelse@laxhjalp.exempel.se"
# The same address spelt so that a case-sensitive or byte-wise lock would see another user name.
VARIANTS = [
    "Styrelse@laxhjalp.exempel.se",
    "STYRELSE@LAXHJALP.EXEMPEL.SE",
    "  styrelse@laxhjalp.exempel.se ",
    "\u017ftyrelse@laxhjalp.exempel.se",  # long s, NFKC "s"
    "styrelse@\uff4c\uff41\uff58\uff48\uff4a\uff41\uff4c\uff50.exempel.se",  # full-width letters in the domain
]
PAGES = [reverse("login"), reverse("admin:login")]


def post(client: Client, page: str, email: str, password: str, **meta: str):
    return client.post(page, {"username": email, "password": password}, **meta)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def board_member():
    # Staff, so that the admin's sign-in would let the right password in.
    return UserFactory(email=EMAIL, is_staff=True, is_superuser=True)


def test_every_variant_normalises_to_the_stored_address():
    for variant in VARIANTS:
        assert normalise_email(variant) == EMAIL


@pytest.mark.parametrize("page", PAGES)
def test_five_failures_in_any_spelling_lock_every_spelling(board_member, page):
    client = Client()
    with override_settings(**production_throttling()):
        for variant in VARIANTS:
            post(client, page, variant, WRONG)

        for variant in [EMAIL, *VARIANTS]:
            response = post(Client(), page, variant, PASSWORD)
            assert response.status_code == 429, variant
            assert "För många misslyckade inloggningar" in response.text
        for other_page in PAGES:
            assert post(Client(), other_page, EMAIL.upper(), PASSWORD).status_code == 429
        assert not signed_in(client)


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_in_another_spelling_neither_signs_in_nor_clears_the_lock(board_member, page):
    client = Client()
    with override_settings(**production_throttling()):
        for _ in range(5):
            post(client, page, EMAIL, WRONG)

        attempt = post(client, page, "Styrelse@Laxhjalp.Exempel.se", PASSWORD)
        assert attempt.status_code == 429
        assert not signed_in(client)

        # Still locked for the exact spelling: the attempt above cleared nothing.
        assert post(client, reverse("login"), EMAIL, PASSWORD).status_code == 429
        assert not signed_in(client)


def test_a_variant_with_the_right_password_before_the_limit_signs_in_and_resets_the_count(board_member):
    client = Client()
    with override_settings(**production_throttling()):
        for variant in VARIANTS[:4]:
            post(client, reverse("login"), variant, WRONG)
        assert post(client, reverse("login"), "STYRELSE@laxhjalp.exempel.se", PASSWORD).status_code == 302
        assert signed_in(client)
        client.post(reverse("logout"))

        for variant in VARIANTS[:4]:
            assert post(client, reverse("login"), variant, WRONG).status_code == 200
        assert post(client, reverse("login"), EMAIL, PASSWORD).status_code == 302


# Behind one load balancer: it connects from 10.0.0.2 and appends the address it was reached from.
BALANCER = {"REMOTE_ADDR": "10.0.0.2"}


def through_balancer(client_address: str, forged: str = "") -> dict[str, str]:
    chain = f"{forged}, {client_address}" if forged else client_address
    return {**BALANCER, "HTTP_X_FORWARDED_FOR": chain}


def test_behind_a_proxy_two_clients_are_throttled_separately(board_member):
    with override_settings(**production_throttling(AXES_IPWARE_PROXY_COUNT="1")):
        attacker, colleague = Client(), Client()
        for _ in range(5):
            post(attacker, reverse("login"), EMAIL, WRONG, **through_balancer("198.51.100.7"))
        assert post(attacker, reverse("login"), EMAIL, PASSWORD, **through_balancer("198.51.100.7")).status_code == 429

        response = post(colleague, reverse("login"), EMAIL, PASSWORD, **through_balancer("203.0.113.40"))
        assert response.status_code == 302
        assert signed_in(colleague)


def test_behind_a_proxy_a_forged_header_does_not_escape_the_lock(board_member):
    """The client writes its own X-Forwarded-For; the balancer appends the real address after it."""
    with override_settings(**production_throttling(AXES_IPWARE_PROXY_COUNT="1")):
        attacker = Client()
        for n in range(5):
            post(attacker, reverse("login"), EMAIL, WRONG, **through_balancer("198.51.100.7", forged=f"192.0.2.{n}"))
        response = post(
            attacker, reverse("login"), EMAIL, PASSWORD, **through_balancer("198.51.100.7", forged="192.0.2.99")
        )
        assert response.status_code == 429


def test_without_the_proxy_setting_a_forged_header_is_ignored(board_member):
    """Reached directly, the connection's address counts: different headers still lock together."""
    with override_settings(**production_throttling()):
        for n in range(5):
            post(
                Client(),
                reverse("login"),
                EMAIL,
                WRONG,
                REMOTE_ADDR="198.51.100.7",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            )
        other_header = post(
            Client(), reverse("login"), EMAIL, PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.40"
        )
        assert other_header.status_code == 429


def test_the_proxy_count_is_read_from_the_environment():
    assert production_throttling()["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("REMOTE_ADDR",)
    behind = production_throttling(AXES_IPWARE_PROXY_COUNT="2")
    assert behind["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("HTTP_X_FORWARDED_FOR",)


@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_ACCEPT"])
def test_a_nul_in_a_header_neither_breaks_sign_in_nor_escapes_the_count(board_member, header):
    """django-axes stores these headers at every sign-in; PostgreSQL refuses NUL in text. It was a 500,
    and so a failure that was never counted: any number of tries, never locked."""
    hostile = {header: "Mozilla/5.0\x00<script>"}
    with override_settings(**production_throttling()):
        client = Client()
        assert post(client, reverse("login"), EMAIL, PASSWORD, **hostile).status_code == 302
        assert signed_in(client)
        for _ in range(4):
            response = post(Client(), reverse("login"), EMAIL, WRONG, **hostile)
            assert response.status_code == 200
            assert "stämmer inte" in response.text
        assert post(Client(), reverse("login"), EMAIL, WRONG, **hostile).status_code == 429, "the fifth locks"
        assert post(Client(), reverse("login"), EMAIL, PASSWORD, **hostile).status_code == 429

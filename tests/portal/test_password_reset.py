"""Password-reset mail is throttled per address and per client, and the answer never tells who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.tasks import task_backends
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import PasswordResetRequest
from tests.factories import UserFactory
from tests.portal.production import production_throttling

pytestmark = pytest.mark.django_db

EMAIL = "styrelse@laxhjalp.exempel.se"
DONE = reverse("password_reset_done")


@pytest.fixture(autouse=True)
def _production_throttling():
    with override_settings(**production_throttling()):
        yield


@pytest.fixture
def member():
    return UserFactory(email=EMAIL)


def ask(email: str, address: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email}, follow=True)


def assert_same_answer(response) -> None:
    assert response.status_code == 200
    assert response.redirect_chain == [(DONE, 302)]
    assert "Kolla din e-post" in response.text


def test_the_sixth_reset_for_one_address_within_the_hour_sends_nothing_but_looks_the_same(member):
    for n in range(5):
        assert_same_answer(ask(EMAIL, address=f"198.51.100.{n}"))
    assert len(mail.outbox) == 5

    sixth = ask(EMAIL, address="203.0.113.9")

    assert_same_answer(sixth)
    assert len(mail.outbox) == 5


def test_spellings_of_one_address_count_together(member):
    for variant in ["Styrelse@laxhjalp.exempel.se", "STYRELSE@LAXHJALP.EXEMPEL.SE", f" {EMAIL} ", EMAIL, EMAIL.title()]:
        ask(variant)
    assert len(mail.outbox) == 5
    ask(EMAIL.upper(), address="203.0.113.9")
    assert len(mail.outbox) == 5


def test_the_limit_frees_up_when_the_hour_has_passed(member):
    for _ in range(5):
        ask(EMAIL)
    PasswordResetRequest.objects.update(
        requested_at=PasswordResetRequest.objects.first().requested_at - timedelta(minutes=61)
    )

    ask(EMAIL)

    assert len(mail.outbox) == 6
    assert PasswordResetRequest.objects.count() == 1  # the old ones are gone


def test_one_client_asking_for_many_addresses_is_limited(member):
    for n in range(20):
        assert_same_answer(ask(f"gissning{n}@exempel.se"))

    from_same_client = ask(EMAIL)

    assert_same_answer(from_same_client)
    assert mail.outbox == []
    # Someone else asking for the same address is not held back by that client.
    ask(EMAIL, address="203.0.113.9")
    assert len(mail.outbox) == 1


def test_a_known_and_an_unknown_address_take_the_same_path_through_the_request(member):
    """With a worker backend both requests do the same work; the lookup and the mail happen in the task."""
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        answers, queries = {}, {}
        for email in (EMAIL, "ingen.alls@exempel.se"):
            with CaptureQueriesContext(connection) as captured:
                answers[email] = Client().post(reverse("password_reset"), {"email": email})
            queries[email] = len(captured)
        results = task_backends["default"].results

        assert answers[EMAIL].status_code == answers["ingen.alls@exempel.se"].status_code == 302
        assert answers[EMAIL].url == answers["ingen.alls@exempel.se"].url == DONE
        assert queries[EMAIL] == queries["ingen.alls@exempel.se"]
        assert mail.outbox == []  # nothing was sent inside either request
        assert [r.task.name for r in results] == ["send_password_reset", "send_password_reset"]

        for result in results:
            result.task.call(*result.args, **result.kwargs)
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_no_address_is_stored_for_throttling(member):
    ask(EMAIL)
    ask("ingen.alls@exempel.se")
    stored = list(PasswordResetRequest.objects.values_list("email_digest", flat=True))
    assert len(stored) == 2
    assert all("@" not in digest and len(digest) == 64 for digest in stored)


def test_the_reset_mail_subject_is_plain_text_and_the_link_works(member):
    ask(EMAIL)
    assert mail.outbox[0].subject == "Välj nytt lösenord i Samverkansportalen"
    link = re.search(r"http\S+", mail.outbox[0].body).group()
    assert link.startswith(f"{settings.SITE_URL}/losenord/nytt/")
    page = Client().get(link.removeprefix(settings.SITE_URL), follow=True)
    assert 'name="new_password1"' in page.text


@override_settings(SITE_URL="https://samverkan.example.se", ALLOWED_HOSTS=["evil.example", "testserver"])
def test_the_reset_link_points_at_the_portal_whatever_host_the_request_named(member):
    """A client chooses the Host header: a link on its host would hand it the reset token."""
    Client(REMOTE_ADDR="198.51.100.7", HTTP_HOST="evil.example:8080").post(reverse("password_reset"), {"email": EMAIL})
    (message,) = mail.outbox
    (link,) = re.findall(r"https?://[^\s\"<>]+", message.body)
    assert link.startswith("https://samverkan.example.se/losenord/nytt/")
    html = message.alternatives[0].content
    assert 'href="https://samverkan.example.se/losenord/nytt/' in html
    assert "evil.example" not in message.body + html


def test_a_reset_queued_by_the_release_before_still_sends_the_portals_link(member):
    """During a rolling deploy an older app server still passes the request's host to the task."""
    from portal import emails

    emails.send_password_reset.call(email=EMAIL, domain="evil.example:8080", use_https=False)
    (message,) = mail.outbox
    assert f"{settings.SITE_URL}/losenord/nytt/" in message.body
    assert "evil.example" not in message.body

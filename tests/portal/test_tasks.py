"""Mail through the real task backend (django-tasks-db) and its worker (`manage.py db_worker`)."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from collaboration.models import Invitation, MailStatus, Role
from portal.models import EmailChoice, Notification, User
from portal.notifications import notify, send_notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]

NEW_EMAIL = "kerstin@exempel.se"


@pytest.fixture
def database_tasks():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def invite(client, organisation):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("invitation_create", args=[organisation.code]), {"email": NEW_EMAIL, "role": Role.OFFICER}, follow=True
    )


def test_an_invitation_is_queued_and_the_worker_sends_it(cast, coordinator_client, client):
    page = invite(coordinator_client, cast.kommun)
    assert f"En inbjudan till {NEW_EMAIL} skickas nu." in page.text
    assert "E-post: skickas." in page.text
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    # The queued task carries no link: the token is made when the mail is sent.
    assert "inbjudan/" not in str(task.args_kwargs)

    run_worker()

    assert len(mail.outbox) == 1
    assert Invitation.objects.get(email=NEW_EMAIL).mail_status == MailStatus.SENT
    link = re.search(r"http://127.0.0.1:8000(/inbjudan/[A-Za-z0-9_\-]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    assert "E-post: skickad." in coordinator_client.get(reverse("organisation_detail", args=[cast.kommun.code])).text


def test_a_failed_send_is_shown_to_the_coordinator_and_never_sent_twice(cast, coordinator_client, monkeypatch):
    invite(coordinator_client, cast.kommun)

    def relay_down(self, messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", relay_down)
        run_worker()
    assert Invitation.objects.get(email=NEW_EMAIL).mail_status == MailStatus.FAILED
    page = coordinator_client.get(reverse("organisation_detail", args=[cast.kommun.code]))
    assert "E-postmeddelandet kunde inte skickas. Bjud in igen" in page.text
    # The worker runs again (a restart): the failed task is not run again behind anyone's back.
    run_worker()
    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "FAILED"


def test_an_invitation_revoked_before_the_worker_ran_is_not_sent(cast, coordinator_client):
    invite(coordinator_client, cast.kommun)
    Invitation.objects.update(revoked_at="2026-01-01T00:00:00Z")
    run_worker()
    assert mail.outbox == []


def test_a_password_reset_is_sent_by_the_worker(cast, client):
    response = client.post(reverse("password_reset"), {"email": cast.board_member.email})
    assert response.status_code == 302
    assert mail.outbox == []
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.board_member.email]


def test_a_notification_that_fails_is_retried_later_by_the_worker_and_sent_once(cast, monkeypatch):
    with transaction.atomic():
        notify(
            recipients=[cast.officer],
            kind="kommentar",
            subject="En ny kommentar",
            summary="Bo kommenterade.",
            path="/",
            group="Läxhjälp i Centrum",
        )

    def relay_down(self, messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", relay_down)
        run_worker()
    row = Notification.objects.get()
    assert (row.attempts, row.sent_at, row.failed_at) == (1, None, None)
    assert "SMTPServerDisconnected" in row.last_error
    retry = DBTaskResult.objects.get(status="READY")
    # The next attempt waits (a minute after the first failure, doubling after each).
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    run_worker()  # not due yet
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.attempts, row.sent_at is not None) == (2, True)

    # A duplicate task, or the same task again after a restart, finds it sent.
    send_notification.enqueue(notification_id=row.pk)
    run_worker()
    assert len(mail.outbox) == 1


def test_the_daily_summary_goes_out_through_the_worker_once(cast):
    User.objects.filter(pk=cast.officer.pk).update(email_notifications=EmailChoice.DAILY)
    notify(
        recipients=[cast.officer],
        kind="godkand",
        subject="Godkänd",
        summary="Kommunen godkände.",
        path="/",
        group="Läxhjälp i Centrum",
    )
    run_worker()
    assert mail.outbox == []
    call_command("send_digests", verbosity=0)
    call_command("send_digests", verbosity=0)
    run_worker()
    assert [m.to for m in mail.outbox] == [[cast.officer.email]]
    assert "Kommunen godkände." in mail.outbox[0].body


def test_the_worker_waits_out_a_database_it_cannot_reach(monkeypatch):
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as library

    from portal.management.commands import db_worker

    runs = []

    def run(self):  # type: ignore[no-untyped-def]
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError('database "samverkan" is not currently accepting connections')

    monkeypatch.setattr(library.Worker, "run", run)
    monkeypatch.setattr(db_worker.time, "sleep", lambda seconds: None)

    run_worker()

    assert len(runs) == 2

"""Several workers and summary runs at the same moment, on PostgreSQL: each mail still goes out once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection

from portal.models import DigestRun, EmailChoice, Notification
from portal.notifications import notify, send_digests, send_notification
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrency"),
]


def all_at_once(action: Callable[[], object], times: int = 8) -> None:
    barrier = threading.Barrier(times)

    def run() -> None:
        barrier.wait()
        try:
            action()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_parallel_summary_runs_send_each_person_one_summary():
    people = [UserFactory(email_notifications=EmailChoice.DAILY) for _ in range(3)]
    for n in range(2):
        notify(
            recipients=people,
            kind="kommentar",
            subject=f"Kommentar {n}",
            summary=f"Kommentar {n}.",
            path="/",
            group="G",
        )

    all_at_once(send_digests)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert DigestRun.objects.count() == 3
    assert all("Kommentar 0." in m.body and "Kommentar 1." in m.body for m in mail.outbox)


def test_duplicate_tasks_running_at_once_send_one_mail():
    person = UserFactory()
    # Stored as notify() stores it, without the task it queues (the immediate backend would send at once).
    row = Notification.objects.create(
        recipient=person, kind="godkand", subject="Godkänd", summary="Godkänd.", path="/", group="G", delivery="direkt"
    )

    all_at_once(lambda: send_notification.enqueue(notification_id=row.pk))

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1

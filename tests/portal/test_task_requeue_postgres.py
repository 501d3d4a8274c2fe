"""A task whose worker died mid-task runs again on a live worker, once (portal.taskqueue, PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from portal import taskqueue
from portal.models import Notification
from portal.notifications import send_notification
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker liveness is a PostgreSQL advisory lock"),
]


@pytest.fixture
def claimed_task():
    """A notification task claimed by worker "w-dead" and left RUNNING, as a SIGKILL leaves it."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        person = UserFactory()
        row = Notification.objects.create(
            recipient=person,
            kind="godkand",
            subject="Godkänd",
            summary="Godkänd.",
            path="/",
            group="G",
            delivery="direkt",
        )
        send_notification.enqueue(notification_id=row.pk)
        task = DBTaskResult.objects.get()
        task.claim("w-dead")
        yield task, row


def test_it_requeues_the_task_of_a_worker_that_is_gone(claimed_task):
    task, _ = claimed_task

    assert taskqueue.requeue_orphaned_tasks() == [str(task.id)]

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.worker_ids == ["w-dead"]


def test_it_leaves_the_task_of_a_live_worker_alone(claimed_task):
    task, _ = claimed_task

    with taskqueue.WorkerLiveness("w-dead"):
        assert taskqueue.requeue_orphaned_tasks() == []

    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_the_next_worker_runs_it_once(claimed_task):
    task, row = claimed_task

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w-alive", verbosity=0)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["w-dead", "w-alive"]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1

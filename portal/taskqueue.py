"""The task queue's safety net: a task whose worker died mid-task runs again, on a live worker, once.

django-tasks-db marks a task RUNNING when a worker claims it and leaves it so if that worker
is killed (SIGKILL, out of memory, a server gone): nobody would ever run it. Each worker
therefore holds a PostgreSQL advisory lock named by its worker id for as long as its process
lives, on a connection of its own (`WorkerLiveness`). PostgreSQL drops the lock the moment the
process's connection goes, so "can I take that lock?" answers "is that worker dead?" without
clocks or timeouts, across servers. `requeue_orphaned_tasks` puts the RUNNING tasks of dead
workers back in the queue; every worker runs it every few seconds (see the `db_worker` command).

A task runs twice only if its worker lives on after losing its liveness connection (someone
terminated that one connection by hand): the tasks guard their own effects with row locks
and states (a notification is sent once, an export built from QUEUED or RUNNING), so even
then a mail goes out once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)

# The first half of every liveness lock's key, so that no other advisory lock can collide with it.
LOCK_NAMESPACE = 0x5A4D  # "SM"


def worker_key(worker_id: str) -> int:
    """The second half of the lock's key: a signed 32-bit number from the worker id."""
    return int.from_bytes(hashlib.sha256(worker_id.encode()).digest()[:4], "big", signed=True)


class WorkerLiveness:
    """Hold the worker's advisory lock on a connection Django does not manage (nor close after a while)."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._connection: Any = None

    def __enter__(self) -> WorkerLiveness:
        if connection.vendor == "postgresql":
            self._lock()
        return self

    def _lock(self) -> None:
        self._connection = connection.get_new_connection(connection.get_connection_params())
        self._connection.autocommit = True
        with self._connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, worker_key(self.worker_id)])
            if not cursor.fetchone()[0]:
                raise RuntimeError(f"Another live worker has the id {self.worker_id!r}: worker ids must be unique.")

    def ensure(self) -> None:
        """Take the lock again if its connection was lost (the database restarted, someone cut it).

        Until then other workers take this worker for dead and may queue its running task again:
        the tasks' own guards keep its effects single (see the module's docstring).
        """
        if self._connection is None:
            return
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except Exception:
            with contextlib.suppress(Exception):
                self._connection.close()
        logger.warning("Worker %s lost its liveness lock's connection: taking the lock again", self.worker_id)
        self._lock()

    def __exit__(self, *exc: object) -> None:
        if self._connection is not None:
            self._connection.close()  # releases the lock
            self._connection = None


def requeue_orphaned_tasks() -> list[str]:
    """Put back in the queue every RUNNING task whose worker is gone; return their ids.

    The row lock (skip locked: another worker may be doing the same) keeps the task's own
    worker, if it is alive after all, from finishing it while we look.
    """
    if connection.vendor != "postgresql":
        return []
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued: list[str] = []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for task in running:
            owner = task.worker_ids[-1] if task.worker_ids else ""
            if not owner or _alive(owner):
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            requeued.append(str(task.id))
            logger.warning(
                "Task %s (%s) was running on worker %s, which is gone: queued again", task.id, task.task_path, owner
            )
    return requeued


def _alive(worker_id: str) -> bool:
    with connection.cursor() as cursor:
        # Taken for this transaction only: if we get it, nobody holds it, so the worker is dead.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, worker_key(worker_id)])
        return not cursor.fetchone()[0]

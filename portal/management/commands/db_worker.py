"""django-tasks-db's worker, which also runs again the tasks of workers that died mid-task,
and waits out a database that cannot be reached for a moment instead of exiting.

It takes the place of `django_tasks_db`'s own `db_worker` (the portal app comes first in
INSTALLED_APPS), with the same options. See `portal.taskqueue` for why and how.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as base

from portal import taskqueue

logger = logging.getLogger("django_tasks_db")

# How often each worker looks for tasks left RUNNING by a dead worker.
REQUEUE_EVERY_SECONDS = 3.0
# While the database cannot be reached: wait this long, then twice as long each time, up to the longest.
OUTAGE_FIRST_WAIT = 0.5
OUTAGE_LONGEST_WAIT = 15.0


class Worker(base.Worker):
    def run(self) -> None:
        with taskqueue.WorkerLiveness(self.worker_id) as liveness:
            if self.batch:
                # One pass is enough for a worker that stops when the queue is empty.
                taskqueue.requeue_orphaned_tasks()
                self._run_through_outages()
                return
            stop = threading.Event()
            watcher = threading.Thread(target=self._requeue_orphans, args=(stop, liveness), daemon=True)
            watcher.start()
            try:
                self._run_through_outages()
            finally:
                stop.set()

    def _run_through_outages(self) -> None:
        """The library's loop, started again when the database cannot be reached, instead of exiting.

        Its loop re-raises every database error but a locked SQLite file: a failover or a network cut
        of a few seconds would end the worker, and all mail would stop until someone restarted it.
        A claim cut short is rolled back (the task stays queued); a task cut short is recorded as
        failed by the library's own retries, or left running for `portal.taskqueue` if the worker dies.
        """
        wait, last_failure = OUTAGE_FIRST_WAIT, 0.0
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                now = time.monotonic()
                wait = OUTAGE_FIRST_WAIT if now - last_failure > 60 else min(wait * 2, OUTAGE_LONGEST_WAIT)
                last_failure = now
                logger.warning("The database cannot be reached (%s); trying again in %.1f s", error, wait)
                with contextlib.suppress(DatabaseError):
                    connection.close()
                time.sleep(wait)

    def _requeue_orphans(self, stop: threading.Event, liveness: taskqueue.WorkerLiveness) -> None:
        while not stop.is_set():
            try:
                liveness.ensure()
                taskqueue.requeue_orphaned_tasks()
            except Exception:
                # The database may be away for a moment: look again next time.
                logger.warning("Could not look for tasks of dead workers", exc_info=True)
            finally:
                close_old_connections()
            stop.wait(REQUEUE_EVERY_SECONDS)
        connection.close()


class Command(base.Command):
    def handle(  # type: ignore[override]
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise base.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

"""django-tasks-db's worker, which also runs again the tasks of workers that died mid-task.

It takes the place of `django_tasks_db`'s own `db_worker` (the portal app comes first in
INSTALLED_APPS), with the same options. See `portal.taskqueue` for why and how.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as base

from portal import taskqueue

logger = logging.getLogger("django_tasks_db")

# How often each worker looks for tasks left RUNNING by a dead worker.
REQUEUE_EVERY_SECONDS = 3.0


class Worker(base.Worker):
    def run(self) -> None:
        with taskqueue.WorkerLiveness(self.worker_id):
            if self.batch:
                # One pass is enough for a worker that stops when the queue is empty.
                taskqueue.requeue_orphaned_tasks()
                super().run()
                return
            stop = threading.Event()
            watcher = threading.Thread(target=self._requeue_orphans, args=(stop,), daemon=True)
            watcher.start()
            try:
                super().run()
            finally:
                stop.set()

    def _requeue_orphans(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                taskqueue.requeue_orphaned_tasks()
            except Exception:
                # The database may be away for a moment: look again next time.
                logger.exception("Could not look for tasks of dead workers")
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

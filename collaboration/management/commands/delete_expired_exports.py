"""Delete batch exports' zip files whose time is up (run daily from cron; the export task also does it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collaboration.documents.batch_export import delete_expired_exports


class Command(BaseCommand):
    help = "Delete the zip files of agreement exports that have expired (kept for 7 days)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = delete_expired_exports()
        self.stdout.write(f"{count} expired export(s) deleted.")

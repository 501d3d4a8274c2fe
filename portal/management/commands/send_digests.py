"""Send today's daily summaries (run once a day from cron or a systemd timer; safe to run twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Claim and queue today's e-mail summary for everyone who chose 'dagligen' and has notifications "
        "waiting. Running it again the same day, or on several servers at once, sends nobody a second summary."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = send_digests()
        if options["verbosity"] > 0:
            self.stdout.write(f"{claimed} daily summaries queued.")

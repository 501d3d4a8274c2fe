"""Who is asking: the normalised e-mail address and the client's address, for throttling."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.models import PasswordResetRequest
from portal.text import normalise_email


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """`AXES_USERNAME_CALLABLE`: the address posted to any sign-in form, normalised."""
    raw = credentials.get("username") if credentials else getattr(request, "POST", {}).get("username")
    if not isinstance(raw, str) or not raw.strip():
        return None
    return normalise_email(raw)


def password_reset_allowed(*, email: str, client_ip: str | None) -> bool:
    """Record a password-reset request and say whether it may send a mail.

    At most `per_address` requests for one address and `per_client` from one client
    address within `window_minutes` (settings.PASSWORD_RESET_LIMITS). A refused request
    is not recorded, so the window frees up as the accepted ones age.
    """
    limits = settings.PASSWORD_RESET_LIMITS
    now = timezone.now()
    since = now - timedelta(minutes=limits["window_minutes"])
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    with transaction.atomic():
        # Count and record as one step, so that parallel requests cannot all pass the count.
        # PostgreSQL: one lock for all reset requests (they are rare); SQLite writes one at a time anyway.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESET_LOCK])
        PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
        recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
        if recent.filter(email_digest=digest).count() >= limits["per_address"]:
            return False
        if recent.filter(client_ip=client_ip).count() >= limits["per_client"]:
            return False
        PasswordResetRequest.objects.create(email_digest=digest, client_ip=client_ip, requested_at=now)
    return True


# An arbitrary, fixed key for PostgreSQL's advisory lock around the reset count.
RESET_LOCK = 0x5E7_0001

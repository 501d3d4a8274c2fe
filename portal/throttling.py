"""Who is asking: the normalised e-mail address and the client's address, for throttling."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from portal.models import PasswordResetRequest


def normalise_email(value: str) -> str:
    """The one spelling of an address that throttling counts against.

    Case, Unicode compatibility forms (full-width letters, the Kelvin sign, the long s)
    and surrounding spaces do not make another address for the lock: they would
    otherwise give an attacker a fresh set of tries per spelling.
    """
    return unicodedata.normalize("NFKC", value).strip().casefold()


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
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    if recent.filter(email_digest=digest).count() >= limits["per_address"]:
        return False
    if recent.filter(client_ip=client_ip).count() >= limits["per_client"]:
        return False
    PasswordResetRequest.objects.create(email_digest=digest, client_ip=client_ip, requested_at=now)
    return True

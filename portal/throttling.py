"""Who is asking: the normalised e-mail address and the client's address, for throttling."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.http import HttpRequest


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

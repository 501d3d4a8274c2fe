"""System checks of the portal's own settings (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every absolute link (in mail, the password reset's too, and in exports) is made from SITE_URL: in
    production it must be this site, over HTTPS.

    The default (the development server's address) would send everyone links that lead nowhere.
    """
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and validate_host(url.hostname or "", settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"PORTAL_SITE_URL is {settings.SITE_URL!r}: links in mail and exports must use https and one of "
            "DJANGO_ALLOWED_HOSTS.",
            hint="Set PORTAL_SITE_URL to the address people use, e.g. https://samverkan.example.se.",
            id="portal.W001",
        )
    ]

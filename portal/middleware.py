"""Site-wide response rules that belong to no single view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in person is kept by a shared cache or on a shared computer's disk.

    Pages for someone who is not signed in (the landing page, sign-in, static files
    served before this middleware) keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

"""Typed request for views that require a signed-in user."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from portal.models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


class AnyRequest(HttpRequest):
    htmx: HtmxDetails

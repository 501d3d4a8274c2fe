"""A URL whose view fails, to see the server error page as a visitor gets it (tests/portal/test_security.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("fel/", failing), *portal_urlpatterns]

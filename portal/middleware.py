"""Site-wide response rules that belong to no single view."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.cache import patch_cache_control

HEALTH_PATH = "/halsa/"


class HealthCheckMiddleware:
    """Answer a load balancer's probe of `/halsa/` first of all.

    Balancers probe each server by its own address, over plain HTTP: the probe must
    not depend on the Host header (ALLOWED_HOSTS), the HTTPS redirect or a session.
    It says whether the database and the task queue answer, and nothing else: 200
    when both do, 503 when either does not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return health_response()


def health_response() -> JsonResponse:
    checks = {"database": _database_answers(), "tasks": _task_queue_answers()}
    healthy = all(checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "fel", **{name: "ok" if ok else "fel" for name, ok in checks.items()}},
        status=200 if healthy else 503,
    )
    patch_cache_control(response, no_store=True)
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _task_queue_answers() -> bool:
    """The queue is a table of the database (django-tasks-db): reading it proves the workers can too."""
    try:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
        return True
    except Exception:
        return False


class NulFreeHeadersMiddleware:
    """Take NUL characters out of the request's headers before any view or library reads them.

    PostgreSQL refuses NUL in text, even in a query's parameters. django-axes stores the
    User-Agent and Accept headers of every sign-in and looks earlier attempts up by the
    User-Agent: a NUL there made a failed sign-in a server error, and so a failure that was
    never counted. gunicorn and nginx refuse such headers already; the portal must not depend
    on the server in front. A NUL becomes U+FFFD, the replacement character, as for any
    character that cannot be read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", "\ufffd")
        return self.get_response(request)


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

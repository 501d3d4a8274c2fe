"""The portal's URLs plus the load benchmark's floor view (settings.BENCHMARK_FLOOR).

Only `manage.py benchmark_load` turns this on, for the server it starts: production and
the permission matrix never see the floor's URL. It comes last, so the floor pays for
resolving every pattern before it: never less routing than a page.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from portal.http import AuthedRequest
from portal.urls import urlpatterns as portal_urlpatterns


@login_required
@require_safe
def benchmark_floor(request: AuthedRequest) -> HttpResponse:
    """The load benchmark's floor: what every page costs before its own work.

    The same middleware runs as for a page, and `login_required` loads the session and the user as
    every signed-in page does.
    """
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    *portal_urlpatterns,
    path("benchmark/golv/", benchmark_floor, name="benchmark_floor"),
]

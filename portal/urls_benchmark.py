"""The portal's URLs plus the load benchmark's floor view (settings.BENCHMARK_FLOOR).

Only `manage.py benchmark_load` turns this on, for the server it starts: production and
the permission matrix never see the floor's URL. It comes last, so the floor pays for
resolving every pattern before it: never less routing than a page.
"""

from django.urls import path

from portal import views
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    *portal_urlpatterns,
    path("benchmark/golv/", views.benchmark_floor, name="benchmark_floor"),
]

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.http import AnyRequest
from principles.models import Principle


@require_safe
def principle_list(request: AnyRequest) -> HttpResponse:
    # The phases a principle matters in come through the link the collaboration app
    # declares (`phase_links`): reached through the relation, never imported, so that
    # this app does not depend on the collaboration app.
    links = Principle._meta.get_field("phase_links").related_model._default_manager
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "phase_links",
            queryset=links.select_related("phase", "phase__guide").order_by("phase__guide__order", "phase__order"),
        )
    )
    return render(request, "principles/list.html", {"principles": principles})

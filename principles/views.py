from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.http import AnyRequest
from principles.models import PhasePrinciple, Principle


@require_safe
def principle_list(request: AnyRequest) -> HttpResponse:
    principles = Principle.objects.prefetch_related(
        Prefetch(
            "phase_links",
            queryset=PhasePrinciple.objects.select_related("phase", "phase__guide").order_by(
                "phase__guide__order", "phase__order"
            ),
        )
    )
    return render(request, "principles/list.html", {"principles": principles})

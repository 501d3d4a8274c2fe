from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def portal(request: HttpRequest) -> dict[str, Any]:
    """Navigation facts for the layout, evaluated only when a template asks."""

    def coordinated() -> list[Any]:
        from collaboration.models import Membership, Role

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return [
            m.organisation
            for m in Membership.objects.active().filter(user=user, role=Role.COORDINATOR).select_related("organisation")
        ]

    return {"coordinated_organisations": SimpleLazyObject(coordinated)}

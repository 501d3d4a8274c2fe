"""The start page lists collaborations, so it is the collaboration app's page (URL name `home`, path `/`)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from collaboration.models import Collaboration, Membership
from portal.http import AnyRequest

PAGE_SIZE = 25


def home(request: AnyRequest) -> HttpResponse:
    """The start page: the signed-in user's collaborations, or a short welcome."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    memberships = list(Membership.objects.active().filter(user=request.user).select_related("organisation"))
    collaborations = Collaboration.objects.visible_to(request.user).for_listing().order_by("-updated_at", "-pk")
    page = Paginator(collaborations, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "portal/home.html",
        {"page": page, "memberships": memberships, "is_coordinator": any(m.is_coordinator for m in memberships)},
    )

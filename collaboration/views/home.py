"""The start page lists collaborations, so it is the collaboration app's page (URL name `home`, path `/`)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from collaboration.expectations import expected_of
from collaboration.models import Collaboration, Membership, Party, PartyState, StepAssignment
from collaboration.models.assignments import today
from portal.http import AnyRequest

PAGE_SIZE = 25
# "Mina uppgifter" lists the steps due first; someone responsible for hundreds is told how many there are.
TASKS_SHOWN = 20
SHOWN_IN_FULL = {"invitation", "assigned"}


@require_safe
def home(request: AnyRequest) -> HttpResponse:
    """The start page: the signed-in user's collaborations, or a short welcome."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    memberships = list(Membership.objects.active().filter(user=request.user).select_related("organisation"))
    show_archived = request.GET.get("arkiverade") == "1"
    visible = Collaboration.objects.visible_to(request.user)
    visible = visible.archived() if show_archived else visible.active()
    collaborations = visible.for_listing().order_by("-updated_at", "-pk")
    page = Paginator(collaborations, PAGE_SIZE).get_page(request.GET.get("sida"))
    open_tasks = StepAssignment.objects.open().for_user(request.user)
    tasks = list(open_tasks.for_listing()[: TASKS_SHOWN + 1])
    tasks_total = open_tasks.count() if len(tasks) > TASKS_SHOWN else len(tasks)
    invitations = (
        Party.objects.answerable_by(request.user)
        .filter(state=PartyState.INVITED)
        .select_related("collaboration", "collaboration__form", "organisation", "invited_by", "invited_by_organisation")
        .order_by("-invited_at")
    )
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "memberships": memberships,
            "is_coordinator": any(m.is_coordinator for m in memberships),
            "invitations": list(invitations),
            # Invitations and the person's own steps have their own, fuller sections on this page.
            "expectations": expected_of(request.user, omit=SHOWN_IN_FULL),
            "tasks": tasks[:TASKS_SHOWN],
            "tasks_total": tasks_total,
            "today": today(),
            "show_archived": show_archived,
        },
    )

"""The follow-up pages: the support on record, read by every party and written by the public side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from collaboration.access import get_collaboration_for, get_support_for, support_givers
from collaboration.followup import support as support_workflows
from collaboration.forms.followup import SupportForm
from collaboration.models import Support
from portal import drafts, once
from portal.http import AuthedRequest

LIST_TEMPLATE = "collaboration/followup/support.html"


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Stödet är redan registrerat. Du skickade formuläret en gång till."))
def support_list(request: AuthedRequest, code: str) -> HttpResponse:
    """Every period of support on record, newest first; the public parties' people add a period here."""
    collaboration = get_collaboration_for(request.user, code)
    givers = support_givers(request.user, collaboration)
    if request.method == "POST" and not givers:
        raise Http404("Bara de offentliga parterna registrerar stöd.")
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = SupportForm(posted, givers=givers) if givers else None
    if request.method == "POST" and form is not None and form.is_valid():
        with once.creating(request) as created_at:
            support = support_workflows.support_add(
                collaboration=collaboration,
                organisation=form.cleaned_data["organisation"],
                user=request.user,
                **form.values(),
            )
            created_at(reverse("support_list", args=[collaboration.code]))
        messages.success(request, _("Stödet är registrerat: %(what)s.") % {"what": support_workflows.describe(support)})
        return redirect("support_list", code=collaboration.code)
    supports = list(Support.objects.filter(collaboration=collaboration).select_related("organisation", "created_by"))
    giver_ids = {o.pk for o in givers}
    return render(
        request,
        LIST_TEMPLATE,
        {
            "collaboration": collaboration,
            "supports": [(s, s.organisation_id in giver_ids) for s in supports],
            "form": form,
            "restored_draft": request.method == "GET" and posted is not None,
        },
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def support_edit(request: AuthedRequest, code: str, support: int) -> HttpResponse:
    """Correct a period of support; a colleague's correction made meanwhile is kept and shown (409)."""
    collaboration = get_collaboration_for(request.user, code)
    found = get_support_for(request.user, collaboration, support)
    givers = [found.organisation]
    initial = {name: getattr(found, name) for name in support_workflows.FIELDS}
    initial.update(organisation=found.organisation.pk, loaded=support_workflows.support_state(found))
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = SupportForm(posted, initial=initial, givers=givers)
    form.fields["organisation"].disabled = True
    moved_on: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        result = support_workflows.support_update(
            support=found, user=request.user, values=form.values(), loaded=form.loaded_digests()
        )
        if not result.moved_on:
            if result.changed:
                messages.success(request, _("Stödet är ändrat."))
            else:
                messages.info(request, _("Du ändrade ingenting."))
            return redirect("support_list", code=collaboration.code)
        # A colleague corrected some of the same fields meanwhile: theirs stand, the person's own stay in the
        # form, and the page now stands on what is stored, so saving again is a decision.
        data = request.POST.copy()
        data["loaded"] = support_workflows.support_state(found)
        form = SupportForm(data, initial=initial, givers=givers)
        form.fields["organisation"].disabled = True
        form.is_valid()
        moved_on = [str(form[name].label) for name in result.moved_on if name in form.fields]
        status = 409
    return render(
        request,
        "collaboration/followup/support_edit.html",
        {
            "collaboration": collaboration,
            "support": found,
            "form": form,
            "moved_on": moved_on,
            "restored_draft": request.method == "GET" and posted is not None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_delete(request: AuthedRequest, code: str, support: int) -> HttpResponse:
    """Ask, then remove a period recorded by mistake (the activity log keeps what it said)."""
    collaboration = get_collaboration_for(request.user, code)
    found = get_support_for(request.user, collaboration, support)
    if request.method == "POST":
        support_workflows.support_remove(support=found, user=request.user)
        messages.success(request, _("Stödet är borttaget: %(what)s.") % {"what": support_workflows.describe(found)})
        return redirect("support_list", code=collaboration.code)
    return render(
        request,
        "collaboration/followup/support_delete.html",
        {"collaboration": collaboration, "support": found, "what": support_workflows.describe(found)},
    )

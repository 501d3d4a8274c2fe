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
from collaboration.models import Collaboration, Organisation, Party, Support
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
            created_at(_period_url(collaboration, support))
        messages.success(request, _("Stödet är registrerat: %(what)s.") % {"what": support_workflows.describe(support)})
        return redirect("support_list", code=collaboration.code)
    return _list_page(request, collaboration, givers, form, restored=request.method == "GET" and posted is not None)


def _exists(collaboration: Collaboration, support_id: int) -> bool:
    """Whether the period is still on record here (whoever gives it): a missing one was removed meanwhile."""
    return Support.objects.filter(pk=support_id, collaboration=collaboration).exists()


def _period_url(collaboration: Collaboration, support: Support) -> str:
    return reverse("support_list", args=[collaboration.code]) + f"#stod-{support.pk}"


def _list_page(
    request: AuthedRequest,
    collaboration: Collaboration,
    givers: list[Organisation],
    form: SupportForm | None,
    *,
    restored: bool = False,
    gone: bool = False,
) -> HttpResponse:
    """Every period on record (a party that has left is named so), and the form to add one for the public side."""
    supports = list(Support.objects.filter(collaboration=collaboration).select_related("organisation"))
    giver_ids = {o.pk for o in givers}
    in_now = set(Party.objects.accepted().filter(collaboration=collaboration).values_list("organisation_id", flat=True))
    return render(
        request,
        LIST_TEMPLATE,
        {
            "collaboration": collaboration,
            "supports": [(s, s.organisation_id in giver_ids, s.organisation_id not in in_now) for s in supports],
            "form": form,
            "restored_draft": restored,
            "gone": gone,
        },
        status=409 if gone else 200,
    )


def _gone(request: AuthedRequest, collaboration: Collaboration, givers: list[Organisation]) -> HttpResponse:
    """The period was removed while this person corrected it: what they typed comes back as a new period."""
    data = request.POST.copy()
    data.pop("loaded", None)
    form = SupportForm(data, givers=givers)
    form.is_valid()
    return _list_page(request, collaboration, givers, form, gone=True)


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def support_edit(request: AuthedRequest, code: str, support: int) -> HttpResponse:
    """Correct a period of support; a colleague's correction made meanwhile is kept and shown (409)."""
    collaboration = get_collaboration_for(request.user, code)
    try:
        found = get_support_for(request.user, collaboration, support)
    except Http404:
        givers = support_givers(request.user, collaboration)
        if request.method == "POST" and givers and not _exists(collaboration, support):
            return _gone(request, collaboration, givers)
        raise
    givers = [found.organisation]
    initial = {name: getattr(found, name) for name in support_workflows.FIELDS}
    initial.update(organisation=found.organisation.pk, loaded=support_workflows.support_state(found))
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = SupportForm(posted, initial=initial, givers=givers)
    form.fields["organisation"].disabled = True
    moved_on: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = support_workflows.support_update(
                support=found, user=request.user, values=form.values(), loaded=form.loaded_digests()
            )
        except support_workflows.SupportGone:
            return _gone(request, collaboration, support_givers(request.user, collaboration))
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
    try:
        found = get_support_for(request.user, collaboration, support)
    except Http404:
        if (
            request.method == "POST"
            and support_givers(request.user, collaboration)
            and not _exists(collaboration, support)
        ):
            # A second click, or another tab: it is gone, which is what the person asked for.
            messages.info(request, _("Stödet är redan borttaget."))
            return redirect("support_list", code=collaboration.code)
        raise
    if request.method == "POST":
        support_workflows.support_remove(support=found, user=request.user)
        once.forget(_period_url(collaboration, found))
        messages.success(request, _("Stödet är borttaget: %(what)s.") % {"what": support_workflows.describe(found)})
        return redirect("support_list", code=collaboration.code)
    return render(
        request,
        "collaboration/followup/support_delete.html",
        {"collaboration": collaboration, "support": found, "what": support_workflows.describe(found)},
    )

"""A collaboration's parties: inviting an organisation, its invitation page with the answer, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from collaboration import parties as party_workflows
from collaboration.access import (
    acting_organisation,
    get_collaboration_for,
    get_party_for_answer,
)
from collaboration.forms.parties import PartyAnswerForm, PartyInviteForm, PartyLeaveForm
from collaboration.models import (
    Party,
)
from portal import drafts
from portal.http import AuthedRequest


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def party_invitation(request: AuthedRequest, code: str, organisation: str) -> HttpResponse:
    """An invited organisation's coordinator (or civil-society board member) accepts or declines."""
    party = get_party_for_answer(request.user, code, organisation)
    collaboration = party.collaboration
    if party.is_accepted:
        # Already in: a second click on Acceptera, or a colleague answered first.
        messages.info(
            request, _("%(organisation)s är redan med i samverkan.") % {"organisation": party.organisation.name}
        )
        return redirect("collaboration_detail", code=collaboration.code)
    # A message typed while the session ran out comes back, as typed.
    draft = drafts.restore(request) if request.method == "GET" else None
    form = (
        PartyAnswerForm(request.POST)
        if request.method == "POST"
        else PartyAnswerForm(initial=draft.dict() if draft is not None else None)
    )
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["action"] == "accept"
        try:
            party_workflows.party_answer(
                party=party, user=request.user, accept=accept, message=form.cleaned_data["message"]
            )
        except party_workflows.PartyStateError:
            raise Http404("Inbjudan gäller inte längre.") from None
        if accept:
            messages.success(
                request,
                _("%(organisation)s är nu med i ”%(title)s”.")
                % {"organisation": party.organisation.name, "title": collaboration.title},
            )
            return redirect("collaboration_detail", code=collaboration.code)
        messages.success(
            request,
            _("Ni har tackat nej till ”%(title)s”. De som bjöd in ser ert svar.") % {"title": collaboration.title},
        )
        return redirect("home")
    parties = list(
        Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation", "organisation__registered_by")
        .order_by("-organisation__sector", "organisation__name")
    )
    return render(
        request,
        "collaboration/party_invitation.html",
        {"party": party, "collaboration": collaboration, "form": form, "parties": parties},
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_invite(request: AuthedRequest, code: str) -> HttpResponse:
    """A member of a party that has accepted invites another organisation (e.g. phase 3's new actor)."""
    collaboration = get_collaboration_for(request.user, code)
    inviting = acting_organisation(request.user, collaboration)
    if inviting is None:  # pragma: no cover - get_collaboration_for already requires an accepted party
        raise Http404("Ingen sådan samverkan.")
    form = PartyInviteForm(request.POST if request.method == "POST" else None, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            party_workflows.party_invite(
                collaboration=collaboration,
                organisation=organisation,
                user=request.user,
                inviting_organisation=inviting,
            )
        except party_workflows.PartyStateError:
            messages.info(request, _("%(organisation)s är redan inbjuden.") % {"organisation": organisation.name})
        except party_workflows.RecentlyDeclinedError as declined:
            messages.info(
                request,
                _("%(organisation)s tackade nej nyligen. Ni kan bjuda in den igen från %(date)s.")
                % {"organisation": organisation.name, "date": date_format(timezone.localtime(declined.until), "j F Y")},
            )
        else:
            messages.success(
                request,
                _("%(organisation)s är inbjuden. Organisationen är med när dess samordnare har tackat ja.")
                % {"organisation": organisation.name},
            )
        return redirect("collaboration_detail", code=collaboration.code)
    return render(request, "collaboration/party_invite.html", {"collaboration": collaboration, "form": form})


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def party_leave(request: AuthedRequest, code: str, organisation: str) -> HttpResponse:
    """Take one's organisation out of a collaboration. Its texts stay, with their writers' names."""
    party = get_party_for_answer(request.user, code, organisation)
    if not party.is_accepted:
        raise Http404("Ingen sådan part.")
    collaboration = party.collaboration
    # A message typed while the session ran out comes back, as typed.
    draft = drafts.restore(request) if request.method == "GET" else None
    form = (
        PartyLeaveForm(request.POST)
        if request.method == "POST"
        else PartyLeaveForm(initial=draft.dict() if draft is not None else None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            party_workflows.party_leave(party=party, user=request.user, message=form.cleaned_data["message"])
        except party_workflows.LastPartyError:
            form.add_error(
                None,
                _(
                    "%(organisation)s är den enda parten som är med. Den sista parten kan inte lämna samverkan. "
                    "Bjud in en annan organisation först, eller låt samverkan vara."
                )
                % {"organisation": party.organisation.name},
            )
        else:
            messages.success(
                request,
                _("%(organisation)s har lämnat ”%(title)s”. Det ni har skrivit finns kvar hos de andra parterna.")
                % {"organisation": party.organisation.name, "title": collaboration.title},
            )
            return redirect("home")
    is_last = not Party.objects.accepted().filter(collaboration=collaboration).exclude(pk=party.pk).exists()
    return render(
        request,
        "collaboration/party_leave.html",
        {"party": party, "collaboration": collaboration, "form": form, "is_last": is_last},
    )

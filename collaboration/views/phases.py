"""A phase's pages: its review with the parties' confirmation ("Vi är överens") and reopening, comparing the parties' answers, and sharing one party's answers with the others."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.forms.phases import PartyChoiceForm, ReopenForm
from collaboration.guidance.cache import guide_content
from collaboration.models import (
    Phase,
)
from collaboration.phases import (
    ConfirmOutcome,
    answer_party,
    compare,
    phase_confirm,
    phase_consensus,
    phase_reopen,
    review,
    share_answers,
    shared_phases,
)
from collaboration.steps import get_guide, task_list
from portal import drafts
from portal.http import AuthedRequest


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def phase_review(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """The phase's answers, and each party's "Vi är överens" (see phases.phase_confirm)."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    phase_obj = guide_content(guide).phase(phase)
    if phase_obj is None:
        raise Http404("Ingen sådan fas.")
    acting = acting_organisation(request.user, collaboration, phase_slug=phase, guide_slug=guide)
    answer_party(phase_obj, acting)  # 404 for a phase closed to the party (per-party answers)
    organisations = collaboration.organisations_of(request.user)
    consensus = phase_consensus(collaboration, [phase_obj])[phase_obj.pk]
    # Confirm for a party that has not yet; all of them may confirm again once nobody is awaited
    # (the last awaited party left), which completes the phase.
    unconfirmed = (
        organisations
        if consensus.everyone_confirmed
        else [o for o in organisations if consensus.confirmed_by(o) is None]
    )
    confirm_form = PartyChoiceForm(organisations=unconfirmed, auto_id="bekrafta-%s")
    reopen_form = ReopenForm(organisations=organisations, auto_id="oppna-%s")
    draft = drafts.restore(request) if request.method == "GET" else None
    if draft is not None and draft.get("reason"):
        # A reason typed while the session ran out comes back, ready to send again.
        reopen_form = ReopenForm(draft, organisations=organisations, auto_id="oppna-%s")
    status = 200
    if request.method == "POST" and phase_obj.is_per_party:
        # Each party answers such a phase for itself: there is nothing to agree on together.
        raise Http404("Den här fasen bekräftas inte gemensamt.")
    if request.method == "POST":
        here = reverse("phase_review", args=[collaboration.code, guide, phase])
        if request.POST.get("action") == "reopen":
            reopen_form = ReopenForm(request.POST, organisations=organisations, auto_id="oppna-%s")
            if reopen_form.is_valid() and phase_reopen(
                collaboration=collaboration,
                phase=phase_obj,
                user=request.user,
                organisation=reopen_form.chosen(),
                reason=reopen_form.cleaned_data["reason"],
            ):
                messages.success(request, _("Fasen ”%(phase)s” är öppnad igen.") % {"phase": phase_obj.title})
                return redirect(here)
            status = 400
        else:
            # Any of the person's parties: a second click (already confirmed) is answered, not refused.
            confirm_form = PartyChoiceForm(request.POST, organisations=organisations, auto_id="bekrafta-%s")
            if confirm_form.is_valid():
                outcome = phase_confirm(
                    collaboration=collaboration, phase=phase_obj, user=request.user, organisation=confirm_form.chosen()
                )
                if outcome is ConfirmOutcome.COMPLETED:
                    messages.success(
                        request, _("Alla parter är överens. Fasen ”%(phase)s” är klar.") % {"phase": phase_obj.title}
                    )
                    return redirect("task_list", code=collaboration.code, guide=guide)
                if outcome is ConfirmOutcome.CONFIRMED:
                    messages.success(
                        request,
                        _("%(organisation)s har bekräftat fasen. Nu väntar vi på de andra parterna.")
                        % {"organisation": confirm_form.chosen().name},
                    )
                elif outcome is ConfirmOutcome.ALREADY_DONE:
                    messages.info(request, _("Fasen är redan klar."))
                elif outcome is ConfirmOutcome.ENDED:
                    messages.info(request, _("Samverkan är avslutad. Öppna den igen innan ni bekräftar fler faser."))
                else:
                    messages.error(request, _("Markera alla steg i fasen som klara innan ni markerar fasen som klar."))
                return redirect(here)
            status = 400
    rows = task_list(collaboration, guide_obj, party=acting)
    row = next(r for r in rows if r.phase.pk == phase_obj.pk)
    return render(
        request,
        "collaboration/review.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "sections": review(collaboration, guide_obj, phase_obj, party=acting),
            "acting": acting,
            "shared_phases": shared_phases(collaboration, acting),
            "phase": phase_obj,
            "phase_row": row,
            "consensus": row.consensus,
            "confirm_form": confirm_form,
            "reopen_form": reopen_form,
            "may_confirm": bool(unconfirmed) and row.completion is None,
            "may_reopen": bool(organisations) and (row.completion is not None or bool(consensus.confirmations)),
        },
        status=status,
    )


def _shareable_phase(guide_slug: str, phase_slug: str) -> tuple[Any, Phase]:
    guide_obj = get_guide(guide_slug)
    phase_obj = guide_content(guide_slug).phase(phase_slug)
    if phase_obj is None or not phase_obj.is_shareable:
        raise Http404("Ingen sådan fas.")
    return guide_obj, phase_obj


@login_required
@require_safe
def phase_compare(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """The parties' own answers side by side: the reader's own, and those the other parties share."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj, phase_obj = _shareable_phase(guide, phase)
    acting = acting_organisation(request.user, collaboration)
    comparison = compare(collaboration, phase_obj, party=acting)
    return render(
        request,
        "collaboration/compare.html",
        {"collaboration": collaboration, "guide": guide_obj, "acting": acting, "comparison": comparison},
    )


@login_required
@require_POST
def phase_share(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """Share the acting party's own answers in a phase with the other parties, or take the sharing back."""
    collaboration = get_collaboration_for(request.user, code)
    phase_obj = _shareable_phase(guide, phase)[1]
    acting = acting_organisation(request.user, collaboration)
    if acting is None:
        raise Http404("Ingen part att dela för.")
    share = request.POST.get("action") != "unshare"
    changed = share_answers(
        collaboration=collaboration, phase=phase_obj, organisation=acting, user=request.user, share=share
    )
    if share:
        message = _("Svaren från %(org)s i ”%(phase)s” är nu delade med de andra parterna.")
    else:
        message = _("Svaren från %(org)s i ”%(phase)s” delas inte längre. De syns bara för er från och med nu.")
    if changed:
        messages.success(request, message % {"org": acting.name, "phase": phase_obj.title})
    next_url = request.POST.get("next", "")
    if next_url == "jamfor":
        return redirect("phase_compare", code=collaboration.code, guide=guide, phase=phase)
    return redirect("task_list", code=collaboration.code, guide=guide)

"""The principle check: each party rates the six principles; the parties' views side by side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from collaboration.access import get_collaboration_for
from collaboration.forms.principle_check import PrincipleRatingForm
from collaboration.models import Organisation, PrincipleRating
from collaboration.principle_check import (
    latest_principle_ratings,
    principle_lines,
    principles_rate,
    rating_history,
)
from portal import drafts
from portal.http import AuthedRequest
from principles.models import Principle


@login_required
@require_safe
def principle_check(request: AuthedRequest, code: str) -> HttpResponse:
    """Every party's latest view of each principle side by side, where they differ, and the history."""
    collaboration = get_collaboration_for(request.user, code)
    lines = principle_lines(collaboration)
    return render(
        request,
        "collaboration/principle_check.html",
        {
            "collaboration": collaboration,
            "lines": lines,
            "parties": [o for o, _ in lines[0].ratings] if lines else [],
            "differing": [line for line in lines if line.differ],
            "history": rating_history(collaboration),
            "may_rate": bool(collaboration.organisations_of(request.user)),
        },
    )


def _chosen(organisations: list[Organisation], code: str | None) -> Organisation | None:
    if not code:
        return organisations[0] if len(organisations) == 1 else None
    return next((o for o in organisations if str(o.code) == code), None)


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def principle_rate(request: AuthedRequest, code: str) -> HttpResponse:
    """Rate the principles for one of the person's parties (chosen first when they belong to several)."""
    collaboration = get_collaboration_for(request.user, code)
    organisations = collaboration.organisations_of(request.user)
    # Comments typed while the session ran out come back here, as typed (nothing is saved until Spara).
    draft = drafts.restore(request) if request.method == "GET" else None
    source = request.POST if request.method == "POST" else (draft or request.GET)
    organisation = _chosen(organisations, source.get("part"))
    context: dict[str, Any] = {"collaboration": collaboration, "organisations": organisations}
    if organisation is None:
        # A person in several parties says which one they speak for.
        context["choose_party"] = True
        return render(request, "collaboration/principle_rate.html", context, status=400 if source.get("part") else 200)
    principles = list(Principle.objects.all())
    latest = latest_principle_ratings(collaboration)
    initial: dict[str, str] = {}
    moved_on: list[Principle] = []
    for p in principles:
        rating: PrincipleRating | None = latest.get((organisation.pk, p.pk))
        initial[f"base-{p.slug}"] = str(rating.pk if rating else 0)
        if rating is not None:
            initial[f"rating-{p.slug}"] = rating.rating
            initial[f"comment-{p.slug}"] = rating.comment
    if request.method == "POST":
        form = PrincipleRatingForm(request.POST, principles=principles)
        if form.is_valid():
            new = principles_rate(
                collaboration=collaboration,
                user=request.user,
                organisation=organisation,
                ratings=form.ratings(),
                moved_on=moved_on,
            )
        if form.is_valid() and moved_on:
            # A colleague rated some principles meanwhile: theirs stand; this person's choices stay in the
            # form on the newest bases, so saving again is a decision made with both known.
            data = request.POST.copy()
            for p in principles:
                data[f"base-{p.slug}"] = initial[f"base-{p.slug}"]
            form = PrincipleRatingForm(data, principles=principles)
            form.is_valid()
            context["moved_on"] = moved_on
            context["latest"] = {p.pk: latest.get((organisation.pk, p.pk)) for p in moved_on}
            status = 409
        elif form.is_valid():
            if new:
                messages.success(
                    request,
                    _("%(organisation)s bedömning av principerna är sparad.") % {"organisation": organisation.name},
                )
            else:
                messages.info(request, _("Ni bedömde principerna likadant förra gången, så inget nytt sparades."))
            return redirect("principle_check", code=collaboration.code)
        else:
            status = 400
    elif draft is not None:
        form = PrincipleRatingForm(draft, initial=initial, principles=principles)
        status = 200
    else:
        form = PrincipleRatingForm(initial=initial, principles=principles)
        status = 200
    context.update(
        {"form": form, "organisation": organisation, "choose_party": False, "restored_draft": draft is not None}
    )
    return render(request, "collaboration/principle_rate.html", context, status=status)

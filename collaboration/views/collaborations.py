from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from collaboration import services
from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.chooser import ChooserForm, recommend
from collaboration.forms import CollaborationCreateForm
from collaboration.models import CollaborationForm, FormChoice, Membership, Organisation, Party, Sector, StepProgress
from collaboration.process import MODEL_GUIDE
from portal import drafts, once
from portal.http import AuthedRequest


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Samverkan är redan skapad. Du skickade formuläret en gång till, så här är den."))
def collaboration_create(request: AuthedRequest) -> HttpResponse:
    memberships = list(Membership.objects.active().filter(user=request.user).select_related("organisation"))
    if not memberships:
        raise PermissionDenied(_("Du behöver tillhöra en organisation för att starta en samverkan."))
    organisations = [m.organisation for m in memberships]
    acting: Organisation = organisations[0]
    initial = {"public_party": acting.pk} if acting.sector == Sector.PUBLIC else {"civil_parties": [acting.pk]}
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = CollaborationCreateForm(posted, initial=initial, acting_choices=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        with once.creating(request) as created_at:
            collaboration = services.collaboration_create(
                user=request.user,
                acting_organisation=data.get("acting_organisation") or acting,
                title=data["title"],
                description=data["description"],
                public_party=data["public_party"],
                civil_parties=list(data["civil_parties"]),
                form=data["form"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
            created_at(reverse("collaboration_detail", args=[collaboration.code]))
        messages.success(request, _("Samverkan ”%(title)s” är skapad.") % {"title": collaboration.title})
        return redirect("collaboration_detail", code=collaboration.code)
    return render(
        request,
        "collaboration/create.html",
        {
            "form": form,
            "acting": acting if len(organisations) == 1 else None,
            "restored_draft": request.method == "GET" and posted is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_delete(request: AuthedRequest, code: str) -> HttpResponse:
    """A confirmation page, and the POST that deletes a collaboration its creator started by mistake."""
    collaboration = get_collaboration_for(request.user, code)
    if not collaboration.can_be_deleted_by(request.user):
        raise Http404("Ingen samverkan som du kan ta bort.")
    if request.method == "POST":
        if not services.collaboration_delete(collaboration=collaboration, user=request.user):
            raise Http404("Ingen samverkan som du kan ta bort.")
        messages.success(request, _("Samverkan ”%(title)s” är borttagen.") % {"title": collaboration.title})
        return redirect("home")
    return render(request, "collaboration/delete.html", {"collaboration": collaboration})


@login_required
@require_safe
def collaboration_detail(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    parties = list(
        Party.objects.filter(collaboration=collaboration)
        .select_related("organisation", "contact")
        .order_by("organisation__sector", "organisation__name")
    )
    latest_choice = (
        FormChoice.objects.filter(collaboration=collaboration)
        .select_related("form", "chosen_by", "chosen_by_organisation")
        .first()
    )
    involved = list(
        StepProgress.objects.filter(collaboration=collaboration, updated_by__isnull=False)
        .select_related("updated_by", "updated_by_organisation")
        .order_by("-updated_at")[:200]
    )
    people: dict[int, tuple[object, object]] = {}
    for row in involved:
        people.setdefault(row.updated_by_id, (row.updated_by, row.updated_by_organisation))  # type: ignore[arg-type]
    return render(
        request,
        "collaboration/detail.html",
        {
            "collaboration": collaboration,
            "public_parties": [p for p in parties if p.organisation.sector == Sector.PUBLIC],
            "civil_parties": [p for p in parties if p.organisation.sector == Sector.CIVIL],
            "latest_choice": latest_choice,
            "people": list(people.values()),
            "model_guide": MODEL_GUIDE,
            "can_delete": collaboration.can_be_deleted_by(request.user),
        },
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Valet av samverkansform är redan sparat. Du skickade formuläret en gång till."))
def form_chooser(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    catalogue = {f.slug: f for f in CollaborationForm.objects.all()}
    action = request.POST.get("action", "")
    # A draft kept while the person was signed out comes back as if just posted, without saving.
    data = request.POST if request.method == "POST" else drafts.restore(request)
    form = ChooserForm(data)
    context: dict[str, object] = {
        "collaboration": collaboration,
        "form": form,
        "catalogue": list(catalogue.values()),
        "restored_draft": request.method == "GET" and data is not None,
    }
    if data is not None and form.is_valid():
        recommended, advised_against = recommend(form.cleaned_data)
        context.update(
            {
                "recommended": [(catalogue[r.slug], r) for r in recommended if r.slug in catalogue],
                "advised_against": [(catalogue[r.slug], r) for r in advised_against if r.slug in catalogue],
                "show_result": True,
            }
        )
        if request.method == "POST" and action == "choose":
            slug = request.POST.get("chosen_form", "")
            reason = request.POST.get("reason", "")
            chosen = catalogue.get(slug)
            errors = {}
            if chosen is None:
                errors["chosen_form"] = _("Välj den samverkansform ni vill använda.")
            if len(reason) > 2000:
                errors["reason"] = _("Motiveringen får vara högst 2000 tecken (nu %(count)d).") % {"count": len(reason)}
            if not errors and chosen is not None:
                with once.creating(request) as created_at:
                    choice = FormChoice.objects.create(
                        collaboration=collaboration,
                        answers=form.cleaned_data,
                        form=chosen,
                        reason=reason,
                        chosen_by=request.user,
                        chosen_by_organisation=acting_organisation(request.user, collaboration),
                    )
                    choice.recommended.set([catalogue[r.slug] for r in recommended if r.slug in catalogue])
                    collaboration.form = chosen
                    collaboration.save(update_fields=["form", "updated_at"])
                    created_at(reverse("collaboration_detail", args=[collaboration.code]))
                messages.success(request, _("Samverkansformen är nu %(form)s.") % {"form": chosen.name})
                return redirect("collaboration_detail", code=collaboration.code)
            context.update({"choice_errors": errors, "chosen_slug": slug, "reason": reason})
        else:
            context["chosen_slug"] = data.get("chosen_form") or (recommended[0].slug if recommended else "")
            context["reason"] = data.get("reason", "")
    return render(request, "collaboration/chooser.html", context)

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration import collaborations as collaboration_workflows
from collaboration.access import (
    acting_organisation,
    check_may_delete,
    check_may_start_collaboration,
    get_collaboration_for,
)
from collaboration.expectations import expected_of
from collaboration.forms.collaborations import (
    ActivityFilterForm,
    CollaborationCreateForm,
    CollaborationEditForm,
    CollaborationEndForm,
    FormChoiceForm,
)
from collaboration.guidance.chooser import ChooserForm, recommend
from collaboration.models import (
    Activity,
    CollaborationForm,
    FormChoice,
    Organisation,
    Party,
    PartyState,
    Sector,
    StepProgress,
)
from collaboration.phases import MODEL_GUIDE
from portal import drafts, once
from portal.http import AuthedRequest


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Samverkan är redan skapad. Du skickade formuläret en gång till, så här är den."))
def collaboration_create(request: AuthedRequest) -> HttpResponse:
    organisations = check_may_start_collaboration(request.user)
    acting: Organisation = organisations[0]
    initial = {"public_party": acting.pk} if acting.sector == Sector.PUBLIC else {"civil_parties": [acting.pk]}
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = CollaborationCreateForm(posted, initial=initial, acting_choices=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        with once.creating(request) as created_at:
            collaboration = collaboration_workflows.collaboration_create(
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
    check_may_delete(request.user, collaboration)
    if request.method == "POST":
        if not collaboration_workflows.collaboration_delete(collaboration=collaboration, user=request.user):
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
        .select_related("organisation", "organisation__registered_by", "contact", "invited_by", "answered_by")
        .order_by("organisation__sector", "organisation__name")
    )
    accepted = [p for p in parties if p.is_accepted]
    answerable = set(
        Party.objects.answerable_by(request.user)
        .filter(collaboration=collaboration, state=PartyState.ACCEPTED)
        .values_list("pk", flat=True)
    )
    latest_choice = (
        FormChoice.objects.filter(collaboration=collaboration)
        .select_related("form", "chosen_by", "chosen_by_organisation")
        .first()
    )
    involved = list(
        # Work in the joint steps only: a party's own workspace is nobody else's business.
        StepProgress.objects.filter(
            collaboration=collaboration, updated_by__isnull=False, party_organisation__isnull=True
        )
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
            "public_parties": [p for p in accepted if p.organisation.sector == Sector.PUBLIC],
            "civil_parties": [p for p in accepted if p.organisation.sector == Sector.CIVIL],
            # The inviting side sees who has not said yes (yet), and why if they said so.
            "other_parties": [p for p in parties if not p.is_accepted],
            "can_leave": [p for p in accepted if p.pk in answerable],
            "latest_choice": latest_choice,
            "people": list(people.values()),
            "model_guide": MODEL_GUIDE,
            "can_delete": collaboration.can_be_deleted_by(request.user),
            "expectations": expected_of(request.user, collaboration),
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
    # Without new answers, start from the ones given last time (the latest recorded choice).
    previous = FormChoice.objects.filter(collaboration=collaboration).first() if data is None else None
    form = ChooserForm(data, initial=previous.answers if previous else None)
    context: dict[str, object] = {
        "collaboration": collaboration,
        "form": form,
        "catalogue": list(catalogue.values()),
        "restored_draft": request.method == "GET" and data is not None,
        "previous_choice": previous,
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
            choice_form = FormChoiceForm(request.POST, slugs=list(catalogue))
            if choice_form.is_valid():
                chosen = catalogue[choice_form.cleaned_data["chosen_form"]]
                with once.creating(request) as created_at:
                    choice = FormChoice.objects.create(
                        collaboration=collaboration,
                        answers=form.cleaned_data,
                        form=chosen,
                        reason=choice_form.cleaned_data["reason"],
                        chosen_by=request.user,
                        chosen_by_organisation=acting_organisation(request.user, collaboration),
                    )
                    choice.recommended.set([catalogue[r.slug] for r in recommended if r.slug in catalogue])
                    collaboration.form = chosen
                    collaboration.save(update_fields=["form", "updated_at"])
                    created_at(reverse("collaboration_detail", args=[collaboration.code]))
                messages.success(request, _("Samverkansformen är nu %(form)s.") % {"form": chosen.name})
                return redirect("collaboration_detail", code=collaboration.code)
            errors = {name: error_list[0] for name, error_list in choice_form.errors.items()}
            # Show the text as typed, without the characters that cannot be stored.
            slug = request.POST.get("chosen_form", "")
            reason = request.POST.get("reason", "").replace("\x00", "")
            context.update({"choice_errors": errors, "chosen_slug": slug, "reason": reason})
        else:
            context["chosen_slug"] = data.get("chosen_form") or (recommended[0].slug if recommended else "")
            context["reason"] = data.get("reason", "")
    return render(request, "collaboration/chooser.html", context)


# --- Who does what, and the collaboration's own life ---------------------------------------------


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def collaboration_edit(request: AuthedRequest, code: str) -> HttpResponse:
    """Change title, description, period and each party's contact person."""
    collaboration = get_collaboration_for(request.user, code)
    parties = list(
        Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("-organisation__sector", "organisation__name")
    )
    initial: dict[str, object] = {
        "title": collaboration.title,
        "description": collaboration.description,
        "starts_on": collaboration.starts_on,
        "ends_on": collaboration.ends_on,
        **{f"contact_{p.pk}": p.contact_id for p in parties},
    }
    initial["loaded"] = collaboration_workflows.edit_state(collaboration, parties)
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = CollaborationEditForm(posted, initial=initial, parties=parties)
    status = 200
    moved_on: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = collaboration_workflows.collaboration_edit(
            collaboration=collaboration,
            user=request.user,
            acting_organisation=acting_organisation(request.user, collaboration),
            title=data["title"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            contacts=form.contacts(),
            loaded=form.loaded_digests(),
        )
        if not result.moved_on:
            if result.changed:
                messages.success(request, _("Ändringarna är sparade."))
            else:
                messages.info(request, _("Du ändrade ingenting."))
            return redirect("collaboration_detail", code=collaboration.code)
        # A colleague changed some of the same fields meanwhile: theirs stand, the person's own stay in
        # the form, and the page now stands on what is stored, so saving again is a decision.
        moved_on = result.moved_on
        data = request.POST.copy()
        data["loaded"] = collaboration_workflows.edit_state(collaboration, parties)
        form = CollaborationEditForm(data, initial=initial, parties=parties)
        form.is_valid()
        status = 409
    labels = {name: str(form[name].label) for name in form.fields}
    return render(
        request,
        "collaboration/edit.html",
        {
            "collaboration": collaboration,
            "form": form,
            "contact_fields": [form[f"contact_{p.pk}"] for p in parties],
            "restored_draft": request.method == "GET" and posted is not None,
            "moved_on": [labels.get(name, name) for name in moved_on],
            "saved_other": bool(request.method == "POST" and moved_on),
        },
        status=status,
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def collaboration_end(request: AuthedRequest, code: str) -> HttpResponse:
    """End the collaboration with a closing note; archive or reopen it afterwards."""
    collaboration = get_collaboration_for(request.user, code)
    posted = request.POST if request.method == "POST" else drafts.restore(request)
    form = CollaborationEndForm(posted)
    if collaboration.is_ended:
        typed = form.data.get("closing_note", "").strip() if request.method == "POST" else ""
        if typed and typed != collaboration.closing_note.strip():
            # Someone ended it a moment ago with another note: this person's note is shown, not dropped.
            return render(
                request,
                "collaboration/end.html",
                {"collaboration": collaboration, "form": form, "already_ended": True},
                status=409,
            )
        messages.info(request, _("Samverkan är redan avslutad."))
        return redirect("collaboration_detail", code=collaboration.code)
    if request.method == "POST" and form.is_valid():
        collaboration_workflows.collaboration_end(
            collaboration=collaboration,
            user=request.user,
            acting_organisation=acting_organisation(request.user, collaboration),
            closing_note=form.cleaned_data["closing_note"],
        )
        messages.success(request, _("Samverkan ”%(title)s” är avslutad.") % {"title": collaboration.title})
        return redirect("collaboration_detail", code=collaboration.code)
    return render(
        request,
        "collaboration/end.html",
        {
            "collaboration": collaboration,
            "form": form,
            "restored_draft": request.method == "GET" and posted is not None,
        },
    )


@login_required
@require_POST
def collaboration_archive(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    collaboration_workflows.collaboration_archive(
        collaboration=collaboration,
        user=request.user,
        acting_organisation=acting_organisation(request.user, collaboration),
    )
    messages.success(
        request,
        _("Samverkan ”%(title)s” är arkiverad. Du hittar den under Visa arkiverade på startsidan.")
        % {"title": collaboration.title},
    )
    return redirect("collaboration_detail", code=collaboration.code)


@login_required
@require_POST
def collaboration_reopen(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    collaboration_workflows.collaboration_reopen(
        collaboration=collaboration,
        user=request.user,
        acting_organisation=acting_organisation(request.user, collaboration),
    )
    messages.success(request, _("Samverkan ”%(title)s” är öppnad igen.") % {"title": collaboration.title})
    return redirect("collaboration_detail", code=collaboration.code)


ACTIVITY_PAGE_SIZE = 30


@login_required
@require_safe
def activity_log(request: AuthedRequest, code: str) -> HttpResponse:
    """Who did what and when in the collaboration, newest first, filterable by kind."""
    collaboration = get_collaboration_for(request.user, code)
    filter_form = ActivityFilterForm(request.GET)
    kind = filter_form.cleaned_data["handelse"] if filter_form.is_valid() else ""
    entries = Activity.objects.filter(collaboration=collaboration).select_related("actor", "organisation")
    if kind:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "collaboration/activity_log.html",
        {"collaboration": collaboration, "page": page, "filter_form": filter_form, "kind": kind},
    )

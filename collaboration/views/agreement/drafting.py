"""The agreement's draft: overview, starting it, writing together, party details, sending, new versions, comparing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration.access import acting_organisation, get_collaboration_for, may_register_approvals, party_organisations
from collaboration.agreement import drafting as service  # this module's own workflow
from collaboration.agreement import versions
from collaboration.cowriting.contract import Base, Edit, SaveReport
from collaboration.cowriting.forms import SharedTextForm
from collaboration.cowriting.page import edit_page, is_autosave, signed_out
from collaboration.forms.agreement import PartyDetailsForm
from collaboration.models import (
    Agreement,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Membership,
    Party,
)
from collaboration.print_text import MAX_PAGES
from collaboration.views.agreement.common import _agreement_for, _party_rows
from portal import drafts
from portal.http import AnyRequest, AuthedRequest

EDIT_TEMPLATE = "collaboration/agreement/edit.html"


# --- Overview -----------------------------------------------------------------------------------


@dataclass
class SectionView:
    section: AgreementSection
    text: AgreementText | None
    newer: list[service.SourceAnswer] = field(default_factory=list)
    sources: list[service.SourceAnswer] = field(default_factory=list)


@login_required
@require_safe
def agreement_detail(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = service.get_agreement(collaboration)
    context: dict[str, Any] = {"collaboration": collaboration, "agreement": agreement}
    if agreement is None:
        sources = service.section_sources(collaboration)
        context["answered_sections"] = [s for s in sources.values() if s.answers]
        return render(request, "collaboration/agreement/start.html", context)
    agreement.collaboration = collaboration
    texts = service.section_texts(agreement)
    sources = service.section_sources(collaboration)
    sections = []
    for section in service.active_sections():
        text = texts.get(section.pk)
        found = sources.get(section.pk)
        sections.append(
            SectionView(
                section=section,
                text=text,
                sources=found.answers if found else [],
                newer=found.newer_than(text.filled_from if text else {}) if found and text and text.filled_at else [],
            )
        )
    # Under review, the parties the version names; otherwise those the next version will name.
    in_review = agreement.state == AgreementState.GRANSKNING
    party_rows = _party_rows(collaboration, None)
    approval_rows = _party_rows(collaboration, agreement.latest_version) if agreement.latest_version else []
    upcoming = approval_rows if in_review else party_rows
    versions = list(
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("sent_by", "sent_by_organisation")
        .prefetch_related("approvals")
        .defer("content")
        .order_by("-number")
    )
    context.update(
        {
            "sections": sections,
            "versions": versions,
            "party_rows": party_rows,
            "approval_rows": approval_rows,
            "no_approver": [r for r in upcoming if r.no_approver and r.named],
            "may_register": may_register_approvals(request.user, collaboration),
            "under_review": agreement.state == AgreementState.GRANSKNING,
            "notice": service.state_notice(agreement),
            "has_text": any(s.text and s.text.text.strip() for s in sections),
            "own_parties": {o.pk for o in party_organisations(request.user, collaboration)},
        }
    )
    return render(request, "collaboration/agreement/detail.html", context)


@login_required
@require_POST
def agreement_start(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    from_process = request.POST.get("action") == "from-process"
    try:
        service.agreement_start(
            collaboration=collaboration,
            user=request.user,
            organisation=acting_organisation(request.user, collaboration),
            from_process=from_process,
        )
    except service.AgreementLocked:
        messages.error(request, _("Avsiktsförklaringen är fastställd. Påbörja en ny version innan ni ändrar den."))
        return redirect("agreement_detail", code=collaboration.code)
    if from_process:
        messages.success(
            request,
            _(
                "Utkastet är skapat. Avsnitt som redan hade text är orörda; tomma avsnitt har fått svaren från processen."
            ),
        )
    return redirect("agreement_edit", code=collaboration.code)


@login_required
@require_POST
def agreement_pull(request: AuthedRequest, code: str, section: str) -> HttpResponse:
    """Add process answers written after the draft was made to the end of one section's text."""
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    section_obj = next((s for s in service.text_sections() if s.slug == section), None)
    if section_obj is None:
        raise Http404("Inget sådant avsnitt.")
    here = reverse("agreement_detail", args=[collaboration.code]) + f"#avsnitt-{section}"
    text = service.section_texts(agreement).get(section_obj.pk)
    newer = service.section_sources(collaboration)[section_obj.pk].newer_than(text.filled_from if text else {})
    base = Base.parse(request.POST.get("base", ""))
    if not newer:
        messages.info(request, _("Det finns inga nyare svar att hämta till ”%(s)s”.") % {"s": section_obj.title})
        return redirect(here)
    current = text.text if text else ""
    combined = "\n\n".join(t for t in (current.rstrip(), *(a.text for a in newer)) if t)
    try:
        report = service.agreement_save(
            agreement=agreement,
            edits=[Edit(slot=section_obj, text=combined, base=base)],
            writer="hamta-svar",
            user=request.user,
            organisation=acting_organisation(request.user, collaboration),
            filled_from={section_obj.pk: {a.question_code: a.version for a in newer}},
        )
    except service.AgreementLocked:
        messages.error(request, _("Avsiktsförklaringen är fastställd. Påbörja en ny version innan ni ändrar den."))
        return redirect(here)
    if report.conflicts or not report.saved:
        messages.error(
            request,
            _("Texten i ”%(s)s” har ändrats sedan du öppnade sidan. Läs den nya texten och försök igen.")
            % {"s": section_obj.title},
        )
    else:
        messages.success(request, _("De nyare svaren är tillagda sist i ”%(s)s”.") % {"s": section_obj.title})
    return redirect(here)


# --- Writing together ---------------------------------------------------------------------------


@dataclass
class AgreementPage:
    """The editing page's boxes, in the shape `cowriting.page.edit_page` expects."""

    questions: list[AgreementSection]
    answers: dict[int, AgreementText]
    groups: list[Any]


def _page(agreement: Agreement) -> AgreementPage:
    sections = service.text_sections()
    return AgreementPage(
        questions=sections,
        answers=service.section_texts(agreement),
        groups=[SimpleNamespace(heading="", questions=sections)],
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AnyRequest, code: str) -> HttpResponse:
    """Write the draft together: the same autosave, versions and conflict view as the step pages."""
    if (response := signed_out(request, EDIT_TEMPLATE)) is not None:
        return response
    authed: AuthedRequest = request  # type: ignore[assignment]
    collaboration = get_collaboration_for(authed.user, code)
    agreement = _agreement_for(collaboration)
    page = _page(agreement)
    action = request.POST.get("action", "save")
    acting = acting_organisation(authed.user, collaboration)
    context: dict[str, Any] = {
        "collaboration": collaboration,
        "agreement": agreement,
        "page": page,
        "notice": service.state_notice(agreement),
    }

    def locked() -> HttpResponse:
        if request.method == "POST":
            drafts.stash(request)  # what was typed in a page opened before adoption is kept
        return render(
            request, "collaboration/agreement/locked.html", context, status=409 if request.method == "POST" else 200
        )

    if agreement.is_locked:
        return locked()

    def save(form: SharedTextForm, valid: bool) -> SaveReport | HttpResponse:
        try:
            return service.agreement_save(
                agreement=agreement,
                edits=form.edits(explicit=not is_autosave(request)),
                writer=form.writer_token(),
                user=authed.user,
                organisation=acting,
            )
        except service.AgreementLocked:
            return locked()

    def after_save(form: SharedTextForm, report: SaveReport) -> HttpResponse:
        if report.stale:
            messages.info(
                request,
                _("En kollega hade ändrat några avsnitt som du inte rörde. Deras nya text står kvar och visas nu."),
            )
        messages.success(request, _("Avsiktsförklaringen är sparad."))
        if action == "save-send":
            return redirect("agreement_send", code=collaboration.code)
        if action == "save":
            return redirect(request.path)
        return redirect("agreement_detail", code=collaboration.code)

    return edit_page(request, template=EDIT_TEMPLATE, context=context, page=page, save=save, after_save=after_save)


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def agreement_party(request: AuthedRequest, code: str, organisation: str) -> HttpResponse:
    """A party's own details in the agreement: contact person and diarienummer. Only its own people change them."""
    collaboration = get_collaboration_for(request.user, code)
    party = (
        Party.objects.accepted()
        .filter(
            collaboration=collaboration,
            organisation__code=organisation,
            organisation__memberships__user=request.user,
            organisation__memberships__is_active=True,
        )
        .select_related("organisation", "contact")
        .first()
    )
    if party is None:
        raise Http404("Ingen sådan part.")
    people = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation=party.organisation)
        .select_related("user")
        .order_by("user__full_name")
    ]
    initial = {"contact": party.contact_id, "reference": party.reference}
    draft = drafts.restore(request) if request.method == "GET" else None
    if draft is not None:
        initial.update({k: draft.get(k, "") for k in ("contact", "reference") if k in draft})
    form = PartyDetailsForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        service.party_details(
            party=party,
            contact=next((u for u in people if u.pk == form.cleaned_data["contact"]), None),
            reference=form.cleaned_data["reference"].strip(),
            user=request.user,
        )
        messages.success(request, _("Uppgifterna för %(org)s är sparade.") % {"org": party.organisation.name})
        return redirect("agreement_detail", code=collaboration.code)
    return render(
        request,
        "collaboration/agreement/party.html",
        {"collaboration": collaboration, "party": party, "form": form, "restored_draft": draft is not None},
        status=400 if request.method == "POST" else 200,
    )


# --- Sending, new versions ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_send(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    if request.method == "POST":
        outcome, version = versions.agreement_send(
            agreement=agreement, user=request.user, organisation=acting_organisation(request.user, collaboration)
        )
        if outcome is versions.SendOutcome.SENT and version is not None:
            messages.success(
                request,
                _("Version %(n)d är skickad för granskning. Parterna får ett meddelande.") % {"n": version.number},
            )
            return redirect("agreement_version", code=collaboration.code, number=version.number)
        if outcome is versions.SendOutcome.IN_REVIEW and version is not None:
            messages.info(
                request, _("Den här texten är redan skickad för granskning som version %(n)d.") % {"n": version.number}
            )
            return redirect("agreement_version", code=collaboration.code, number=version.number)
        if outcome is versions.SendOutcome.EMPTY:
            messages.error(request, _("Skriv något i avsiktsförklaringen innan ni skickar den för granskning."))
        elif outcome is versions.SendOutcome.TOO_LONG:
            messages.error(
                request,
                _(
                    "Avsiktsförklaringen blir längre än %(limit)d sidor och kan då inte skrivas ut eller arkiveras. "
                    "Korta de längsta avsnitten (eller ta bort tomma rader) och skicka den sedan. Texten är kvar som "
                    "den skrevs."
                )
                % {"limit": MAX_PAGES},
            )
            return redirect("agreement_edit", code=collaboration.code)
        else:
            messages.error(request, _("Avsiktsförklaringen är fastställd. Påbörja en ny version innan ni ändrar den."))
        return redirect("agreement_detail", code=collaboration.code)
    texts = service.section_texts(agreement)
    empty = [s for s in service.text_sections() if not (s.pk in texts and texts[s.pk].text.strip())]
    next_number = (agreement.latest_version.number if agreement.latest_version else 0) + 1
    rows = _party_rows(collaboration, None)
    return render(
        request,
        "collaboration/agreement/send.html",
        {
            "collaboration": collaboration,
            "agreement": agreement,
            "empty_sections": empty,
            "next_number": next_number,
            "party_rows": rows,
            "no_approver": [r for r in rows if r.no_approver],
            "may_register": may_register_approvals(request.user, collaboration),
            "under_review": False,
        },
    )


@login_required
@require_POST
def agreement_revise(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    if service.agreement_revise(
        agreement=agreement, user=request.user, organisation=acting_organisation(request.user, collaboration)
    ):
        messages.success(
            request,
            _(
                "Ni kan nu ändra texten. Den fastställda versionen gäller tills en ny version har godkänts av alla parter."
            ),
        )
    return redirect("agreement_edit", code=collaboration.code)


# --- Comparing versions ------------------------------------------------------------------------


DRAFT = service.DIFF_DRAFT

VERSION_NUMBER = re.compile(r"[1-9][0-9]{0,8}", re.ASCII)


def _texts_of(agreement: Agreement, choice: str) -> tuple[str, dict[str, dict[str, str]]] | None:
    """The sections (slug → title and text) of a version number, or of the current draft."""
    if choice == DRAFT:
        texts = service.section_texts(agreement)
        return _("Nuvarande text"), {
            s.slug: {"title": s.title, "text": texts[s.pk].text if s.pk in texts else ""}
            for s in service.text_sections()
        }
    if not VERSION_NUMBER.fullmatch(choice):
        return None  # "²", "٣" and 5,000 digits pass str.isdigit() but are no version number
    version = AgreementVersion.objects.filter(agreement=agreement, number=int(choice)).first()
    if version is None:
        return None
    return _("Version %(n)d") % {"n": version.number}, {
        s["slug"]: {"title": s["title"], "text": s["text"]} for s in version.sections
    }


@login_required
@require_safe
def agreement_diff(request: AuthedRequest, code: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    numbers = list(
        AgreementVersion.objects.filter(agreement=agreement).order_by("number").values_list("number", flat=True)
    )
    choices = [(str(n), _("Version %(n)d") % {"n": n}) for n in numbers] + [(DRAFT, _("Nuvarande text"))]
    default_new = str(numbers[-1]) if numbers else DRAFT
    default_old = str(numbers[-2]) if len(numbers) > 1 else (str(numbers[0]) if numbers else DRAFT)
    if numbers and agreement.state == AgreementState.UTKAST:
        default_old, default_new = str(numbers[-1]), DRAFT
    old_choice = request.GET.get("fran", default_old)
    new_choice = request.GET.get("till", default_new)
    old = _texts_of(agreement, old_choice)
    new = _texts_of(agreement, new_choice)
    if old is None or new is None:
        raise Http404("Ingen sådan version.")
    rows = []
    for slug, item in new[1].items():
        before = old[1].get(slug, {"title": item["title"], "text": ""})
        rows.append(
            {
                "slug": slug,
                "title": item["title"],
                "old": before["text"],
                "new": item["text"],
                "changed": before["text"] != item["text"],
            }
        )
    for slug, item in old[1].items():
        if slug not in new[1]:
            rows.append({"slug": slug, "title": item["title"], "old": item["text"], "new": "", "changed": True})
    return render(
        request,
        "collaboration/agreement/diff.html",
        {
            "collaboration": collaboration,
            "agreement": agreement,
            "choices": choices,
            "old_choice": old_choice,
            "new_choice": new_choice,
            "old_label": old[0],
            "new_label": new[0],
            "rows": rows,
            "changed_count": sum(1 for r in rows if r["changed"]),
        },
    )

"""A coordinator's batch export of the organisation's adopted agreements: choose, follow the progress, download."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from collaboration.access import get_organisation_as_coordinator
from collaboration.collaborations import document_exported
from collaboration.documents import batch_export
from collaboration.forms.batch_export import ExportForm
from collaboration.models import AgreementExport, Collaboration, Organisation
from portal.http import AuthedRequest

TEMPLATE = "collaboration/agreement_export.html"
RECENT = 10
MAX_CHOSEN = 1000  # ticked in the overview and sent in the URL: more than any page lists


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_export_create(request: AuthedRequest, code: str) -> HttpResponse:
    """The organisation's collaborations with an adopted agreement, to choose from; a POST starts the export."""
    organisation = get_organisation_as_coordinator(request.user, code)
    collaborations = list(batch_export.exportable(organisation))
    if request.method == "POST":
        form = ExportForm(request.POST, collaborations=collaborations)
        if form.is_valid() and collaborations:
            export = batch_export.export_start(
                organisation=organisation, user=request.user, collaborations=form.chosen()
            )
            return redirect("agreement_export_detail", code=organisation.code, export=export.code)
        status = 400
    else:
        # Chosen in the coordinator overview's filtered list (`samverkan=<code>`, repeated): ticked here.
        chosen = set(request.GET.getlist("samverkan")[:MAX_CHOSEN])
        form = ExportForm(
            collaborations=collaborations,
            initial={"collaborations": [str(c.code) for c in collaborations if str(c.code) in chosen]},
        )
        status = 200
        not_exportable = _chosen_without_adoption(organisation, chosen, collaborations)
    context = {
        "organisation": organisation,
        "form": form,
        "collaborations": collaborations,
        "exports": list(AgreementExport.objects.filter(organisation=organisation, requested_by=request.user)[:RECENT]),
        "kept_days": batch_export.EXPORT_KEPT_FOR.days,
        "not_exportable": not_exportable if request.method != "POST" else [],
    }
    return render(request, "collaboration/agreement_export_choose.html", context, status=status)


def _chosen_without_adoption(
    organisation: Organisation, chosen: set[str], exportable: list[Collaboration]
) -> list[str]:
    """The titles of what was ticked in the overview but has no adopted agreement to export (one query)."""
    codes = []
    for value in chosen:
        try:
            codes.append(uuid.UUID(value))
        except ValueError:
            continue
    listed = {c.pk for c in exportable}
    return list(
        Collaboration.objects.with_party(organisation)
        .filter(code__in=codes)
        .exclude(pk__in=listed)
        .order_by("title")
        .values_list("title", flat=True)
    )


def _export_for(request: AuthedRequest, code: str, export: str) -> tuple[Organisation, AgreementExport]:
    """The export, for the coordinator who asked for it; 404 for everyone else (other coordinators too)."""
    organisation = get_organisation_as_coordinator(request.user, code)
    found = (
        AgreementExport.objects.filter(organisation=organisation, code=export, requested_by=request.user)
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404("Ingen sådan export.")
    return organisation, found


@login_required
@require_safe
def agreement_export_detail(request: AuthedRequest, code: str, export: str) -> HttpResponse:
    """The export's progress ("12 av 40 klara"); htmx polls the progress part, without JavaScript the page reloads."""
    organisation, found = _export_for(request, code, export)
    context = {"organisation": organisation, "export": found, "kept_days": batch_export.EXPORT_KEPT_FOR.days}
    if request.htmx:
        return render(request, TEMPLATE + "#progress", context)
    return render(request, TEMPLATE, context)


@login_required
@require_safe
def agreement_export_download(request: AuthedRequest, code: str, export: str) -> HttpResponseBase:
    organisation, found = _export_for(request, code, export)
    if not found.is_downloadable or not default_storage.exists(found.file):
        raise Http404("Exporten finns inte längre.")
    file_name = found.file.rsplit("/", 1)[-1]
    if request.method == "GET":
        # Every party of each collaboration sees in its log that the agreement was taken out.
        with transaction.atomic():
            for collaboration in found.collaborations.all():
                document_exported(
                    collaboration=collaboration,
                    user=request.user,
                    organisation=organisation,
                    document=_("Avsiktsförklaring (arkivexemplar i samlad export)"),
                    file_name=file_name,
                )
    response = FileResponse(
        default_storage.open(found.file, "rb"), as_attachment=True, filename=file_name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response

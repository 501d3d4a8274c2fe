"""A coordinator's batch export of the organisation's adopted agreements: choose, follow the progress, download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from collaboration import services
from collaboration.access import get_organisation_as_coordinator
from collaboration.documents import batch_export
from collaboration.models import AgreementExport, Collaboration, Organisation
from portal.http import AuthedRequest

TEMPLATE = "collaboration/agreement_export.html"
RECENT = 10


def _choice_label(collaboration: Collaboration) -> str:
    agreement = collaboration.agreement
    version = agreement.adopted_version
    return _("%(title)s – version %(n)d, fastställd %(date)s") % {
        "title": collaboration.title,
        "n": version.number if version else 0,
        "date": formats.date_format(timezone.localtime(agreement.adopted_at), "j F Y") if agreement.adopted_at else "–",
    }


class ExportForm(forms.Form):
    collaborations = forms.MultipleChoiceField(
        label=gettext_lazy("Samverkan att ta med"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Välj bland samverkan i listan. Listan har ändrats; välj igen.")
        },
    )

    def __init__(self, *args: Any, collaborations: list[Collaboration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.available = collaborations
        field = self.fields["collaborations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.code), _choice_label(c)) for c in collaborations]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data.get("action") == "all":
            cleaned["collaborations"] = [str(c.code) for c in self.available]
        elif not cleaned.get("collaborations") and not self.errors:
            self.add_error(
                "collaborations",
                forms.ValidationError(_("Välj minst en samverkan, eller välj Exportera alla."), code="required"),
            )
        return cleaned

    def chosen(self) -> list[Collaboration]:
        codes = set(self.cleaned_data["collaborations"])
        return [c for c in self.available if str(c.code) in codes]


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
        chosen = set(request.GET.getlist("samverkan"))
        form = ExportForm(
            collaborations=collaborations,
            initial={"collaborations": [str(c.code) for c in collaborations if str(c.code) in chosen]},
        )
        status = 200
    context = {
        "organisation": organisation,
        "form": form,
        "collaborations": collaborations,
        "exports": list(AgreementExport.objects.filter(organisation=organisation, requested_by=request.user)[:RECENT]),
        "kept_days": batch_export.EXPORT_KEPT_FOR.days,
    }
    return render(request, "collaboration/agreement_export_choose.html", context, status=status)


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
                services.document_exported(
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

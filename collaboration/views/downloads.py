"""PDF downloads of a collaboration's documents (collaboration.documents says what they hold)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.agreement import drafting, versions
from collaboration.collaborations import document_exported
from collaboration.documents.contents import Document, agreement_draft_pdf, agreement_version_pdf, checklist_pdf
from collaboration.documents.pdf import MEDIA_TYPE, DocumentRefused, DocumentTooLong, DocumentTooSlow
from collaboration.models import Agreement, AgreementVersion, Collaboration
from collaboration.steps import get_guide
from portal.http import AuthedRequest


def pdf_response(document: Document) -> HttpResponse:
    response = HttpResponse(document.content, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = document.content_disposition
    response["Content-Length"] = str(len(document.content))
    # A document holds what one person may read: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def checklist_download(request: AuthedRequest, code: str, guide: str, blank: bool = False) -> HttpResponse:
    """A guide's checklist as PDF: what the reader's party sees on the review page, or blank for a workshop."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    acting = acting_organisation(request.user, collaboration)
    try:
        document = checklist_pdf(
            guide=guide_obj, collaboration=collaboration, party=acting, user=request.user, blank=blank
        )
    except DocumentRefused as refused:
        return _refused(request, collaboration, refused, reverse("guide_review", args=[collaboration.code, guide]))
    if request.method == "GET":  # HEAD asks what it would get: nothing was taken
        with transaction.atomic():
            document_exported(
                collaboration=collaboration,
                user=request.user,
                organisation=acting,
                document=document.title,
                file_name=f"{document.file_stem}.pdf",
            )
    return pdf_response(document)


def _log_download(request: AuthedRequest, collaboration: Collaboration, document: Document) -> None:
    if request.method == "GET":  # HEAD asks what it would get: nothing was taken
        with transaction.atomic():
            document_exported(
                collaboration=collaboration,
                user=request.user,
                organisation=acting_organisation(request.user, collaboration),
                document=document.title,
                file_name=f"{document.file_stem}.pdf",
            )


def _agreement_version(
    code: str, number: int, request: AuthedRequest
) -> tuple[Collaboration, Agreement, AgreementVersion]:
    collaboration = get_collaboration_for(request.user, code)
    agreement = drafting.get_agreement(collaboration)
    if agreement is None:
        raise Http404("Ingen avsiktsförklaring.")
    agreement.collaboration = collaboration
    version = AgreementVersion.objects.filter(agreement=agreement, number=number).first()
    if version is None:
        raise Http404("Ingen sådan version.")
    version.agreement = agreement
    return collaboration, agreement, version


def _refused(request: AuthedRequest, collaboration: Collaboration, refused: DocumentRefused, back: str) -> HttpResponse:
    """A document too long, or too slow, to make on request: said plainly, nothing made or changed (422)."""
    context: dict[str, object] = {"collaboration": collaboration, "back": back, "reason": "failed"}
    if isinstance(refused, DocumentTooLong):
        context.update(reason="long", pages=refused.pages, limit=refused.limit)
    elif isinstance(refused, DocumentTooSlow):
        context.update(reason="slow", seconds=round(refused.seconds))
    return render(request, "collaboration/document_too_long.html", context, status=422)


def _tampered(request: AuthedRequest, collaboration: Collaboration, version: AgreementVersion) -> HttpResponse:
    """A version whose stored text no longer gives its hash is never printed as a record (it is logged)."""
    return render(
        request,
        "collaboration/agreement/tampered.html",
        {"collaboration": collaboration, "version": version},
        status=409,
    )


@login_required
@require_safe
def agreement_version_download(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    """A version of the agreement as PDF: the version in force from storage, any other rendered and marked."""
    collaboration, agreement, version = _agreement_version(code, number, request)
    try:
        document = agreement_version_pdf(agreement=agreement, version=version, user=request.user)
    except versions.VersionTampered:
        return _tampered(request, collaboration, version)
    except DocumentRefused as refused:
        return _refused(request, collaboration, refused, reverse("agreement_version", args=[code, number]))
    _log_download(request, collaboration, document)
    return pdf_response(document)


@login_required
@require_safe
def agreement_archive_download(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    """The archive copy (PDF/A-3a with the version's JSON inside) of the version in force, and of no other."""
    collaboration, agreement, version = _agreement_version(code, number, request)
    if agreement.adopted_version_id != version.pk:
        raise Http404("Bara den fastställda versionen har ett arkivexemplar.")
    try:
        document = agreement_version_pdf(agreement=agreement, version=version, user=request.user, archive=True)
    except versions.VersionTampered:
        return _tampered(request, collaboration, version)
    except DocumentRefused as refused:
        return _refused(request, collaboration, refused, reverse("agreement_version", args=[code, number]))
    _log_download(request, collaboration, document)
    return pdf_response(document)


@login_required
@require_safe
def agreement_draft_download(request: AuthedRequest, code: str) -> HttpResponse:
    """The text as it stands now, marked UTKAST; once adopted, the text is the version in force."""
    collaboration = get_collaboration_for(request.user, code)
    agreement = drafting.get_agreement(collaboration)
    if agreement is None:
        raise Http404("Ingen avsiktsförklaring.")
    agreement.collaboration = collaboration
    if agreement.is_locked and agreement.adopted_version is not None:
        return redirect("agreement_version_pdf", code=collaboration.code, number=agreement.adopted_version.number)
    try:
        document = agreement_draft_pdf(
            agreement=agreement, user=request.user, organisation=acting_organisation(request.user, collaboration)
        )
    except DocumentRefused as refused:
        return _refused(request, collaboration, refused, reverse("agreement_edit", args=[collaboration.code]))
    _log_download(request, collaboration, document)
    return pdf_response(document)

"""PDF downloads of a collaboration's documents (collaboration.documents says what they hold)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from collaboration import services
from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.documents import Document, checklist_pdf
from collaboration.pdf import MEDIA_TYPE
from collaboration.process import get_guide
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
    document = checklist_pdf(guide=guide_obj, collaboration=collaboration, party=acting, user=request.user, blank=blank)
    if request.method == "GET":  # HEAD asks what it would get: nothing was taken
        with transaction.atomic():
            services.document_exported(
                collaboration=collaboration,
                user=request.user,
                organisation=acting,
                document=document.title,
                file_name=f"{document.file_stem}.pdf",
            )
    return pdf_response(document)

"""A coordinator's batch export of adopted agreements: which collaborations qualify, starting it, building the zip.

The zip holds each agreement's archive copy (PDF/A-3a with the version's JSON inside, the same file as
"Arkivexemplar, PDF/A" on the version's page, read from storage once rendered) and `index.csv`: one row
per agreement with the title, the parties, the version, its SHA-256 and the date it was adopted.
The build runs as a background task (`build_agreement_export`, below); the zip is kept for
`EXPORT_KEPT_FOR` and then deleted (`delete_expired_exports`).
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.agreement.versions import VersionTampered
from collaboration.documents import pdf
from collaboration.documents.contents import agreement_version_pdf
from collaboration.documents.spreadsheets import Sheet, csv_bytes
from collaboration.models import (
    EXPORT_KEPT_FOR,
    AgreementExport,
    Collaboration,
    CollaborationQuerySet,
    ExportStatus,
    Organisation,
)
from portal import emails

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "exports/"


def exportable(organisation: Organisation) -> CollaborationQuerySet:
    """The organisation's collaborations (as an accepted party) that have an adopted agreement."""
    return (
        Collaboration.objects.with_party(organisation)
        .filter(agreement__adopted_version__isnull=False)
        .select_related("agreement", "agreement__adopted_version")
        .order_by("title", "pk")
    )


def export_start(*, organisation: Organisation, user: User, collaborations: Iterable[Collaboration]) -> AgreementExport:
    """Record the export and queue the task that builds it (after the transaction commits)."""
    chosen = list(collaborations)
    with transaction.atomic():
        export = AgreementExport.objects.create(organisation=organisation, requested_by=user, total=len(chosen))
        export.collaborations.set(chosen)
        transaction.on_commit(lambda: build_agreement_export.enqueue(export_id=export.pk))
    return export


def index_csv(rows: list[dict[str, str]]) -> bytes:
    """The index, written like the portal's other spreadsheets (collaboration/documents/spreadsheets.py): UTF-8 with BOM,
    semicolon-separated, every field quoted, and each piece of a value that a spreadsheet splitting on `;`,
    `,` or tab would run as a formula (a party after the ", " that joins them too) given an apostrophe."""
    columns = [
        ("title", _("Samverkan")),
        ("parties", _("Parter")),
        ("version", _("Version")),
        ("sha256", _("Kontrollsumma (SHA-256)")),
        ("adopted", _("Fastställd")),
        ("file", _("Fil")),
    ]
    sheet = Sheet(
        name="index",
        header=[label for _key, label in columns],
        rows=[[row[key] for key, _label in columns] for row in rows],
    )
    return csv_bytes(sheet)


def _refusal(refused: pdf.DocumentRefused) -> str:
    if isinstance(refused, pdf.DocumentTooLong):
        return _("Inte med: dokumentet blir cirka %(pages)d sidor, fler än %(limit)d") % {
            "pages": refused.pages,
            "limit": refused.limit,
        }
    if isinstance(refused, pdf.DocumentTooSlow):
        return _("Inte med: dokumentet tog längre tid än %(seconds)d sekunder att skapa") % {"seconds": refused.seconds}
    return _("Inte med: dokumentet kunde inte skapas")


def _parties(snapshot: dict[str, Any]) -> str:
    """The parties a version names, as the index lists them: "Name (organisationsnummer), …"."""
    return ", ".join(
        f"{p.get('name', '')} ({p['organisation_number']})" if p.get("organisation_number") else p.get("name", "")
        for p in snapshot.get("parties", [])
    )


def _not_exported(collaboration: Collaboration, version: Any, why: str) -> dict[str, str]:
    return {
        "title": version.snapshot.get("collaboration", {}).get("title") or collaboration.title,
        "parties": _parties(version.snapshot),
        "version": str(version.number),
        "sha256": version.sha256,
        "adopted": "",
        "file": why,
    }


def build(export: AgreementExport) -> None:
    """Render (or read from storage) each agreement's archive copy, zip them with the index, and store the zip.

    Progress (`done` of `total`) is written after every document so the progress page can show it.
    A collaboration that has since lost its adopted agreement, or that the organisation has left, is
    skipped and said so in the index.
    """
    organisation = export.organisation
    chosen = {c.pk for c in export.collaborations.all()}
    collaborations = [c for c in exportable(organisation) if c.pk in chosen]
    skipped = len(chosen) - len(collaborations)
    AgreementExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, total=len(chosen), done=skipped)
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, collaboration in enumerate(collaborations, start=1):
                agreement = collaboration.agreement
                version = agreement.adopted_version
                assert version is not None
                version.agreement = agreement
                try:
                    document = agreement_version_pdf(agreement=agreement, version=version, user=None, archive=True)
                except VersionTampered:
                    # Logged by the check; the index says so, and the other agreements are still exported.
                    rows.append(
                        _not_exported(
                            collaboration, version, _("Inte med: versionen stämmer inte med sin kontrollsumma")
                        )
                    )
                    AgreementExport.objects.filter(pk=export.pk).update(done=skipped + number)
                    continue
                except pdf.DocumentRefused as refused:
                    rows.append(_not_exported(collaboration, version, _refusal(refused)))
                    AgreementExport.objects.filter(pk=export.pk).update(done=skipped + number)
                    continue
                name = f"{number:03d}-{document.file_stem}.pdf"
                # PDFs are compressed already: stored as they are, which is much faster.
                archive.writestr(name, document.content, compress_type=zipfile.ZIP_STORED)
                snapshot = version.snapshot
                rows.append(
                    {
                        "title": snapshot.get("collaboration", {}).get("title") or collaboration.title,
                        "parties": _parties(snapshot),
                        "version": str(version.number),
                        "sha256": version.sha256,
                        "adopted": timezone.localtime(agreement.adopted_at).date().isoformat()
                        if agreement.adopted_at
                        else "",
                        "file": name,
                    }
                )
                AgreementExport.objects.filter(pk=export.pk).update(done=skipped + number)
            archive.writestr("index.csv", index_csv(rows))
        spool.seek(0)
        name = pdf.file_stem(_("Avsiktsforklaringar"), organisation.name, timezone.localdate().isoformat())
        path = default_storage.save(f"{STORAGE_PREFIX}{export.code}/{name}.zip", File(spool))
    now = timezone.now()
    AgreementExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY, file=path, finished_at=now, expires_at=now + EXPORT_KEPT_FOR
    )


def delete_expired_exports(now: Any = None) -> int:
    """Delete the zips whose time is up and mark their exports expired; returns how many."""
    now = now or timezone.now()
    count = 0
    for export in AgreementExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now):
        if export.file:
            default_storage.delete(export.file)
        AgreementExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count


@task()
def build_agreement_export(*, export_id: int) -> None:
    """Build a coordinator's zip of adopted agreements, then tell them by e-mail that it is ready.

    Expired zips of earlier exports are deleted first, so storage is cleaned even without the
    `delete_expired_exports` command in cron. A failed build marks the export failed (the
    progress page says so) and the task ends as failed.
    """
    delete_expired_exports()
    export = (
        AgreementExport.objects.select_related("organisation", "requested_by")
        # RUNNING too: a worker killed mid-build leaves it so, and the task is then run again
        # (portal.taskqueue), never at the same time as the first run.
        # READY and not mailed: the first run was killed between finishing the zip and mailing.
        .filter(
            Q(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]) | Q(status=ExportStatus.READY, mailed_at=None),
            pk=export_id,
        )
        .first()
    )
    if export is None:
        return
    if export.status != ExportStatus.READY:
        try:
            with pdf.time_limit(settings.PDF_TASK_RENDER_SECONDS):
                build(export)
        except Exception:
            logger.exception("The agreement export %s could not be built", export.code)
            AgreementExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED)
            raise
        export.refresh_from_db()
    link = settings.SITE_URL + reverse("agreement_export_detail", args=[export.organisation.code, export.code])
    try:
        emails.deliver(
            "agreement_export",
            to=export.requested_by.email,
            context={"export": export, "organisation": export.organisation, "link": link, "user": export.requested_by},
        )
    except Exception:
        # The zip is ready on the progress page all the same.
        logger.exception("The e-mail about agreement export %s could not be sent", export.code)
        return
    # A worker killed after mailing and before this line mails once more on the run again: at least once, since
    # a coordinator who is never told is worse off than one told twice.
    AgreementExport.objects.filter(pk=export_id).update(mailed_at=timezone.now())

"""Background work of the collaboration app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Invitation, MailStatus
from portal import emails, once

logger = logging.getLogger(__name__)


@task()
def send_invitation(*, invitation_id: int, site: str) -> None:
    """Mail an invitation's link, and record whether the mail went out.

    The token is made here, at sending, so that it never rests in the task queue: the
    database holds only its hash. An invitation revoked or used before the worker got
    to it is not sent. A task runs once; a failed send is logged and shown to the
    coordinator on the organisation page.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or not invitation.is_pending or invitation.mail_status != MailStatus.QUEUED:
            return
        token = invitation.new_token()
        context = {
            "organisation": invitation.organisation,
            "role": invitation.get_role_display(),
            "invited_by": invitation.invited_by,
            "link": site.rstrip("/") + reverse("invitation_accept", args=[token]),
            "expires_at": invitation.expires_at,
        }
        try:
            emails.deliver("invitation", to=invitation.email, context=context)
        except Exception:
            logger.exception("The invitation e-mail to %s could not be sent", invitation.email)
            sent = False
        else:
            sent = True
        Invitation.objects.filter(pk=invitation_id).update(mail_status=MailStatus.SENT if sent else MailStatus.FAILED)
    if not sent:
        once.forget(invitation.page_url())  # the coordinator may invite again at once
        # The task ends as failed, so the worker's log and the task list say so too.
        raise MailNotSent(invitation_id)


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the invitation shows it."""


@task()
def build_agreement_export(*, export_id: int) -> None:
    """Build a coordinator's zip of adopted agreements, then tell them by e-mail that it is ready.

    Expired zips of earlier exports are deleted first, so storage is cleaned even without the
    `delete_expired_exports` command in cron. A failed build marks the export failed (the
    progress page says so) and the task ends as failed.
    """
    from django.conf import settings

    from collaboration import batch_export, pdf
    from collaboration.models import AgreementExport, ExportStatus

    batch_export.delete_expired_exports()
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
                batch_export.build(export)
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


@task()
def render_adopted_agreement(*, version_id: int) -> None:
    """Render and keep the PDF and the archive copy of a version just adopted, with the task worker's time limit.

    Both never change once made (`pdf.cached_pdf`), so every later download is a read from storage, and
    the first person to download does not wait for the layout (nor meet the shorter limit of a request).
    A version that fails its hash check, or a document too long to make, is logged and left: the download
    page then says so, as it would have anyway.
    """
    from django.conf import settings

    from collaboration import pdf
    from collaboration.agreements import VersionTampered
    from collaboration.documents import agreement_version_pdf
    from collaboration.models import AgreementVersion

    version = AgreementVersion.objects.select_related("agreement__collaboration").filter(pk=version_id).first()
    if version is None or version.agreement.adopted_version_id != version.pk:
        return
    with pdf.time_limit(settings.PDF_TASK_RENDER_SECONDS):
        for archive in (False, True):
            try:
                agreement_version_pdf(agreement=version.agreement, version=version, user=None, archive=archive)
            except (VersionTampered, pdf.DocumentRefused):
                logger.warning("The adopted version %s could not be rendered ahead", version_id, exc_info=True)
                return

"""Background work of the collaboration app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.urls import reverse

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

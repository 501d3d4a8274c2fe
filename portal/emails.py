"""E-mail from three templates per message: subject, plain text and HTML."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    # The subject template turns autoescaping off: a subject is plain text, not HTML.
    # A header is one line, so any line or paragraph break in a name becomes a space.
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return subject, text, html


@task()
def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    # A task, so that a deployment with a worker backend sends mail outside the request.
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send(name: str, *, to: str, context: dict[str, Any]) -> bool:
    """Hand the message to the task backend.

    False when it is already known that the message did not go out (the immediate
    backend ran the task and it failed); the failure is logged. With a worker backend
    the message is queued and True means only that.
    """
    subject, text, html = render(name, context)
    result = send_email.enqueue(to=to, subject=subject, text=text, html=html)
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1] if result.errors else None
        logger.error(
            "The %s e-mail to %s could not be sent: %s",
            name,
            to,
            error.traceback if error else "no error recorded",
        )
        return False
    return True


@task()
def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to every active account with this address; nothing for an unknown one.

    The lookup happens here, not in the request, so that the request does the same
    work whether or not the address has an account.
    """
    from portal.forms import SwedishPasswordResetForm

    form = SwedishPasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="emails/password_reset-subject.txt",
            email_template_name="emails/password_reset-body-text.txt",
            html_email_template_name="emails/password_reset-body-html.html",
        )

"""E-mail from three templates per message: subject, plain text and HTML.

Mail is sent by tasks (see TASKS in settings): a task renders and `deliver`s its message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for a mail sent by the task worker, which has no request to take the host from (SITE_URL)."""
    return settings.SITE_URL + path


def render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    # The subject template turns autoescaping off: a subject is plain text, not HTML.
    # A header is one line, so any line or paragraph break in a name becomes a space.
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return subject, text, html


def deliver(name: str, *, to: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """Render and send one message now (inside a task); raises when it cannot be sent."""
    subject, text, html = render(name, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


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

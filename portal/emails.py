"""E-mail from three templates per message: subject, plain text and HTML.

Mail is sent by tasks (see TASKS in settings): a task renders and `deliver`s its message.
"""

from __future__ import annotations

import logging
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import Policy
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for a mail sent by the task worker, which has no request to take the host from (SITE_URL)."""
    return settings.SITE_URL + path


# RFC 5322: a line of a message may be at most 998 characters (78 is only what it should be).
LONGEST_LINE = 998


class _OneLineHeader(UnstructuredHeader, BaseHeader):
    """A header written on one line as it is (see `unfolded_header`)."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        # Set as an object, the value skips the email package's own check for line breaks: ours refuses them.
        if "\r" in value or "\n" in value:
            raise ValueError("A header value is one line.")
        super().parse(value, kwds)

    def fold(self, *, policy: Policy) -> str:
        line = f"{self.name}: {self}"
        if line.isascii() and len(line) <= LONGEST_LINE:
            return line + policy.linesep
        return super().fold(policy=policy)


# Made by a registry, as the email package makes its own header objects: a header is copied by rebuilding
# its class from the class's bases (the test backend deep-copies every message), and a registry's class
# keeps `_OneLineHeader` among them.
_ONE_LINE_HEADERS = HeaderRegistry(default_class=_OneLineHeader, use_default_map=False)


def unfolded_header(name: str, value: str) -> str:
    """A header value that mail programs must read exactly as written, such as `List-Unsubscribe: <https://…>`.

    Python's email serialiser (which Django's SMTP backend uses, with `email.policy.SMTP`) folds a header
    longer than 78 characters, and a value without spaces to fold at becomes RFC 2047 encoded words
    (`=?utf-8?q?=3Chttps=3A//…?=`), which no mail program takes for a link: one-click unsubscribe (RFC 8058)
    was lost once the portal's address and the token made the line long. Given as a header's value to
    `deliver`, this one is written on one line as it is, if it is ASCII and fits RFC 5322's 998 characters
    (else it is folded as any other). A line break in `value` raises ValueError.
    """
    return _ONE_LINE_HEADERS(name, value)


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
def send_password_reset(*, email: str, domain: str = "", use_https: bool = False) -> None:
    """Mail a reset link to every active account with this address; nothing for an unknown one.

    The lookup happens here, not in the request, so that the request does the same
    work whether or not the address has an account.

    The link is made from SITE_URL, never from the Host header of the request that asked for it: a
    client chooses that header, and a reset link on someone else's host hands them the token.
    `domain` and `use_https` are accepted and ignored, so that a task queued by an app server still
    running the release before (which passed the request's host) sends the right link, not an error.
    """
    from portal.forms import SwedishPasswordResetForm

    site = urlsplit(settings.SITE_URL)
    form = SwedishPasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="emails/password_reset-subject.txt",
            email_template_name="emails/password_reset-body-text.txt",
            html_email_template_name="emails/password_reset-body-html.html",
        )

"""E-mail from three templates per message: subject, plain text and HTML."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string


def render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = render_to_string(f"emails/{name}-subject.txt", context).strip().replace("\n", " ")
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    return subject, text, html


@task()
def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    # A task, so that a deployment with a worker backend sends mail outside the request.
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send(name: str, *, to: str, context: dict[str, Any]) -> None:
    subject, text, html = render(name, context)
    send_email.enqueue(to=to, subject=subject, text=text, html=html)

"""Create forms that create once, however often they are sent.

A second click on a slow connection, or Back and send again, posts the same
form twice. Two guards, in one place, for every create view:

- The form's one-time token (`{% once_token %}`, issued when the page is rendered
  and kept when it is shown again with errors). The first POST with a token
  records it in the same transaction as what it creates. The token is unique in
  the database, so a second POST with it (even one racing the first) cannot
  record it again: it creates nothing.
- Back fetches the form page again (signed-in pages are not cached), so the page
  gets a new token, and the browser puts back what the person had typed. So a
  POST that sends exactly what the same person sent to the same form within
  REPEAT_WINDOW, and created something, is a repeat too. (Someone who really
  wants a second, identical one within that time changes a word.)

A repeat creates nothing: the person is sent to what the first POST created,
with the view's "already created" message (`once_per_form`). A POST without a
token (a page from before tokens) is still checked by its content.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise

from portal.models import FormSubmission, User

StrOrPromise = str | Promise

FIELD = "once_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
REPEAT_WINDOW = timedelta(minutes=10)
KEEP_FOR = timedelta(days=30)  # a token stays used long enough for any Back button
NOT_CONTENT = {"csrfmiddlewaretoken", FIELD, "draft_owner"}


class AlreadyCreated(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def new_token() -> str:
    return secrets.token_urlsafe(32)


def posted_token(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if TOKEN.fullmatch(token) else None


def content_digest(request: HttpRequest) -> str:
    """What the form sends, without its tokens: equal for a form sent again after Back."""
    content = sorted((name, values) for name, values in request.POST.lists() if name not in NOT_CONTENT)
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied  # create views are for signed-in people only
    return request.user


def earlier_url(request: HttpRequest) -> str | None:
    """Where what this POST would create already is, if it repeats an earlier one; else None."""
    user = _signed_in(request)
    token = posted_token(request)
    if token is not None:
        by_token = FormSubmission.objects.filter(token=token).first()
        if by_token is not None:
            if by_token.user_id != user.pk or not by_token.url:
                raise PermissionDenied  # someone else's token: nothing to create, nothing to show
            return by_token.url
    # Back and send again: the same content as the person's latest create from this form, a moment ago.
    # Only the latest: choosing A, then B, then A again is three decisions, not a repeat.
    latest = (
        FormSubmission.objects.filter(user=user, path=request.path, created_at__gte=timezone.now() - REPEAT_WINDOW)
        .exclude(url="")
        .order_by("-created_at", "-pk")
        .first()
    )
    repeat = latest if latest is not None and latest.content_digest == content_digest(request) else None
    return repeat.url if repeat is not None else None


@contextmanager
def creating(request: HttpRequest) -> Iterator[Callable[[str], None]]:
    """Create what the block creates unless this POST repeats an earlier one; one transaction.

        with once.creating(request) as created_at:
            organisation = Organisation.objects.create(...)
            created_at(reverse("organisation_detail", args=[organisation.code]))

    The block must say where what it created is (`created_at(url)`). A repeat raises
    AlreadyCreated before the block runs; `once_per_form` on the view answers it.
    """
    user = _signed_in(request)
    token = posted_token(request) or new_token()  # a page without a token gets a record all the same
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(
                    token=token, user=user, path=request.path, content_digest=content_digest(request)
                )
        except IntegrityError:
            # Sent before, or being sent right now: the insert waited for that transaction to end.
            url = earlier_url(request)
            if url is None:
                raise
            raise AlreadyCreated(url) from None
        urls: list[str] = []
        yield urls.append
        if not urls:
            raise RuntimeError("once.creating(): the block did not say where what it created is")
        submission.url = urls[-1]
        submission.save(update_fields=["url"])
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()


def once_per_form(already: StrOrPromise) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send a repeated POST of a create form to what the first one created, saying `already`.

    Checked before the form is validated, so a repeat is never refused as a duplicate
    ("organisationsnumret finns redan") either; `creating` catches the repeats that race.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                url = earlier_url(request) if request.method == "POST" else None
                if url is None:
                    return view(request, *args, **kwargs)
            except AlreadyCreated as repeated:
                url = repeated.url
            messages.info(request, str(already))
            return redirect(url)

        return wrapper

    return decorator


def forget(url: str) -> None:
    """What was created at `url` is gone: sending its form again may create it anew."""
    FormSubmission.objects.filter(url=url).delete()

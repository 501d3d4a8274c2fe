"""Create forms that create once, however often they are sent.

A second click on a slow connection, or Back and send again, posts the same
form twice. Every create form carries a one-time token (`{% once_token %}`,
issued when the page is rendered and kept when it is shown again with errors).
The view is decorated with `once_per_form`, and creates through `create_once`:
the first POST with a token records it in the same transaction as what it
creates. The token is unique in the database, so a second POST (even one racing
the first) cannot record it again: it creates nothing, and the person is sent
to what the first POST created, with the view's "already created" message. A
POST without a token (a page from before tokens) creates as before.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
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
KEEP_FOR = timedelta(days=30)  # long enough for any Back button


class AlreadyCreated(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def new_token() -> str:
    return secrets.token_urlsafe(32)


def posted_token(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if TOKEN.fullmatch(token) else None


def _earlier(token: str, request: HttpRequest) -> str | None:
    submission = FormSubmission.objects.filter(token=token).first()
    if submission is None:
        return None
    if submission.user_id != request.user.pk or not submission.url:
        raise PermissionDenied  # someone else's token: nothing to create, nothing to show
    return submission.url


def create_once(request: HttpRequest, create: Callable[[], str]) -> str:
    """Run `create` (which returns the URL of what it made) at most once per form token.

    Raises AlreadyCreated with the URL an earlier POST of the same form created.
    """
    token = posted_token(request)
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied  # create views are for signed-in people only
    with transaction.atomic():
        if token is None:
            return create()
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(token=token, user=user)
        except IntegrityError:
            # Sent before, or being sent right now: the insert waited for that transaction to end.
            url = _earlier(token, request)
            if url is None:
                raise
            raise AlreadyCreated(url) from None
        url = create()
        submission.url = url
        submission.save(update_fields=["url"])
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return url


def once_per_form(already: StrOrPromise) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send a repeated POST of a create form to what the first one created, saying `already`.

    Checked before the form is validated, so a repeat is never refused as a duplicate
    ("organisationsnumret finns redan") either.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = posted_token(request) if request.method == "POST" else None
                url = _earlier(token, request) if token else None
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

"""Keep what a signed-out person posted, so it comes back after they sign in again.

A session can expire while someone writes. Their POST then arrives without a
user: instead of dropping it on the way to the sign-in page, the posted fields
are kept in the (new, anonymous) session, which survives signing in, and the
page offers them again on its next GET.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

SESSION_KEY = "unsaved_drafts"
MAX_FIELDS = 200
MAX_VALUE_LENGTH = 100_000  # far above every form limit: the form, not the stash, refuses
MAX_DRAFTS = 5
SKIPPED_FIELDS = {"csrfmiddlewaretoken", "action", "take_theirs"}


def stash(request: HttpRequest) -> None:
    fields = [
        (name, [value[:MAX_VALUE_LENGTH] for value in values])
        for name, values in request.POST.lists()
        if name not in SKIPPED_FIELDS
    ]
    if not fields or len(fields) > MAX_FIELDS:
        return
    drafts = request.session.get(SESSION_KEY, {})
    drafts.pop(request.path, None)
    drafts[request.path] = fields
    # Keep only the newest few, so the session stays small.
    request.session[SESSION_KEY] = dict(list(drafts.items())[-MAX_DRAFTS:])


def pop(request: HttpRequest) -> QueryDict | None:
    """The kept draft for this page, removed from the session; None if there is none."""
    drafts = request.session.get(SESSION_KEY)
    if not drafts or request.path not in drafts:
        return None
    fields = drafts.pop(request.path)
    request.session.modified = True
    data = QueryDict(mutable=True)
    for name, values in fields:
        data.setlist(name, values)
    return data


def discard(request: HttpRequest) -> None:
    """Forget a kept draft once the person posts newer text from the page."""
    drafts = request.session.get(SESSION_KEY)
    if drafts and drafts.pop(request.path, None) is not None:
        request.session.modified = True


def signed_out_response(request: HttpRequest) -> HttpResponse:
    """Send a signed-out person to the sign-in page, keeping what they posted."""
    if request.method == "POST":
        stash(request)
        messages.warning(
            request,
            _("Du hade loggats ut. Det du skrev är sparat tillfälligt och kommer tillbaka när du har loggat in."),
        )
    return redirect_to_login(request.get_full_path())


def keep_post_when_signed_out(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a signed-out POST is kept for after signing in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return signed_out_response(request)
        return view(request, *args, **kwargs)

    return wrapper

"""Keep what a signed-out person posted, so it comes back to them, and only them, after signing in.

A session can expire while someone writes. Their POST then arrives without a
user, and the expired session no longer says whose it was. The form says it:
every form that keeps drafts carries a signed owner token (`{% draft_owner %}`,
the signed id of the person the page was rendered for). A signed-out POST with
a valid token is kept in the (new, anonymous) session together with that owner;
signing in keeps the session's data, and the page offers the draft again, only
to that owner, on every GET until they save the page (any POST from it) or
throw the draft away ("Släng den återställda texten").

Limits, so that anonymous posts cannot fill the session table:
- a signed-out POST without a valid owner token is not kept and creates no session;
- a session keeps at most MAX_DRAFTS pages and MAX_STASH_BYTES of drafts (the
  oldest go first); a draft larger than that on its own is not kept, and the
  person is told so;
- at sign-in, drafts that belong to someone else are dropped (they can never
  reach their owner from this browser: the owner's own session is gone).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

SESSION_KEY = "unsaved_drafts"
OWNER_FIELD = "draft_owner"
OWNER_SALT = "portal.drafts.owner"
OWNER_MAX_AGE = 7 * 24 * 60 * 60  # a page left open for a week still keeps what is typed into it
MAX_FIELDS = 200
MAX_VALUE_LENGTH = 100_000  # far above every form limit: the form, not the stash, refuses
MAX_DRAFTS = 5
MAX_STASH_BYTES = 256 * 1024  # all drafts of one session, measured as the session stores them (JSON)
SKIPPED_FIELDS = {"csrfmiddlewaretoken", "action", "take_theirs", OWNER_FIELD, "once_token"}


def owner_token(user_id: int) -> str:
    """The signed owner id that a form carries, so a signed-out POST can say whose it is."""
    return signing.dumps(user_id, salt=OWNER_SALT)


def posted_owner(request: HttpRequest) -> int | None:
    """The owner a POST proves with its signed token, or None when it carries no valid one."""
    token = request.POST.get(OWNER_FIELD, "")
    if not token:
        return None
    try:
        owner = signing.loads(token, salt=OWNER_SALT, max_age=OWNER_MAX_AGE)
    except signing.BadSignature:
        return None
    return owner if isinstance(owner, int) else None


# Signed-out posts kept per owner and hour, across all sessions: an owner token replayed by a script
# (each post a new, cookie-less session) cannot fill the session table.
STASHES_PER_OWNER_AND_HOUR = 30


def _within_stash_limit(owner: int) -> bool:
    from django.utils import timezone

    from portal.models import DraftStash

    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        DraftStash.objects.filter(created_at__lt=since).delete()
        if DraftStash.objects.filter(owner_id=owner, created_at__gte=since).count() >= STASHES_PER_OWNER_AND_HOUR:
            return False
        DraftStash.objects.create(owner_id=owner)
    return True


def _size(drafts: dict[str, Any]) -> int:
    return len(json.dumps(drafts, separators=(",", ":")))


# Drafts of one page kept at once: one per loaded page (two tabs of the same form both come back).
MAX_PER_PAGE = 3
# The fields that say which loaded page a post came from: the step page's writer token, a create form's token.
PAGE_FIELDS = ("writer", "once_token")


def _entries(drafts: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The drafts kept for `path`, oldest first (a single dict is the format of before several were kept)."""
    kept = drafts.get(path) or []
    return [kept] if isinstance(kept, dict) else list(kept)


def stash(request: HttpRequest, path: str | None = None) -> bool:
    """Keep a signed-out POST for its owner, for the page at `path` (default: where it was posted). True if kept.

    Nothing is written to the session (so no session is created) unless the POST
    proves its owner. Each loaded page keeps its own draft: a later post from the same
    page replaces it, a post from another tab of the same form is kept beside it.
    """
    owner = posted_owner(request)
    if owner is None:
        return False
    if not _within_stash_limit(owner):
        return False
    fields = [(name, values) for name, values in request.POST.lists() if name not in SKIPPED_FIELDS]
    if any(len(value) > MAX_VALUE_LENGTH for _, values in fields for value in values):
        return False  # refused as a whole, never cut: the person is told it was not kept
    if not fields or len(fields) > MAX_FIELDS:
        return False
    page = next((request.POST.get(name, "") for name in PAGE_FIELDS if request.POST.get(name)), "")
    draft = {"owner": owner, "page": page, "fields": fields}
    path = request.path if path is None else path
    if _size({path: [draft]}) > MAX_STASH_BYTES:
        return False
    drafts = dict(request.session.get(SESSION_KEY, {}))
    entries = [e for e in _entries(drafts, path) if not (page and e.get("page") == page)]
    if not page:
        entries = [e for e in entries if e.get("owner") != owner or e.get("page")]
    entries = [*entries, draft][-MAX_PER_PAGE:]
    drafts.pop(path, None)
    drafts[path] = entries
    # The newest last; drop the oldest until the stash is within both limits.
    while len(drafts) > MAX_DRAFTS or _size(drafts) > MAX_STASH_BYTES:
        del drafts[next(iter(drafts))]
    request.session[SESSION_KEY] = drafts
    return True


def restore(request: HttpRequest) -> QueryDict | None:
    """The signed-in person's oldest kept draft for this page; None if there is none.

    The draft stays in the session (a reload shows it again) until `discard`; then the
    next one kept for the page, if any, comes back.
    """
    drafts = request.session.get(SESSION_KEY)
    if not drafts or not request.user.is_authenticated:
        return None
    draft = next((e for e in _entries(drafts, request.path) if e.get("owner") == request.user.pk), None)
    if draft is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft["fields"]:
        data.setlist(name, values)
    return data


def discard(request: HttpRequest, path: str | None = None) -> None:
    """Forget the draft of a page that was shown to its owner, once they saved from it or threw it away."""
    path = request.path if path is None else path
    drafts = request.session.get(SESSION_KEY)
    if not drafts or path not in drafts:
        return
    entries = _entries(drafts, path)
    shown = next((i for i, e in enumerate(entries) if e.get("owner") == request.user.pk), None)
    if shown is None:
        return
    del entries[shown]
    if entries:
        drafts[path] = entries
    else:
        del drafts[path]
    request.session.modified = True


def forget_others(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in: drop drafts this browser kept for someone else (connected in PortalConfig.ready)."""
    drafts = request.session.get(SESSION_KEY)
    if drafts:
        mine = {
            path: kept for path in drafts if (kept := [e for e in _entries(drafts, path) if e.get("owner") == user.pk])
        }
        if mine != drafts:
            request.session[SESSION_KEY] = mine


def signed_out_response(request: HttpRequest, page: str | None = None) -> HttpResponse:
    """Send a signed-out person to the sign-in page, keeping what they posted when it is theirs.

    `page`: the page the form was on, when it posts elsewhere (a POST-only URL). The draft is
    kept for that page, and signing in leads back to it, not to a URL that answers GET with 405.
    """
    if request.method == "POST":
        if stash(request, page):
            messages.warning(
                request,
                _("Du hade loggats ut. Det du skrev är sparat tillfälligt och kommer tillbaka när du har loggat in."),
            )
        elif posted_owner(request) is not None:
            messages.error(
                request,
                _(
                    "Du hade loggats ut, och det du skrev var för långt för att sparas tillfälligt. "
                    "Gå tillbaka i webbläsaren och kopiera texten innan du loggar in."
                ),
            )
        else:
            # No proof whose text it is (a page from before owner tokens, or not a page of ours):
            # keeping it could show it to the wrong person, so it is not kept.
            messages.warning(
                request,
                _(
                    "Du är inte inloggad, och det du skickade kunde inte sparas. "
                    "Gå tillbaka i webbläsaren och kopiera texten innan du loggar in."
                ),
            )
    return redirect_to_login(page or request.get_full_path())


def keep_post_when_signed_out(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a signed-out POST is kept for its owner; a signed-in POST replaces the draft."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return signed_out_response(request)
        if request.method == "POST":
            # What the person posts now supersedes the text kept while they were signed out.
            discard(request)
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@require_POST
def discard_view(request: HttpRequest) -> HttpResponse:
    """ "Släng den återställda texten": the owner throws away the draft kept for a page."""
    page = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(page, allowed_hosts=None) or not page.startswith("/"):
        page = "/"
    discard(request, page)
    messages.success(request, _("Den återställda texten är slängd."))
    return redirect(page)

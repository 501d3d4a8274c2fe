"""E-mail about what happens in the portal: at once, in a daily summary, or not at all.

Each person chooses once for the whole portal (`User.email_notifications`, see EmailChoice):

* `direkt` (the default): one mail per notification, sent by a task as soon as the change is stored;
* `dagligen`: notifications wait for the daily summary that `manage.py send_digests` sends;
* `aldrig`: no notification is stored for them at all.

Apps built on the portal call `notify()` from their service functions, in the transaction of the change
the notification is about. Every mail carries a signed link to a page where the choice is changed without
signing in, and RFC 8058 one-click unsubscribe headers.

Sending is at most once per notification (and per summary): the sending task claims the row under a lock
and records the outcome in it, so a second worker or a duplicate task finds it settled. A failed attempt
is retried by a new task after NOTIFICATION_RETRY_SECONDS, doubling each time (django-tasks-db does not
retry by itself), until NOTIFICATION_MAX_ATTEMPTS; then the row is marked failed (visible in the admin).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.tasks import Task, task
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from portal import emails
from portal.models import DigestRun, EmailChoice, Notification, User

logger = logging.getLogger(__name__)

TOKEN_SALT = "portal.notifications.email-choice"


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    summary: str,
    path: str,
    group: str,
    exclude: User | None = None,
) -> int:
    """Tell people by e-mail that something happened; returns how many notifications were stored.

    Call it inside the transaction that makes the change (e.g. in a service function, next to
    `Activity.record`): the notifications are stored with the change and nothing is sent if it
    rolls back. For people who chose `direkt`, a sending task is queued when the transaction
    commits; `dagligen` people's notifications wait for the next daily summary. Skipped: inactive
    accounts, `exclude` (pass the person who acted, they know already), people who chose `aldrig`,
    and repeats of the same person in `recipients`. Each person's current choice is read from the
    database, so stale User objects are fine.

    - `kind`: a short free word for what happened, e.g. "granskning", "kommentar", "godkand",
      "andringar", "faststalld" (shown in the admin, not to people).
    - `subject`: the mail's subject line, Swedish, e.g. "Avsiktsförklaringen för Läxhjälp i Centrum
      väntar på granskning".
    - `summary`: one or two Swedish sentences said in the mail (and in the summary), e.g.
      "Sam Samordnare skickade version 2 på granskning."
    - `path`: the portal path the mail links to, e.g. reverse("agreement_detail", args=[code]); it is
      made absolute with SITE_URL.
    - `group`: the heading the daily summary collects it under, e.g. the collaboration's title.

    Too long texts are shortened (with "…") to fit their columns rather than fail the caller's change.
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"path must be a path on this site, like /samverkan/…/, not {path!r}")
    wanted = {user.pk for user in recipients} - ({exclude.pk} if exclude is not None else set())
    people = (
        User.objects.filter(pk__in=wanted, is_active=True)
        .exclude(email_notifications=EmailChoice.NEVER)
        .exclude(email="")
        .only("pk", "email_notifications")
        .order_by("pk")
    )
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=_fit(kind, Notification, "kind"),
            subject=" ".join(_fit(subject, Notification, "subject").split()),
            summary=summary,
            path=_fit(path, Notification, "path"),
            group=_fit(group, Notification, "group"),
            delivery=person.email_notifications,
        )
        for person in people
    )
    direct = [row.pk for row in rows if row.delivery == EmailChoice.DIRECT]
    if direct:
        transaction.on_commit(lambda: _enqueue_all(direct))
    return len(rows)


def _fit(text: str, model: type[Notification], field: str) -> str:
    limit = getattr(model._meta.get_field(field), "max_length", None)
    return Truncator(text).chars(limit) if limit else text


def _enqueue_all(notification_ids: list[int]) -> None:
    for notification_id in notification_ids:
        send_notification.enqueue(notification_id=notification_id)


# --- the signed link to change one's choice -----------------------------------


def choice_token(user: User) -> str:
    """The key in a mail's link to change `user`'s e-mail choice without signing in.

    Signed with SECRET_KEY (and its own salt), so it cannot be made up or changed to name someone
    else. It does not expire (a link in an old mail must still stop the mail), and it is the same in
    every mail to the same person.
    """
    return signing.Signer(salt=TOKEN_SALT).sign_object(user.pk)


def user_for_token(token: str) -> User | None:
    """The person a choice link was made for, or None for a changed, made-up or stale token."""
    try:
        pk = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk).first()


def choice_url(user: User) -> str:
    return emails.absolute_url(reverse("email_choice_link", args=[choice_token(user)]))


def _headers(user: User) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail programs POST `List-Unsubscribe=One-Click` to the link.

    The link goes out on one line as written, however long the portal's address (see `unfolded_header`).
    """
    return {
        "List-Unsubscribe": emails.unfolded_header("List-Unsubscribe", f"<{choice_url(user)}>"),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- sending ------------------------------------------------------------------


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the row says so, and a retry may be queued."""


@task()
def send_notification(*, notification_id: int) -> None:
    """Mail one `direkt` notification, at most once (see the module docstring)."""
    _attempt(
        Notification, notification_id, _deliver_notification, send_notification, {"notification_id": notification_id}
    )


@task()
def send_digest(*, digest_id: int) -> None:
    """Mail one person's daily summary with the notifications it claimed, at most once."""
    _attempt(DigestRun, digest_id, _deliver_digest, send_digest, {"digest_id": digest_id})


def _deliver_notification(notification: Notification) -> None:
    recipient = notification.recipient
    emails.deliver(
        "notification",
        to=recipient.email,
        context={
            "recipient": recipient,
            "notification": notification,
            "link": emails.absolute_url(notification.path),
            "choice_link": choice_url(recipient),
        },
        headers=_headers(recipient),
    )


def _deliver_digest(digest: DigestRun) -> None:
    recipient = digest.recipient
    notifications = list(digest.notifications.order_by("group", "created_at", "pk"))
    if not notifications:
        return  # nothing left to tell (cannot normally happen: a run is claimed only with notifications)
    groups = [
        {"title": title, "notifications": [{"item": n, "link": emails.absolute_url(n.path)} for n in items]}
        for title, items in groupby(notifications, key=lambda n: n.group)
    ]
    emails.deliver(
        "digest",
        to=recipient.email,
        context={
            "recipient": recipient,
            "day": digest.day,
            "groups": groups,
            "count": len(notifications),
            "choice_link": choice_url(recipient),
        },
        headers=_headers(recipient),
    )


def _attempt(
    model: type[Notification] | type[DigestRun],
    pk: int,
    deliver: Callable[[Any], None],
    retry_task: Task[..., None],
    task_kwargs: dict[str, int],
) -> None:
    """One attempt to send the mail a row stands for, holding the row's lock from claim to record.

    The lock (one writer at a time on SQLite) makes the check "not yet sent" and the record "sent"
    one step, so a duplicate task waits and then finds it sent. A failed attempt queues the next
    (after the transaction, so that the next one sees this one's record) until the last.
    """
    error: str | None = None
    with transaction.atomic():
        row = model.objects.select_for_update(of=("self",)).select_related("recipient").filter(pk=pk).first()
        if row is None or row.is_settled:
            return
        now = timezone.now()
        recipient = row.recipient
        if isinstance(row, Notification) and row.delivery != EmailChoice.DIRECT:
            return  # waits for the daily summary
        if not recipient.is_active or recipient.email_notifications == EmailChoice.NEVER:
            row.cancelled_at = now
            row.save(update_fields=["cancelled_at"])
            if isinstance(row, DigestRun):
                row.notifications.update(cancelled_at=now)
            return
        row.attempts += 1
        try:
            deliver(row)
        except Exception as exc:
            logger.exception("Notification mail %s %s to %s could not be sent", model.__name__, pk, recipient.email)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            row.last_error = error
            if row.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                row.failed_at = now
                if isinstance(row, DigestRun):
                    row.notifications.update(failed_at=now, last_error=error)
            else:
                attempts = row.attempts
                transaction.on_commit(lambda: _enqueue_retry(retry_task, attempts=attempts, kwargs=task_kwargs))
        else:
            row.sent_at = now
            if isinstance(row, DigestRun):
                row.notifications.update(sent_at=now)
        row.save(update_fields=["attempts", "last_error", "sent_at", "failed_at"])
    if error is not None:
        # The task ends as failed, so the worker's log and the task list say so too.
        raise MailNotSent(f"{model.__name__} {pk}, attempt {row.attempts}: {error}")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: the base delay, doubled for each try before."""
    return timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))


def _enqueue_retry(retry_task: Task[..., None], *, attempts: int, kwargs: dict[str, int]) -> None:
    if retry_task.get_backend().supports_defer:
        retry_task.using(run_after=timezone.now() + retry_delay(attempts)).enqueue(**kwargs)
    else:
        # The immediate backend (no worker) cannot wait: it tries again at once, still a bounded number of times.
        retry_task.enqueue(**kwargs)


# --- the daily summary ----------------------------------------------------------


def pending_digest_notifications() -> Any:
    return Notification.objects.filter(
        delivery=EmailChoice.DAILY, digest__isnull=True, sent_at__isnull=True, cancelled_at__isnull=True
    )


def send_digests(*, day: date | None = None) -> int:
    """Claim and queue today's summary for each person with waiting `dagligen` notifications.

    Safe to run at the same time on several servers, or again the same day: a summary is claimed by
    creating the person's unique DigestRun for the day, with the notifications waiting at that moment;
    a run that finds the row taken skips that person. Notifications made later in the day wait for the
    next day's run. Returns how many summaries this run claimed.
    """
    day = day or timezone.localdate()
    claimed = 0
    recipients = pending_digest_notifications().values_list("recipient_id", flat=True).distinct().order_by()
    for recipient_id in sorted(set(recipients)):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    run = DigestRun.objects.create(recipient_id=recipient_id, day=day)
            except IntegrityError:
                continue  # today's summary is already claimed, by this or another run
            if not pending_digest_notifications().filter(recipient_id=recipient_id).update(digest=run):
                run.delete()  # another run took them meanwhile under another day: nothing to send
                continue
            transaction.on_commit(partial(_enqueue_digest, run.pk))
        claimed += 1
    return claimed


def _enqueue_digest(digest_id: int) -> None:
    send_digest.enqueue(digest_id=digest_id)

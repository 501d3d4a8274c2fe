"""Reviewing a version: a party's request for changes, and the comment threads on its sections.

Decides that a party that has approved a version does not also ask for changes to it (`AlreadyApproved`),
where a reply joins its thread and that it opens the thread again (`agreement_comment`), and resolving one.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.agreement.versions import _notify, version_url
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementComment,
    AgreementVersion,
    Approval,
    ChangeRequest,
    Organisation,
)
from portal.models import User


class AlreadyApproved(Exception):
    """The party has approved the version: it does not also ask for changes to it."""


def agreement_request_changes(
    *, version: AgreementVersion, user: User, organisation: Organisation, message: str
) -> ChangeRequest:
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration")
            .get(pk=version.agreement_id)
        )
        if Approval.objects.filter(version=version, organisation=organisation).exists():
            raise AlreadyApproved(organisation.name)
        request = ChangeRequest.objects.create(
            version=version, organisation=organisation, requested_by=user, message=message
        )
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_CHANGES_REQUESTED,
            actor=user,
            organisation=organisation,
            summary=_("begärde ändringar i version %(n)d för %(org)s")
            % {"n": version.number, "org": organisation.name},
            version=version.number,
        )
        _notify(
            agreement=agreement,
            kind="andringar",
            subject=_("%(org)s begär ändringar i version %(n)d") % {"org": organisation.name, "n": version.number},
            summary=message,
            path=version_url(version) + f"#andring-{request.code}",
            exclude=user,
        )
        agreement.collaboration.touch()
    return request


def agreement_comment(
    *,
    version: AgreementVersion,
    user: User,
    organisation: Organisation,
    section_slug: str,
    text: str,
    parent: AgreementComment | None = None,
) -> AgreementComment:
    """Comment on a section of a version, or reply in a thread (replies join the thread's first comment)."""
    if parent is not None and parent.version_id != version.pk:
        # The thread is on another version (or another collaboration's agreement): never join it.
        raise ValueError("A reply must be on the same version as its thread.")
    with transaction.atomic():
        root = parent.parent if parent is not None and parent.parent_id else parent
        comment = AgreementComment.objects.create(
            version=version,
            section_slug=root.section_slug if root else section_slug,
            parent=root,
            author=user,
            organisation=organisation,
            text=text,
        )
        if root is not None:
            # A reply opens the thread again: someone still has something to say. Decided by the
            # stored row, not the loaded one, which may predate a colleague resolving the thread.
            AgreementComment.objects.filter(pk=root.pk, resolved_at__isnull=False).update(
                resolved_at=None, resolved_by=None
            )
        collaboration = version.agreement.collaboration
        titles = {s["slug"]: s["title"] for s in version.sections}
        where = titles.get(comment.section_slug, _("hela texten"))
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.AGREEMENT_COMMENTED,
            actor=user,
            organisation=organisation,
            summary=_("kommenterade ”%(section)s” i version %(n)d") % {"section": where, "n": version.number},
            version=version.number,
            section=comment.section_slug,
        )
        _notify(
            agreement=version.agreement,
            kind="kommentar",
            subject=_("Ny kommentar på ”%(section)s” i version %(n)d") % {"section": where, "n": version.number},
            summary=f"{user.full_name} ({organisation.name}): {text}",
            path=version_url(version) + f"#kommentar-{comment.code}",
            exclude=user,
        )
        collaboration.touch()
    return comment


def comment_resolve(*, comment: AgreementComment, user: User, resolved: bool = True) -> None:
    with transaction.atomic():
        root_pk = comment.parent_id or comment.pk
        AgreementComment.objects.filter(pk=root_pk).update(
            resolved_at=timezone.now() if resolved else None, resolved_by=user if resolved else None
        )


def comment_threads(version: AgreementVersion) -> dict[str, list[AgreementComment]]:
    """The version's threads by section slug, oldest first, replies prefetched (two queries)."""
    threads: dict[str, list[AgreementComment]] = {}
    for root in (
        AgreementComment.objects.filter(version=version, parent__isnull=True)
        .select_related("author", "organisation", "resolved_by")
        .prefetch_related(
            Prefetch(
                "replies", queryset=AgreementComment.objects.select_related("author", "organisation").order_by("pk")
            )
        )
        .order_by("created_at", "pk")
    ):
        threads.setdefault(root.section_slug, []).append(root)
    return threads

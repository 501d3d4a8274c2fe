"""The agreement's numbered versions: what a version freezes, sending one for review, checking its hash.

Decides the frozen content and its layout (`build_snapshot`, `snapshot_of`), when a draft may be sent
(`agreement_send`, `SendOutcome`), that a stored version still gives its SHA-256 (`check_version_intact`,
`VersionTampered`) and what a decision must quote of it (`hash_confirms`). `_notify` mails the parties'
people about the agreement; approval and review use it too.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration import print_text
from collaboration.access import without_approver
from collaboration.agreement.drafting import active_sections, section_texts
from collaboration.agreement.party_changes import _names
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Collaboration,
    Membership,
    Organisation,
    Party,
    SectionKind,
)
from collaboration.models.agreements import SNAPSHOT_FORMAT, canonical_json, sha256_of
from portal import notifications
from portal.models import User

logger = logging.getLogger(__name__)


def _person(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"name": user.full_name, "email": user.email}


def build_snapshot(
    *, agreement: Agreement, number: int, user: User, organisation: Organisation | None, now: Any
) -> dict[str, Any]:
    """Everything a version freezes: the title, the period, the parties as they are now, every section."""
    collaboration = agreement.collaboration
    # A contact person is printed only while they are one of the party's own people: someone who
    # has left the organisation (or whose account is closed) is not its contact in a new version.
    parties = list(
        Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation", "contact")
        .annotate(
            contact_is_member=Exists(
                Membership.objects.active().filter(
                    user=OuterRef("contact_id"), organisation=OuterRef("organisation_id")
                )
            )
        )
        .order_by("-organisation__sector", "organisation__name")
    )
    texts = section_texts(agreement)
    sections = []
    for section in active_sections():
        if section.kind == SectionKind.PARTIES:
            continue
        text = texts.get(section.pk)
        sections.append({"slug": section.slug, "title": section.title, "text": text.text if text else ""})
    return snapshot_of(
        collaboration=collaboration,
        number=number,
        sent_at=now,
        sent_by=user,
        sender_organisation=organisation,
        parties=[(p.organisation, p.contact if p.contact_is_member else None, p.reference) for p in parties],
        sections=sections,
    )


def snapshot_of(
    *,
    collaboration: Collaboration,
    number: int,
    sent_at: Any,
    sent_by: User | None,
    sender_organisation: Organisation | None,
    parties: list[tuple[Organisation, User | None, str]],
    sections: list[dict[str, str]],
) -> dict[str, Any]:
    """The layout of a version's frozen content (what its hash is computed over), from what it names.

    `parties` are (organisation, contact person or None, the party's own reference), public parties first;
    `sections` the text sections in order. `build_snapshot` reads them from the database; `seed_scale`
    passes what it is about to write.
    """
    return {
        "format": SNAPSHOT_FORMAT,
        "collaboration": {
            "code": str(collaboration.code),
            "title": collaboration.title,
            "form": collaboration.form.name if collaboration.form else "",
        },
        "version": number,
        "sent_at": sent_at.isoformat(),
        "sent_by": {
            **(_person(sent_by) or {}),
            "organisation": sender_organisation.name if sender_organisation else "",
        },
        "period": {
            "starts_on": collaboration.starts_on.isoformat() if collaboration.starts_on else "",
            "ends_on": collaboration.ends_on.isoformat() if collaboration.ends_on else "",
        },
        "parties": [
            {
                "code": str(organisation.code),
                "name": organisation.name,
                "organisation_number": organisation.organisation_number,
                "sector": organisation.get_sector_display(),
                "kind": organisation.get_kind_display(),
                "contact": _person(contact),
                "reference": reference,
            }
            for organisation, contact, reference in parties
        ],
        "sections": sections,
    }


class SendOutcome(enum.Enum):
    SENT = "sent"
    LOCKED = "locked"  # adopted: start a new version first
    IN_REVIEW = "in-review"  # this text is already the version under review
    EMPTY = "empty"  # nothing written yet
    TOO_LONG = "too-long"  # its PDF would be longer than print_text.MAX_PAGES: no version anyone could print


def agreement_send(
    *, agreement: Agreement, user: User, organisation: Organisation | None
) -> tuple[SendOutcome, AgreementVersion | None]:
    """Freeze the draft as the next numbered version and send it to the parties for review.

    A double click or two people sending at once make one version: the second finds the
    text already under review.
    """
    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",)).select_related("collaboration__form").get(pk=agreement.pk)
        )
        if locked.state == AgreementState.FASTSTALLD:
            return SendOutcome.LOCKED, None
        if locked.state == AgreementState.GRANSKNING:
            return SendOutcome.IN_REVIEW, locked.latest_version
        if not AgreementText.objects.filter(agreement=locked).exclude(text="").exists():
            return SendOutcome.EMPTY, None
        texts = list(AgreementText.objects.filter(agreement=locked).values_list("text", flat=True))
        if print_text.estimate_text_pages(texts) > print_text.MAX_PAGES:
            # Adopted, it would have no PDF and no archive copy, and every batch export would leave it out.
            return SendOutcome.TOO_LONG, None
        number = (locked.latest_version.number if locked.latest_version else 0) + 1
        now = timezone.now()
        content = canonical_json(
            build_snapshot(agreement=locked, number=number, user=user, organisation=organisation, now=now)
        )
        version = AgreementVersion.objects.create(
            agreement=locked,
            number=number,
            content=content,
            sha256=sha256_of(content),
            sent_by=user,
            sent_by_organisation=organisation,
            created_at=now,
        )
        locked.latest_version = version
        locked.state = AgreementState.GRANSKNING
        locked.save(update_fields=["latest_version", "state", "updated_at"])
        Activity.record(
            collaboration=locked.collaboration,
            kind=ActivityKind.AGREEMENT_SENT,
            actor=user,
            organisation=organisation,
            summary=_("skickade version %(n)d av avsiktsförklaringen för granskning") % {"n": number},
            version=number,
            sha256=version.sha256,
        )
        summary = _(
            "%(who)s (%(org)s) skickade version %(n)d för granskning. Läs den, kommentera och godkänn den för er part."
        ) % {"who": user.full_name, "org": organisation.name if organisation else "", "n": number}
        unable = without_approver(version.named_organisations())
        if unable:
            # Said at once, so that the public party's coordinator can invite an approver or register a decision.
            summary += " " + _(
                "Ingen i portalen kan godkänna för %(names)s. Samordnaren för en offentlig part kan bjuda in någon "
                "som får godkänna, eller registrera ett beslut som parten har fattat utanför portalen."
            ) % {"names": _names([o.name for o in unable])}
        _notify(
            agreement=locked,
            kind="granskning",
            subject=_("Version %(n)d av avsiktsförklaringen är skickad för granskning") % {"n": number},
            summary=summary,
            path=version_url(version),
            exclude=user,
        )
        locked.collaboration.touch()
    return SendOutcome.SENT, version


def version_url(version: AgreementVersion) -> str:
    return reverse("agreement_version", args=[version.agreement.collaboration.code, version.number])


# --- The version's hash ------------------------------------------------------------------------


class VersionTampered(Exception):
    """A stored version's content no longer gives its SHA-256: it is never adopted or printed as a record."""


def check_version_intact(version: AgreementVersion) -> None:
    """Raise `VersionTampered` (and log it loudly) unless the stored snapshot still gives the version's hash."""
    if not version.hash_matches():
        logger.error(
            "Agreement version %s (pk %s) no longer matches its SHA-256 %s: refused.",
            version.number,
            version.pk,
            version.sha256,
        )
        raise VersionTampered(version.pk)


def hash_confirms(typed: str, version: AgreementVersion) -> bool:
    """Whether what was typed from the decision is this version's SHA-256: whole, or its first 12 characters or more."""
    cleaned = "".join(typed.split()).lower().rstrip(".…")
    return len(cleaned) >= 12 and version.sha256.startswith(cleaned)


# --- Notifications -------------------------------------------------------------------------


def _notify(*, agreement: Agreement, kind: str, subject: str, summary: str, path: str, exclude: User | None) -> None:
    """E-mail the people of every accepted party, each as they chose (immediately, daily, none)."""
    collaboration = agreement.collaboration
    people = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation__in=Party.objects.accepted()
        .filter(collaboration=collaboration)
        .values("organisation_id"),
    ).distinct()
    notifications.notify(
        recipients=people,
        kind=kind,
        subject=subject,
        summary=summary,
        path=path,
        group=collaboration.title,
        exclude=exclude,
    )

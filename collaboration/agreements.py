"""The shared agreement's workflows: draft from the process, write, send for review, comment, approve.

Every function here is keyword-only, runs in one transaction, writes the activity log and
queues the e-mail to the parties' people (portal.notifications). Rules about one object live
on the models (collaboration/models/agreements.py); these are the workflows that span several.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Answer,
    Approval,
    ChangeRequest,
    Collaboration,
    Edit,
    Membership,
    Organisation,
    Outcome,
    Party,
    SectionKind,
    SectionSource,
    may_approve,
)
from collaboration.models.agreements import SNAPSHOT_FORMAT, canonical_json, sha256_of
from collaboration.models.texts import EMPTY_BASE
from collaboration.principle_check import latest_principle_ratings
from collaboration.process import SaveReport
from principles.models import Principle

if TYPE_CHECKING:
    from portal.models import User

# Autosave while typing writes one activity entry per person and agreement within this window.
ACTIVITY_WINDOW = timedelta(minutes=30)


class AgreementLocked(Exception):
    """The agreement is adopted: start a new version before changing its text."""


def get_agreement(collaboration: Collaboration) -> Agreement | None:
    return (
        Agreement.objects.filter(collaboration=collaboration)
        .select_related("adopted_version", "latest_version")
        # The versions' frozen JSON is read where a version is shown, not on every agreement page.
        .defer("adopted_version__content", "latest_version__content")
        .first()
    )


def active_sections() -> list[AgreementSection]:
    return list(AgreementSection.objects.filter(is_active=True).order_by("order", "pk"))


def text_sections() -> list[AgreementSection]:
    return [s for s in active_sections() if s.kind == SectionKind.TEXT]


def section_texts(agreement: Agreement) -> dict[int, AgreementText]:
    """Each section's text in the draft, by section pk (one query)."""
    return {
        t.section_id: t
        for t in AgreementText.objects.filter(agreement=agreement).select_related(
            "updated_by", "updated_by_organisation"
        )
    }


# --- Drafting from the process -------------------------------------------------------------


@dataclass
class SourceAnswer:
    """A joint process answer that a section draws on."""

    question_code: str
    question_text: str
    step_title: str
    text: str
    version: int


@dataclass
class SectionSources:
    section: AgreementSection
    answers: list[SourceAnswer] = field(default_factory=list)

    def newer_than(self, filled_from: dict[str, int]) -> list[SourceAnswer]:
        """Answers written (or changed) after the draft took them in."""
        return [a for a in self.answers if a.text.strip() and filled_from.get(a.question_code, 0) < a.version]


def section_sources(collaboration: Collaboration) -> dict[int, SectionSources]:
    """For each text section, the joint process answers mapped to it (two queries).

    Only joint answers: a party's own answers (its prerequisites, its own checklist) are
    never copied into a text that every party reads.
    """
    sections = {s.pk: SectionSources(s) for s in text_sections()}
    links = list(
        SectionSource.objects.filter(section_id__in=sections)
        .select_related("question__group__step")
        .order_by("section_id", "order", "pk")
    )
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            collaboration=collaboration,
            party_organisation__isnull=True,
            question_id__in=[link.question_id for link in links],
        )
    }
    for link in links:
        answer = answers.get(link.question_id)
        if answer is None or not answer.text.strip():
            continue
        sections[link.section_id].answers.append(
            SourceAnswer(
                question_code=link.question.code,
                question_text=link.question.text,
                step_title=link.question.group.step.title,
                text=answer.text.strip(),
                version=answer.version,
            )
        )
    return sections


def principles_text(collaboration: Collaboration) -> str:
    """The parties' comments on the six principles, as a starting point for the Principer section."""
    latest = latest_principle_ratings(collaboration)
    names = {
        p.organisation_id: p.organisation.name
        for p in Party.objects.accepted().filter(collaboration=collaboration).select_related("organisation")
    }
    paragraphs = []
    for principle in Principle.objects.order_by("order"):
        comments = [
            f"{names[org_id]}: {rating.comment.strip()}"
            for (org_id, principle_id), rating in sorted(latest.items(), key=lambda i: names.get(i[0][0], ""))
            if principle_id == principle.pk and org_id in names and rating.comment.strip()
        ]
        if comments:
            paragraphs.append(f"{principle.name}\n" + "\n".join(comments))
    return "\n\n".join(paragraphs)


def _joined(answers: list[SourceAnswer]) -> str:
    return "\n\n".join(a.text for a in answers)


def agreement_start(
    *, collaboration: Collaboration, user: User, organisation: Organisation | None, from_process: bool
) -> Agreement:
    """Start the collaboration's agreement, empty or drafted from the process answers that exist.

    Drafting from the process fills only sections that are still empty, so a second click
    (or a colleague's click at the same moment) never writes over anybody's text.
    """
    with transaction.atomic():
        # Two first clicks at once make one agreement: the unique collaboration makes the second
        # insert wait for the first and then find its row. The agreement's row is then locked as
        # in every agreement workflow, always before its texts and the collaboration (`touch`):
        # one lock order, so this never deadlocks with a colleague's save, send or approval.
        created = Agreement.objects.get_or_create(collaboration=collaboration, defaults={"created_by": user})[1]
        agreement = Agreement.objects.select_for_update().get(collaboration=collaboration)
        if agreement.is_locked and from_process:
            raise AgreementLocked
        filled: list[str] = []
        if from_process:
            sources = section_sources(collaboration)
            texts = section_texts(agreement)
            now = timezone.now()
            principles = None
            edits: list[Edit] = []
            found_by_section: dict[int, list[SourceAnswer]] = {}
            sections = text_sections()
            for section in sections:
                current = texts.get(section.pk)
                if current is not None and current.text.strip():
                    continue
                found = sources[section.pk].answers
                text = _joined(found)
                if section.prefill_principles:
                    principles = principles if principles is not None else principles_text(collaboration)
                    text = "\n\n".join(t for t in (text, principles) if t)
                if not text:
                    continue
                edits.append(Edit(slot=section, text=text, base=current.base if current else EMPTY_BASE))
                found_by_section[section.pk] = found
            results = (
                AgreementText.save_edits(
                    scope={"agreement": agreement},
                    create={"agreement": agreement},
                    edits=edits,
                    writer="utkast-fran-processen",
                    user=user,
                    organisation=organisation,
                )
                if edits
                else {}
            )
            for section in sections:
                result = results.get(section.pk)
                if result is not None and result.outcome is Outcome.SAVED and result.answer is not None:
                    AgreementText.objects.filter(pk=result.answer.pk).update(
                        filled_from={a.question_code: a.version for a in found_by_section[section.pk]}, filled_at=now
                    )
                    filled.append(section.title)
            agreement.drafted_from_process_at = now
            update = ["drafted_from_process_at", "updated_at"]
            if filled and agreement.state == AgreementState.GRANSKNING:
                # Text filled in after a version was sent is a change like any other: a new draft.
                agreement.state = AgreementState.UTKAST
                update.append("state")
            agreement.save(update_fields=update)
        if created or filled:
            Activity.record(
                collaboration=collaboration,
                kind=ActivityKind.AGREEMENT_DRAFTED,
                actor=user,
                organisation=organisation,
                summary=(
                    _("skapade ett utkast till avsiktsförklaring från processen (%(n)d avsnitt ifyllda)")
                    % {"n": len(filled)}
                    if from_process
                    else _("påbörjade en avsiktsförklaring")
                ),
                sections=filled,
            )
        collaboration.touch()
    return agreement


def agreement_save(
    *,
    agreement: Agreement,
    edits: list[Edit],
    writer: str,
    user: User,
    organisation: Organisation | None,
    filled_from: dict[int, dict[str, int]] | None = None,
) -> SaveReport:
    """Save what the editing page posted, through the one save contract; never over a colleague's text.

    Any saved change after a version was sent starts a new draft: the version under review
    stays as it was, and approvals given for it no longer count for the text. An adopted
    agreement is locked (`AgreementLocked`) until a new version is started (`agreement_revise`).
    `filled_from` (section pk → question code → answer version) records answers pulled in.
    """
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.is_locked:
            raise AgreementLocked
        report = SaveReport(
            AgreementText.save_edits(
                scope={"agreement": locked},
                create={"agreement": locked},
                edits=edits,
                writer=writer,
                user=user,
                organisation=organisation,
            )
            if edits
            else {}
        )
        if report.saved:
            now = timezone.now()
            for section_pk, sources in (filled_from or {}).items():
                result = report.results.get(section_pk)
                if result is not None and result.answer is not None and section_pk in report.saved:
                    merged = {**result.answer.filled_from, **sources}
                    AgreementText.objects.filter(pk=result.answer.pk).update(filled_from=merged, filled_at=now)
            was_review = locked.state == AgreementState.GRANSKNING
            if was_review:
                locked.state = AgreementState.UTKAST
                locked.save(update_fields=["state", "updated_at"])
            agreement.state = locked.state
            _log_edit(agreement=locked, user=user, organisation=organisation, after_review=was_review)
            locked.collaboration.touch()
    return report


def _log_edit(*, agreement: Agreement, user: User, organisation: Organisation | None, after_review: bool) -> None:
    if not after_review:
        latest = (
            Activity.objects.filter(collaboration_id=agreement.collaboration_id).order_by("-created_at", "-pk").first()
        )
        if (
            latest is not None
            and latest.kind == ActivityKind.AGREEMENT_EDITED
            and latest.actor_id == user.pk
            and latest.created_at > timezone.now() - ACTIVITY_WINDOW
        ):
            return  # autosave while typing: one entry, not one per pause
    version = agreement.latest_version.number if agreement.latest_version_id and agreement.latest_version else None
    Activity.record(
        collaboration=agreement.collaboration,
        kind=ActivityKind.AGREEMENT_EDITED,
        actor=user,
        organisation=organisation,
        summary=(
            _("ändrade avsiktsförklaringen efter att version %(n)d skickades; ändringarna blir ett nytt utkast")
            % {"n": version}
            if after_review and version
            else _("skrev i avsiktsförklaringen")
        ),
    )


def agreement_revise(*, agreement: Agreement, user: User, organisation: Organisation | None) -> bool:
    """Start a new version of an adopted agreement. The adopted version stays in force until another is."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.state != AgreementState.FASTSTALLD:
            return False
        locked.state = AgreementState.UTKAST
        locked.save(update_fields=["state", "updated_at"])
        Activity.record(
            collaboration=locked.collaboration,
            kind=ActivityKind.AGREEMENT_REOPENED,
            actor=user,
            organisation=organisation,
            summary=_("påbörjade en ny version av den fastställda avsiktsförklaringen"),
        )
    return True


def party_details(*, party: Party, contact: User | None, reference: str, user: User) -> None:
    """A party's contact person and diarienummer, printed in the next version sent for review."""
    with transaction.atomic():
        Party.objects.filter(pk=party.pk).update(contact=contact, reference=reference)
        if party.contact_id != (contact.pk if contact else None) or party.reference != reference:
            Activity.record(
                collaboration=party.collaboration,
                kind=ActivityKind.COLLABORATION_EDITED,
                actor=user,
                organisation=party.organisation,
                summary=_("ändrade kontaktperson eller diarienummer för %(org)s") % {"org": party.organisation.name},
            )


# --- Versions ------------------------------------------------------------------------------


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
        _notify(
            agreement=locked,
            kind="granskning",
            subject=_("Version %(n)d av avsiktsförklaringen är skickad för granskning") % {"n": number},
            summary=_(
                "%(who)s (%(org)s) skickade version %(n)d för granskning. Läs den, kommentera och godkänn den för er part."
            )
            % {"who": user.full_name, "org": organisation.name if organisation else "", "n": number},
            path=version_url(version),
            exclude=user,
        )
        locked.collaboration.touch()
    return SendOutcome.SENT, version


def version_url(version: AgreementVersion) -> str:
    return reverse("agreement_version", args=[version.agreement.collaboration.code, version.number])


# --- Approval ------------------------------------------------------------------------------


class ApproveOutcome(enum.Enum):
    APPROVED = "approved"  # this party approved; others are awaited
    ADOPTED = "adopted"  # this approval was the last one: the version is adopted
    ALREADY = "already"  # this party had already approved this version
    NOT_ALLOWED = "not-allowed"  # the person may not approve for that party (role rule)
    OUTDATED = "outdated"  # not the version under review (a newer draft or version exists)


def approvers(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user may approve for, by the role rule (`may_approve`)."""
    memberships = (
        Membership.objects.active()
        .filter(
            user=user,
            organisation__in=Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [m.organisation for m in memberships if may_approve(m)]


def agreement_approve(
    *, version: AgreementVersion, user: User, organisation: Organisation, decision_reference: str = ""
) -> ApproveOutcome:
    """Approve a version for one party. Bound to the version's hash; the last party's approval adopts it.

    The agreement row is locked, so two parties approving at the same moment take turns
    and the second sees the first: both count, and the version is adopted once.
    """
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration")
            .get(pk=version.agreement_id)
        )
        membership = (
            Membership.objects.active()
            .filter(user=user, organisation=organisation)
            .select_related("organisation")
            .first()
        )
        is_party = Party.objects.accepted().filter(collaboration=agreement.collaboration, organisation=organisation)
        if membership is None or not may_approve(membership) or not is_party.exists():
            return ApproveOutcome.NOT_ALLOWED
        in_review = agreement.latest_version_id == version.pk and agreement.state == AgreementState.GRANSKNING
        adopted = agreement.adopted_version_id == version.pk and agreement.state == AgreementState.FASTSTALLD
        # An approval of a version that is no longer the one under review does not count: the
        # party is told so (OUTDATED), never that it has approved (a stale page, a second click
        # after a colleague edited). Only for the version in review or just adopted is it ALREADY.
        if (in_review or adopted) and Approval.objects.filter(version=version, organisation=organisation).exists():
            return ApproveOutcome.ALREADY
        if not in_review:
            return ApproveOutcome.OUTDATED
        try:
            with transaction.atomic():
                Approval.objects.create(
                    version=version,
                    organisation=organisation,
                    approved_by=user,
                    approved_by_name=user.full_name,
                    role=membership.role,
                    version_sha256=version.sha256,
                    decision_reference=decision_reference.strip(),
                )
        except IntegrityError:
            return ApproveOutcome.ALREADY
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_APPROVED,
            actor=user,
            organisation=organisation,
            summary=_("godkände version %(n)d för %(org)s") % {"n": version.number, "org": organisation.name},
            version=version.number,
            sha256=version.sha256,
            decision_reference=decision_reference.strip(),
        )
        adopted = _adopt_if_everyone_approved(
            agreement=agreement, version=version, user=user, organisation=organisation
        )
        if not adopted:
            _notify(
                agreement=agreement,
                kind="godkand",
                subject=_("%(org)s har godkänt version %(n)d av avsiktsförklaringen")
                % {"org": organisation.name, "n": version.number},
                summary=_("%(who)s godkände version %(n)d för %(org)s.")
                % {"who": user.full_name, "n": version.number, "org": organisation.name},
                path=version_url(version),
                exclude=user,
            )
        agreement.collaboration.touch()
    return ApproveOutcome.ADOPTED if adopted else ApproveOutcome.APPROVED


def _adopt_if_everyone_approved(
    *, agreement: Agreement, version: AgreementVersion, user: User | None, organisation: Organisation | None
) -> bool:
    """Adopt `version` when every accepted party has approved it. The caller holds the agreement's lock."""
    parties = set(
        Party.objects.accepted().filter(collaboration=agreement.collaboration).values_list("organisation_id", flat=True)
    )
    approved = set(
        Approval.objects.filter(version=version, version_sha256=version.sha256).values_list(
            "organisation_id", flat=True
        )
    )
    if not parties or not parties <= approved or agreement.state != AgreementState.GRANSKNING:
        return False
    agreement.state = AgreementState.FASTSTALLD
    agreement.adopted_version = version
    agreement.adopted_at = timezone.now()
    agreement.save(update_fields=["state", "adopted_version", "adopted_at", "updated_at"])
    Activity.record(
        collaboration=agreement.collaboration,
        kind=ActivityKind.AGREEMENT_ADOPTED,
        actor=user,
        organisation=organisation,
        summary=_("alla parter har godkänt version %(n)d: avsiktsförklaringen är fastställd") % {"n": version.number},
        version=version.number,
        sha256=version.sha256,
    )
    _notify(
        agreement=agreement,
        kind="faststalld",
        subject=_("Avsiktsförklaringen är fastställd"),
        summary=_("Alla parter har godkänt version %(n)d. Den är nu fastställd och låst.") % {"n": version.number},
        path=version_url(version),
        exclude=None,
    )
    return True


def after_parties_changed(*, collaboration: Collaboration, user: User | None) -> None:
    """A party left: if everyone still in has approved the version under review, it is adopted now."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration", "latest_version")
            .filter(collaboration=collaboration)
            .first()
        )
        if agreement is None or agreement.latest_version is None or agreement.state != AgreementState.GRANSKNING:
            return
        _adopt_if_everyone_approved(agreement=agreement, version=agreement.latest_version, user=user, organisation=None)


# --- Review: change requests and comments ----------------------------------------------------


def party_organisations(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user belongs to (to comment or ask for changes for), as the page found them.

    For pages and forms: what the request's access check found (`get_collaboration_for`). Approving checks
    again under the agreement's row lock, since a party's approval is what adopts the text.
    """
    return collaboration.organisations_of(user)


def agreement_request_changes(
    *, version: AgreementVersion, user: User, organisation: Organisation, message: str
) -> ChangeRequest:
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration")
            .get(pk=version.agreement_id)
        )
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


# --- Notifications -------------------------------------------------------------------------


def _notify(*, agreement: Agreement, kind: str, subject: str, summary: str, path: str, exclude: User | None) -> None:
    """E-mail the people of every accepted party, each as they chose (immediately, daily, none)."""
    from portal.models import User as UserModel
    from portal.notifications import notify

    collaboration = agreement.collaboration
    people = UserModel.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation__in=Party.objects.accepted()
        .filter(collaboration=collaboration)
        .values("organisation_id"),
    ).distinct()
    notify(
        recipients=people,
        kind=kind,
        subject=subject,
        summary=summary,
        path=path,
        group=collaboration.title,
        exclude=exclude,
    )

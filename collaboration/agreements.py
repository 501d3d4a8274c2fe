"""The shared agreement's workflows: draft from the process, write, send for review, comment, approve.

Every function here is keyword-only, runs in one transaction, writes the activity log and
queues the e-mail to the parties' people (portal.notifications). Rules about one object live
on the models (collaboration/models/agreements.py); these are the workflows that span several.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.cowriting.contract import EMPTY_BASE, Edit, Outcome, SaveReport
from collaboration.documents import pdf
from collaboration.models import (
    Activity,
    ActivityKind,
    Adoption,
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
    Membership,
    Organisation,
    Party,
    Role,
    SectionKind,
    SectionSource,
    Sector,
    may_approve,
)
from collaboration.models.agreements import SNAPSHOT_FORMAT, canonical_json, sha256_of
from collaboration.organisations import SentInvitation, invitation_send
from collaboration.principle_check import latest_principle_ratings
from collaboration.signals import agreement_adopted, parties_changed
from portal import notifications
from portal.models import User
from principles.models import Principle

logger = logging.getLogger(__name__)

# Autosave while typing writes one activity entry per person and agreement within this window.
ACTIVITY_WINDOW = timedelta(minutes=30)

# The comparison page's name for the text as it stands now (`?till=utkast`).
DIFF_DRAFT = "utkast"


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
            agreement.save(update_fields=update)
            if filled and agreement.state == AgreementState.GRANSKNING:
                # Text filled in after a version was sent is a change like any other: a new draft.
                _back_to_draft(agreement=agreement, user=user)
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
                _back_to_draft(agreement=locked, user=user)
            agreement.state = locked.state
            _log_edit(agreement=locked, user=user, organisation=organisation, after_review=was_review)
            locked.collaboration.touch()
    return report


def _back_to_draft(*, agreement: Agreement, user: User) -> None:
    """The text under review changed: it is a draft again, and approvals of the version no longer count.

    The caller holds the agreement's lock. Those who may approve for a party that had approved
    the version are told by mail, with a link to what changed.
    """
    agreement.state = AgreementState.UTKAST
    agreement.save(update_fields=["state", "updated_at"])
    if agreement.latest_version is not None:
        _tell_approvers_their_approval_lapsed(
            agreement=agreement,
            version=agreement.latest_version,
            exclude=user,
            reason=_("texten har ändrats efter att versionen skickades för granskning"),
        )


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
    TOO_LONG = "too-long"  # its PDF would be longer than pdf.MAX_PAGES: no version anyone could print


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
        if pdf.estimate_text_pages(texts) > pdf.MAX_PAGES:
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


# --- Approval ------------------------------------------------------------------------------


class ApproveOutcome(enum.Enum):
    APPROVED = "approved"  # this party approved; others are awaited
    ADOPTED = "adopted"  # this approval was the last one: the version is adopted
    ALREADY = "already"  # this party had already approved this version
    NOT_ALLOWED = "not-allowed"  # the person may not approve for that party (role rule)
    NOT_NAMED = "not-named"  # the party is not one the version names: it approves the next version
    OTHER_PARTY = "other-party"  # the person has approved this version for another party already
    OUTDATED = "outdated"  # not the version under review (a newer draft or version exists)
    TAMPERED = "tampered"  # the stored version no longer matches its hash: nothing is adopted


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


def approver_memberships() -> Q:
    """`may_approve` as a query on memberships: who may approve for their organisation (active people only)."""
    return (
        Q(role=Role.COORDINATOR)
        | Q(organisation__sector=Sector.CIVIL, role=Role.BOARD_MEMBER)
        | Q(organisation__sector=Sector.PUBLIC, role=Role.OFFICER, approves_agreements=True)
    )


def without_approver(organisations: list[Organisation]) -> list[Organisation]:
    """Those of `organisations` that nobody in the portal may approve for (one query)."""
    if not organisations:
        return []
    covered = set(
        Membership.objects.active()
        .filter(approver_memberships(), organisation__in=organisations)
        .values_list("organisation_id", flat=True)
    )
    return [o for o in organisations if o.pk not in covered]


def approvers(user: User, collaboration: Collaboration, version: AgreementVersion | None = None) -> list[Organisation]:
    """The accepted parties the user may approve for, by the role rule (`may_approve`).

    With `version`, only those the version names: a party that joined after it was sent approves the next one.
    """
    memberships = (
        Membership.objects.active()
        .filter(
            user=user,
            organisation__in=Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    allowed = [m.organisation for m in memberships if may_approve(m)]
    if version is not None and allowed:
        named = {o.pk for o in version.named_organisations()}
        allowed = [o for o in allowed if o.pk in named]
    return allowed


def _lock_agreement(version: AgreementVersion) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",)).select_related("collaboration").get(pk=version.agreement_id)
    )


def _review_state(agreement: Agreement, version: AgreementVersion) -> tuple[bool, bool]:
    """(under review, adopted and in force) for `version`, read under the agreement's lock."""
    in_review = agreement.latest_version_id == version.pk and agreement.state == AgreementState.GRANSKNING
    adopted = agreement.adopted_version_id == version.pk and agreement.state == AgreementState.FASTSTALLD
    return in_review, adopted


def agreement_approve(
    *, version: AgreementVersion, user: User, organisation: Organisation, decision_reference: str = ""
) -> ApproveOutcome:
    """Approve a version for one party. Bound to the version's hash; the last party's approval adopts it.

    Only a party the version names approves it. The agreement row is locked, so two parties
    approving at the same moment take turns and the second sees the first: both count, and
    the version is adopted once.
    """
    with transaction.atomic():
        agreement = _lock_agreement(version)
        membership = (
            Membership.objects.active()
            .filter(user=user, organisation=organisation)
            .select_related("organisation")
            .first()
        )
        is_party = Party.objects.accepted().filter(collaboration=agreement.collaboration, organisation=organisation)
        if membership is None or not may_approve(membership) or not is_party.exists():
            return ApproveOutcome.NOT_ALLOWED
        in_review, adopted = _review_state(agreement, version)
        # An approval of a version that is no longer the one under review does not count: the
        # party is told so (OUTDATED), never that it has approved (a stale page, a second click
        # after a colleague edited). Only for the version in review or just adopted is it ALREADY.
        if (in_review or adopted) and Approval.objects.filter(version=version, organisation=organisation).exists():
            return ApproveOutcome.ALREADY
        if not in_review:
            return ApproveOutcome.OUTDATED
        if organisation.pk not in {o.pk for o in version.named_organisations()}:
            return ApproveOutcome.NOT_NAMED
        if Approval.objects.filter(version=version, approved_by=user).exclude(organisation=organisation).exists():
            # One person's signature never stands for two parties of the same text.
            return ApproveOutcome.OTHER_PARTY
        try:
            check_version_intact(version)
        except VersionTampered:
            return ApproveOutcome.TAMPERED
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
        outcome = _approved(
            agreement=agreement,
            version=version,
            user=user,
            organisation=organisation,
            said=_("%(who)s godkände version %(n)d för %(org)s.")
            % {"who": user.full_name, "n": version.number, "org": organisation.name},
        )
        agreement.collaboration.touch()
    return outcome


def _approved(
    *, agreement: Agreement, version: AgreementVersion, user: User, organisation: Organisation, said: str
) -> ApproveOutcome:
    """After an approval is stored: adopt the version if it was the last one, else tell the other parties."""
    try:
        adopted = _adopt_if_everyone_approved(
            agreement=agreement, version=version, user=user, organisation=organisation
        )
    except VersionTampered:
        # The approval stays recorded against the hash it was given for; nothing is adopted.
        return ApproveOutcome.TAMPERED
    if adopted:
        return ApproveOutcome.ADOPTED
    _notify(
        agreement=agreement,
        kind="godkand",
        subject=_("%(org)s har godkänt version %(n)d av avsiktsförklaringen")
        % {"org": organisation.name, "n": version.number},
        summary=said,
        path=version_url(version),
        exclude=user,
    )
    return ApproveOutcome.APPROVED


def _adopt_if_everyone_approved(
    *, agreement: Agreement, version: AgreementVersion, user: User | None, organisation: Organisation | None
) -> bool:
    """Adopt `version` when every party it names has approved it. The caller holds the agreement's lock.

    Decided against the version's own snapshot, never against who is a party now: a party that
    approved without being named counts for nothing, and one that is named but left does not
    drop out of the count (a party leaving while a version is in review makes it outdated instead,
    see `after_parties_changed`). The stored snapshot is checked against its hash first.
    """
    if agreement.state != AgreementState.GRANSKNING or agreement.latest_version_id != version.pk:
        return False
    named = version.named_organisations()
    if not named or len(named) != len(version.parties):
        return False  # a named party the portal cannot find again: never adopted without it
    approved = set(
        Approval.objects.filter(version=version, version_sha256=version.sha256).values_list(
            "organisation_id", flat=True
        )
    )
    if not {o.pk for o in named} <= approved:
        return False
    current = set(
        Party.objects.accepted().filter(collaboration=agreement.collaboration).values_list("organisation_id", flat=True)
    )
    if current != {o.pk for o in named}:
        return False  # the parties changed: the version is outdated, not adoptable
    check_version_intact(version)
    now = timezone.now()
    agreement.state = AgreementState.FASTSTALLD
    agreement.adopted_version = version
    agreement.adopted_at = now
    agreement.save(update_fields=["state", "adopted_version", "adopted_at", "updated_at"])
    Adoption.objects.create(
        agreement=agreement, version=version, version_sha256=version.sha256, adopted_at=now, completed_by=user
    )
    agreement_adopted.send(sender=AgreementVersion, version=version)
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


def parties_changed_since(version: AgreementVersion, current: list[Organisation]) -> tuple[list[str], list[str]]:
    """(names that joined, names that left) between the parties `version` names and the `current` ones."""
    named = {str(p.get("code") or p.get("organisation_number")): p.get("name", "") for p in version.parties}
    now = {str(o.code): o for o in current}
    by_number = {o.organisation_number: o for o in current}
    still = set()
    left = []
    for key, name in named.items():
        organisation = now.get(key) or by_number.get(key)
        if organisation is None:
            left.append(name)
        else:
            still.add(organisation.pk)
    joined = [o.name for o in current if o.pk not in still]
    return joined, left


@receiver(parties_changed)
def _parties_changed(sender: object, *, collaboration: Collaboration, user: User | None, **kwargs: object) -> None:
    after_parties_changed(collaboration=collaboration, user=user)


def after_parties_changed(*, collaboration: Collaboration, user: User | None) -> None:
    """A party joined or left: a version under review that no longer names the parties as they are is outdated.

    It can no longer be adopted (its text names parties that are not, or not all, the parties now);
    the agreement becomes a draft again, everyone is told, and the next version sent names the
    parties as they are. Called inside the transaction that changed the party.
    """
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("collaboration", "latest_version")
            .filter(collaboration=collaboration)
            .first()
        )
        if agreement is None or agreement.latest_version is None or agreement.state != AgreementState.GRANSKNING:
            return
        version = agreement.latest_version
        current = [p.organisation for p in collaboration.accepted_parties()]
        joined, left = parties_changed_since(version, current)
        if not joined and not left:
            return
        agreement.state = AgreementState.UTKAST
        agreement.save(update_fields=["state", "updated_at"])
        change = party_change_text(joined=joined, left=left)
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_OUTDATED,
            actor=user,
            organisation=None,
            summary=_("version %(n)d kan inte fastställas längre: %(change)s")
            % {"n": version.number, "change": change},
            version=version.number,
            joined=joined,
            left=left,
        )
        _notify(
            agreement=agreement,
            kind="inaktuell",
            subject=_("Version %(n)d av avsiktsförklaringen kan inte fastställas: parterna har ändrats")
            % {"n": version.number},
            summary=_(
                "%(change)s Version %(n)d nämner parterna som de var när den skickades, så den kan inte fastställas. "
                "Nästa version som skickas för granskning får med parterna som de är nu."
            )
            % {"change": change[:1].upper() + change[1:] + ".", "n": version.number},
            path=reverse("agreement_detail", args=[collaboration.code]),
            exclude=None,
        )
        _tell_approvers_their_approval_lapsed(agreement=agreement, version=version, exclude=user, reason=change)


def party_change_text(*, joined: list[str], left: list[str]) -> str:
    """ "Equmeniakyrkan har tillkommit som part och Stiftelsen Gröna Gårdar har lämnat", in words."""
    parts = []
    if joined:
        parts.append(_("%(names)s har tillkommit som part") % {"names": _names(joined)})
    if left:
        parts.append(_("%(names)s har lämnat samverkan") % {"names": _names(left)})
    return _(" och ").join(parts)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s och %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _tell_approvers_their_approval_lapsed(
    *, agreement: Agreement, version: AgreementVersion, exclude: User | None, reason: str
) -> None:
    """Mail those who may approve for each party that approved `version`: their approval no longer counts.

    The mail links to the differences between what they approved and the text as it is now.
    """
    in_now = Party.objects.accepted().filter(collaboration=agreement.collaboration).values("organisation_id")
    approvals = list(
        Approval.objects.filter(version=version, organisation__in=in_now).values_list(
            "organisation_id", "registered_by_id"
        )
    )
    if not approvals:
        return
    # Those who may approve for each party still in that had approved; for a registered approval (its party
    # has nobody here), the coordinator who registered it, while still one of a party's people here.
    people = User.objects.filter(
        Q(
            pk__in=Membership.objects.active()
            .filter(approver_memberships(), organisation_id__in=[org for org, _by in approvals])
            .values("user_id")
        )
        | Q(
            pk__in=[by for _org, by in approvals if by is not None],
            memberships__is_active=True,
            memberships__organisation__in=in_now,
        )
    ).distinct()
    notifications.notify(
        recipients=people,
        kind="godkannande-galler-inte",
        subject=_("Ert godkännande av version %(n)d gäller inte längre") % {"n": version.number},
        summary=_(
            "Er part godkände version %(n)d av avsiktsförklaringen, men %(reason)s. Godkännandet gäller inte "
            "den nya texten. Se vad som skiljer, och godkänn nästa version när den skickas för granskning."
        )
        % {"n": version.number, "reason": reason},
        path=reverse("agreement_diff", args=[agreement.collaboration.code])
        + f"?fran={version.number}&till={DIFF_DRAFT}",
        group=agreement.collaboration.title,
        exclude=exclude,
    )


# --- Approvals given outside the portal ------------------------------------------------------------


class RegisterOutcome(enum.Enum):
    REGISTERED = "registered"
    ADOPTED = "adopted"
    ALREADY = "already"  # the party has already approved this version
    NOT_ALLOWED = "not-allowed"  # only a coordinator of a public party in the collaboration registers
    HAS_APPROVER = "has-approver"  # someone in the portal may approve for the party: they do it themselves
    NOT_NAMED = "not-named"
    OUTDATED = "outdated"
    WRONG_HASH = "wrong-hash"  # the decision names another text than this version
    TAMPERED = "tampered"


def may_register_approvals(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The public parties of the collaboration the user coordinates: they register outside approvals for it."""
    return [
        m.organisation
        for m in Membership.objects.active()
        .filter(
            user=user,
            role=Role.COORDINATOR,
            organisation__sector=Sector.PUBLIC,
            organisation__in=Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def hash_confirms(typed: str, version: AgreementVersion) -> bool:
    """Whether what was typed from the decision is this version's SHA-256: whole, or its first 12 characters or more."""
    cleaned = "".join(typed.split()).lower().rstrip(".…")
    return len(cleaned) >= 12 and version.sha256.startswith(cleaned)


def agreement_register_approval(
    *,
    version: AgreementVersion,
    user: User,
    organisation: Organisation,
    acting: Organisation,
    person_name: str,
    role_title: str,
    decided_on: date,
    decision_reference: str,
    typed_hash: str,
) -> RegisterOutcome:
    """Record that `organisation` approved `version` by a decision taken outside the portal.

    For a party the version names that nobody in the portal may approve for (`without_approver`),
    registered by a coordinator of a public party (`acting`). The decision must name the version's
    hash, so that it is this text that was decided on. The approval is marked as registered by that
    coordinator everywhere it is shown, and it adopts the version like any other last approval.
    """
    with transaction.atomic():
        agreement = _lock_agreement(version)
        if acting.pk not in {o.pk for o in may_register_approvals(user, agreement.collaboration)}:
            return RegisterOutcome.NOT_ALLOWED
        in_review, adopted = _review_state(agreement, version)
        if (in_review or adopted) and Approval.objects.filter(version=version, organisation=organisation).exists():
            return RegisterOutcome.ALREADY
        if not in_review:
            return RegisterOutcome.OUTDATED
        named = version.named_organisations()
        is_party = Party.objects.accepted().filter(collaboration=agreement.collaboration, organisation=organisation)
        if organisation.pk not in {o.pk for o in named} or not is_party.exists():
            return RegisterOutcome.NOT_NAMED
        if not without_approver([organisation]):
            return RegisterOutcome.HAS_APPROVER
        if not hash_confirms(typed_hash, version):
            return RegisterOutcome.WRONG_HASH
        try:
            check_version_intact(version)
        except VersionTampered:
            return RegisterOutcome.TAMPERED
        try:
            with transaction.atomic():
                Approval.objects.create(
                    version=version,
                    organisation=organisation,
                    approved_by=None,
                    approved_by_name=person_name.strip(),
                    role="",
                    role_title=role_title.strip(),
                    decided_on=decided_on,
                    version_sha256=version.sha256,
                    decision_reference=decision_reference.strip(),
                    registered_by=user,
                    registered_by_name=user.full_name,
                    registered_by_organisation=acting,
                )
        except IntegrityError:
            return RegisterOutcome.ALREADY
        said = _(
            "%(who)s (%(acting)s) registrerade att %(org)s godkände version %(n)d genom beslut utanför portalen: "
            "%(decision)s."
        ) % {
            "who": user.full_name,
            "acting": acting.name,
            "org": organisation.name,
            "n": version.number,
            "decision": decision_reference.strip(),
        }
        Activity.record(
            collaboration=agreement.collaboration,
            kind=ActivityKind.AGREEMENT_APPROVAL_REGISTERED,
            actor=user,
            organisation=acting,
            summary=_("registrerade för %(org)s ett godkännande av version %(n)d (%(decision)s, %(person)s)")
            % {
                "org": organisation.name,
                "n": version.number,
                "decision": decision_reference.strip(),
                "person": person_name.strip(),
            },
            version=version.number,
            sha256=version.sha256,
            party=organisation.name,
            decision_reference=decision_reference.strip(),
            decided_on=decided_on.isoformat(),
        )
        outcome = _approved(agreement=agreement, version=version, user=user, organisation=organisation, said=said)
        agreement.collaboration.touch()
    return {
        ApproveOutcome.ADOPTED: RegisterOutcome.ADOPTED,
        ApproveOutcome.TAMPERED: RegisterOutcome.TAMPERED,
    }.get(outcome, RegisterOutcome.REGISTERED)


def invite_first_approver(
    *, collaboration: Collaboration, organisation: Organisation, email: str, user: User, request: Any
) -> SentInvitation | None:
    """A public party's coordinator invites the first coordinator of a party nobody in the portal approves for.

    The existing rules for a first coordinator apply (`invitation_accept`): the invitation is the
    organisation's own, and none of the inviting side's people may take it. None when the user may
    not (not a public party's coordinator here) or the party has someone who may approve, or a coordinator.
    """
    if not may_register_approvals(user, collaboration):
        return None
    is_party = Party.objects.accepted().filter(collaboration=collaboration, organisation=organisation).exists()
    if not is_party or not without_approver([organisation]) or organisation.has_active_coordinator():
        return None
    sent = invitation_send(
        request=request, organisation=organisation, email=email, role=Role.COORDINATOR, invited_by=user
    )
    Activity.record(
        collaboration=collaboration,
        kind=ActivityKind.AGREEMENT_APPROVER_INVITED,
        actor=user,
        organisation=None,
        summary=_("bjöd in en första samordnare för %(org)s, som ska kunna godkänna avsiktsförklaringen")
        % {"org": organisation.name},
    )
    return sent


# --- Review: change requests and comments ----------------------------------------------------


def party_organisations(user: User, collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties the user belongs to (to comment or ask for changes for), as the page found them.

    For pages and forms: what the request's access check found (`get_collaboration_for`). Approving checks
    again under the agreement's row lock, since a party's approval is what adopts the text.
    """
    return collaboration.organisations_of(user)


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


# --- What the agreement pages say about its state ------------------------------------------------


def text_differs_from(agreement: Agreement, version: AgreementVersion) -> bool:
    """Whether the text as it is now differs from `version`'s frozen sections (one query for the texts)."""
    texts = section_texts(agreement)
    now = {s.slug: (texts[s.pk].text if s.pk in texts else "") for s in text_sections()}
    frozen = {s["slug"]: s["text"] for s in version.sections}
    return any(now.get(slug, "") != frozen.get(slug, "") for slug in set(now) | set(frozen))


def state_notice(agreement: Agreement) -> str:
    """What every agreement page says plainly about the text and the approvals, in one or two sentences.

    "Version 2 gäller. Ett nytt utkast pågår" is not "ert godkännande gäller inte längre": approvals of
    the version in force stay valid while a new one is drafted, and starting a new version with no edit
    yet alarms nobody. Only a version that was under review and was changed (its text, or its parties)
    loses the approvals it had.
    """
    latest = agreement.latest_version
    if agreement.state != AgreementState.UTKAST or latest is None:
        return ""
    in_force = (
        _("Version %(n)d gäller. ") % {"n": agreement.adopted_version.number}
        if agreement.adopted_version_id and agreement.adopted_version is not None
        else ""
    )
    if agreement.adopted_version_id == latest.pk:
        if text_differs_from(agreement, latest):
            return in_force + _(
                "Ett nytt utkast pågår. Ändringarna gäller först när en ny version har godkänts av alla parter."
            )
        return in_force + _("Ett nytt utkast har påbörjats, men inget är ändrat än.")
    approved = latest.approvals.exists()
    lapsed = _(" Godkännandena av version %(n)d gäller inte längre.") % {"n": latest.number} if approved else ""
    joined, left = parties_changed_since(latest, [p.organisation for p in agreement.collaboration.accepted_parties()])
    if joined or left:
        change = party_change_text(joined=joined, left=left)
        return in_force + _(
            "Version %(n)d kan inte fastställas: %(change)s efter att den skickades.%(lapsed)s "
            "Skicka texten för granskning igen, så får nästa version med parterna som de är nu."
        ) % {"n": latest.number, "change": change, "lapsed": lapsed}
    if not text_differs_from(agreement, latest):
        # The parties changed and changed back: the text is the same, but the version was taken out of review.
        return in_force + _(
            "Version %(n)d togs ur granskning när parterna ändrades.%(lapsed)s Skicka texten för granskning igen."
        ) % {"n": latest.number, "lapsed": lapsed}
    return in_force + _(
        "Texten har ändrats efter att version %(n)d skickades för granskning.%(lapsed)s "
        "Skicka den nya texten för granskning när ni är klara."
    ) % {"n": latest.number, "lapsed": lapsed}

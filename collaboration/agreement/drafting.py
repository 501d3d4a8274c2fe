"""Writing the agreement's draft: starting it (empty or from the process answers), saving it, reopening it.

Decides what a section's text is drafted from (`section_sources`), that an adopted agreement is locked
(`AgreementLocked`) until a new version is started (`agreement_revise`), that a change to a text under
review makes it a draft again and the approvals given for it lapse (`_back_to_draft`, which tells those
who approved), a party's contact person and diarienummer, and what every agreement page says about the
text's state (`state_notice`). Sending the draft as a version is in `versions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.access import approver_memberships
from collaboration.agreement.party_changes import parties_changed_since, party_change_text
from collaboration.cowriting.contract import EMPTY_BASE, Edit, Outcome, SaveReport
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Answer,
    Approval,
    Collaboration,
    Membership,
    Organisation,
    Party,
    SectionKind,
    SectionSource,
)
from collaboration.principle_check import latest_principle_ratings
from portal import notifications
from portal.models import User
from principles.models import Principle

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


# --- Approvals that no longer count --------------------------------------------------------------


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

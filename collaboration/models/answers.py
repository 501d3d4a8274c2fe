"""Answers that the parties write in a guided process, with their history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration
from .guidance import Phase, Question, Step
from .organisations import Organisation

if TYPE_CHECKING:
    from portal.models import User

# Saves by the same person within this window are folded into one history entry,
# so that autosave while typing does not bury the history under keystrokes.
REVISION_WINDOW = timedelta(minutes=10)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Outcome(StrEnum):
    """What one save did to one text box."""

    SAVED = "saved"  # the writer's text is stored now
    UNCHANGED = "unchanged"  # the stored text already is the writer's text
    UNTOUCHED = "untouched"  # the writer left the box as loaded, and nobody has saved it since
    STALE = "stale"  # the writer left the box as loaded, but a colleague has saved newer text since
    CONFLICT = "conflict"  # the writer changed the box, and someone else saved it since: nothing stored


@dataclass(frozen=True)
class Base:
    """What the writer's form was built from: the answer's version and a digest of its text.

    The digest lets a save tell "the writer left this field alone" from "the
    writer changed it", so an untouched field never conflicts with a colleague's edit.
    """

    version: int
    digest: str

    @classmethod
    def parse(cls, raw: str) -> Base | None:
        version, _, digest = (raw or "").partition(":")
        if not version.isdigit() or not digest:
            return None
        return cls(int(version), digest)

    def __str__(self) -> str:
        return f"{self.version}:{self.digest}"


# The base of a box whose posted base could not be read: it matches no stored
# version and no text, so a changed box conflicts rather than overwrites.
UNKNOWN_BASE = Base(0, "-")


@dataclass(frozen=True)
class Edit:
    """One box as an editing page posted it."""

    question: Question
    text: str
    base: Base | None
    # The stored version the writer was shown in the conflict view and chose to write over.
    seen: Base | None = None


@dataclass(frozen=True)
class FieldResult:
    outcome: Outcome
    # What is stored now (for CONFLICT and STALE: the colleague's version); None if nothing ever was.
    answer: Answer | None
    # The base the writer's box stands on after the save. It moves only to a version whose
    # text is exactly what the writer posted.
    base: Base


def party_filter(party: Organisation | None, prefix: str = "") -> dict[str, object]:
    """The lookup for one party's own answers, or for the joint ones (party None)."""
    if party is None:
        return {f"{prefix}party_organisation__isnull": True}
    return {f"{prefix}party_organisation": party}


class Answer(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Whose answer this is: None for a joint answer that all parties write, otherwise the
    # party organisation that answers for itself (phases with a per-party AnswerMode).
    party_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partens eget svar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_answers",
    )
    text = models.TextField(_("svar"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "question"],
                condition=models.Q(party_organisation__isnull=True),
                name="one_joint_answer_per_question",
            ),
            models.UniqueConstraint(
                fields=["collaboration", "question", "party_organisation"],
                condition=models.Q(party_organisation__isnull=False),
                name="one_answer_per_question_and_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} ({self.collaboration})"

    @property
    def base(self) -> Base:
        return Base(self.version, text_digest(self.text))

    @classmethod
    def save_texts(
        cls,
        *,
        collaboration: Collaboration,
        edits: list[Edit],
        writer: str,
        user: User,
        organisation: Organisation | None,
        party: Organisation | None = None,
    ) -> dict[int, FieldResult]:
        """Save what one editing page posted: the one save contract for text written together.

        `party` selects whose answers are written: None for the joint answers, or the party
        organisation whose own answers these are (then "together" means its own people).

        Each box either saves, or is left alone, or reports a conflict; a colleague's
        newer text is never overwritten without the writer having seen it. `writer`
        identifies the loaded editing page (one token per page, not per person), so a
        page's own earlier save never conflicts with it, while the same person's
        other tab or device does. Runs a fixed number of queries, however many boxes
        changed. See `decide` for the rule per box.
        """
        results: dict[int, FieldResult] = {}
        # No savepoint of its own inside the caller's transaction: a failure rolls back the whole save.
        with transaction.atomic(savepoint=False):
            question_ids = [edit.question.pk for edit in edits]
            stored = cls._lock(collaboration, question_ids, party)
            missing = [e for e in edits if e.question.pk not in stored and e.text]
            if missing:
                Answer.objects.bulk_create(
                    [
                        Answer(collaboration=collaboration, question=e.question, party_organisation=party, version=0)
                        for e in missing
                    ],
                    ignore_conflicts=True,
                )
                stored = cls._lock(collaboration, question_ids, party)
            # Only when a box changed on an older base is it worth asking who wrote since.
            older = {
                stored[e.question.pk].pk: e.base.version
                for e in edits
                if e.question.pk in stored
                and e.base is not None
                and e.base.version < stored[e.question.pk].version
                and e.text != stored[e.question.pk].text
            }
            own_since_base: set[int] = set()
            if older:
                writers: dict[int, set[str]] = {}
                for answer_id, version, rev_writer in AnswerRevision.objects.filter(
                    answer_id__in=older, version__gt=min(older.values())
                ).values_list("answer_id", "version", "writer"):
                    if version > older[answer_id]:
                        writers.setdefault(answer_id, set()).add(rev_writer)
                own_since_base = {pk for pk, found in writers.items() if found == {writer}}
            now = timezone.now()
            to_save: list[Answer] = []
            based_on: dict[int, int] = {}
            for edit in edits:
                answer = stored.get(edit.question.pk)
                outcome = decide(
                    stored_text=answer.text if answer else "",
                    stored_version=answer.version if answer else 0,
                    text=edit.text,
                    base=edit.base,
                    seen=edit.seen,
                    own_since_base=answer is not None and answer.pk in own_since_base,
                )
                if outcome is Outcome.SAVED and answer is not None:
                    answer.text = edit.text
                    answer.version += 1
                    answer.updated_by = user
                    answer.updated_by_organisation = organisation
                    answer.updated_at = now
                    to_save.append(answer)
                    if edit.base is not None:
                        based_on[answer.pk] = edit.base.version
                moved = outcome in (Outcome.SAVED, Outcome.UNCHANGED)
                results[edit.question.pk] = FieldResult(
                    outcome=outcome,
                    answer=answer if answer is not None and (answer.version or answer.text) else None,
                    base=answer.base if moved and answer is not None else (edit.base or UNKNOWN_BASE),
                )
            if to_save:
                Answer.objects.bulk_update(
                    to_save, ["text", "version", "updated_by", "updated_by_organisation", "updated_at"]
                )
                AnswerRevision.record(
                    answers=to_save, writer=writer, user=user, organisation=organisation, now=now, based_on=based_on
                )
        return results

    @classmethod
    def _lock(
        cls, collaboration: Collaboration, question_ids: list[int], party: Organisation | None
    ) -> dict[int, Answer]:
        return {
            a.question_id: a
            for a in Answer.objects.select_for_update()
            .filter(collaboration=collaboration, question_id__in=question_ids, **party_filter(party))
            .order_by("pk")
        }


def decide(
    *, stored_text: str, stored_version: int, text: str, base: Base | None, seen: Base | None, own_since_base: bool
) -> Outcome:
    """The rule for one box, given what is stored and what the writer's page posted.

    * The same text as stored: nothing to do, and the writer's page may stand on the stored version.
    * The box still holds the text it was loaded with (its digest equals the base's): the
      writer did not touch it. Whatever is stored stands; if a colleague saved since,
      the page is told (STALE) but its base does not move, since the box does not show
      the colleague's text.
    * The writer changed the box: it saves when nothing was stored since the base, when
      everything stored since came from this same editing page (an autosave that
      overtook the next save), or when the writer was shown exactly the stored version
      in the conflict view and chose to write over it (`seen`). Otherwise: CONFLICT.
    """
    if text == stored_text:
        return Outcome.UNCHANGED
    if base is not None and base.digest == text_digest(text):
        return Outcome.UNTOUCHED if base.version == stored_version else Outcome.STALE
    if base is not None and base.version == stored_version:
        # The version alone is not trusted: a text changed without a new version (by hand in the
        # database, say) does not match the base's digest, and is not overwritten unseen.
        return Outcome.SAVED if base.digest == text_digest(stored_text) else Outcome.CONFLICT
    if seen is not None and seen.version == stored_version and seen.digest == text_digest(stored_text):
        return Outcome.SAVED
    if base is not None and base.version < stored_version and own_since_base:
        return Outcome.SAVED
    return Outcome.CONFLICT


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    # The editing page that wrote this text (see Answer.save_texts); empty for texts from before.
    writer = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tidigare version")
        verbose_name_plural = _("tidigare versioner")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["answer", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.answer} #{self.number}"

    @classmethod
    def record(
        cls,
        *,
        answers: list[Answer],
        writer: str,
        user: User,
        organisation: Organisation | None,
        now: datetime,
        based_on: dict[int, int],
    ) -> None:
        """Write the history entries for answers just saved, in a fixed number of queries.

        A person's saves within REVISION_WINDOW fold into their latest entry, so that
        autosave does not bury the history under keystrokes, but only a text the writer
        had in front of them is ever folded away: the entry must be this person's, and
        either written from this same editing page or the version this save was based
        on (`based_on`: answer pk → base version). A text from another tab or device
        that the writer never saw, or from another person, always keeps its own entry.
        """
        previous = {answer.pk: answer.version - 1 for answer in answers}
        # The entry that holds each answer's text as it was before this save, if it is the latest.
        latest_filter = models.Q(pk__in=[])
        for answer_id, version in previous.items():
            latest_filter |= models.Q(answer_id=answer_id, version=version)
        latest = {r.answer_id: r for r in AnswerRevision.objects.filter(latest_filter)}
        folded: list[AnswerRevision] = []
        created: list[AnswerRevision] = []
        for answer in answers:
            entry = latest.get(answer.pk)
            if (
                entry is not None
                and entry.author_id == user.pk
                and ((writer and entry.writer == writer) or based_on.get(answer.pk) == entry.version)
                and entry.updated_at > now - REVISION_WINDOW
            ):
                entry.text = answer.text
                entry.version = answer.version
                entry.updated_at = now
                # The entry now ends with this page's text: a page that did not write it must
                # see a colleague's save here, never its own (see Answer.save_texts).
                entry.writer = writer
                folded.append(entry)
            else:
                created.append(
                    AnswerRevision(
                        answer=answer,
                        number=0,  # set below
                        version=answer.version,
                        text=answer.text,
                        author=user,
                        organisation=organisation,
                        writer=writer,
                    )
                )
        if folded:
            AnswerRevision.objects.bulk_update(folded, ["text", "version", "updated_at", "writer"])
        if created:
            numbers = dict(
                AnswerRevision.objects.filter(answer_id__in=[r.answer_id for r in created])
                .values_list("answer_id")
                .annotate(top=models.Max("number"))
                .values_list("answer_id", "top")
            )
            for new in created:
                new.number = numbers.get(new.answer_id, 0) + 1
            AnswerRevision.objects.bulk_create(created)


class StepStatus(models.TextChoices):
    NOT_STARTED = "ej-paborjad", _("Ej påbörjad")
    IN_PROGRESS = "paborjad", _("Påbörjad")
    DONE = "klar", _("Klar")


class StepProgress(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="step_progress")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    # As on Answer: None for a joint step, otherwise the party whose own work this status is.
    party_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partens egen status"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stegets status")
        verbose_name_plural = _("stegens status")
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "step"],
                condition=models.Q(party_organisation__isnull=True),
                name="one_joint_progress_per_step",
            ),
            models.UniqueConstraint(
                fields=["collaboration", "step", "party_organisation"],
                condition=models.Q(party_organisation__isnull=False),
                name="one_progress_per_step_and_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} – {self.get_status_display()}"


class PhaseCompletion(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="phase_completions")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("klar fas")
        verbose_name_plural = _("klara faser")
        constraints = [models.UniqueConstraint(fields=["collaboration", "phase"], name="one_completion_per_phase")]

    def __str__(self) -> str:
        return f"{self.phase} klar i {self.collaboration}"


class SharedPhase(models.Model):
    """A party shows its own answers in a per-party phase to the other parties.

    While the row exists the other parties see the party's answers as they are, now and
    after later edits; taking the sharing back (deleting the row) hides them again from
    then on. Both are logged in the activity log (collaboration.services).
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="shared_phases")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delade svar")
        verbose_name_plural = _("delade svar")
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "phase", "organisation"], name="one_share_per_party_phase")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} delar {self.phase} i {self.collaboration}"

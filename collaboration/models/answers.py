"""Answers that the parties write in a guided process, with their history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
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


class SaveResult(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


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


class Answer(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("svar"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [models.UniqueConstraint(fields=["collaboration", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question.code} ({self.collaboration})"

    @property
    def base(self) -> Base:
        return Base(self.version, text_digest(self.text))

    @classmethod
    def save_text(
        cls,
        *,
        collaboration: Collaboration,
        question: Question,
        text: str,
        base: Base | None,
        user: User,
        organisation: Organisation | None,
    ) -> tuple[SaveResult, Answer | None]:
        """Save one answer unless a colleague changed it since the writer's form was built.

        Returns CONFLICT with the current answer when the stored text moved on
        from the writer's base and the writer changed the field too.
        """
        with transaction.atomic():
            answer = cls.objects.select_for_update().filter(collaboration=collaboration, question=question).first()
            if answer is None:
                if not text:
                    return SaveResult.UNCHANGED, None
                try:
                    with transaction.atomic():
                        answer = cls.objects.create(collaboration=collaboration, question=question, text="", version=0)
                except IntegrityError:
                    answer = cls.objects.select_for_update().get(collaboration=collaboration, question=question)
            if answer.text == text:
                return SaveResult.UNCHANGED, answer
            if base is not None and base.digest == text_digest(text):
                # The writer did not touch this field; whatever is stored now stands.
                return SaveResult.UNCHANGED, answer
            base_version = base.version if base else 0
            if answer.version != base_version and answer._changed_by_others_since(base_version, user):
                return SaveResult.CONFLICT, answer
            answer.text = text
            answer.version += 1
            answer.updated_by = user
            answer.updated_by_organisation = organisation
            answer.save()
            answer._record_revision(user=user, organisation=organisation)
            return SaveResult.SAVED, answer

    def _changed_by_others_since(self, version: int, user: User) -> bool:
        """Whether anyone but `user` saved this answer after `version`.

        A writer's own save that overtook their next one (an autosave still in
        flight when they pressed Spara) is no conflict: nobody else's words are at stake.
        """
        return self.revisions.filter(version__gt=version).exclude(author=user).exists() or not self.revisions.exists()

    def _record_revision(self, *, user: User, organisation: Organisation | None) -> None:
        latest = self.revisions.order_by("-number").first()
        now = timezone.now()
        if latest and latest.author_id == user.pk and latest.updated_at > now - REVISION_WINDOW:
            latest.text = self.text
            latest.version = self.version
            latest.save(update_fields=["text", "version", "updated_at"])
            return
        AnswerRevision.objects.create(
            answer=self,
            number=(latest.number + 1) if latest else 1,
            version=self.version,
            text=self.text,
            author=user,
            organisation=organisation,
        )


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tidigare version")
        verbose_name_plural = _("tidigare versioner")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["answer", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.answer} #{self.number}"


class StepStatus(models.TextChoices):
    NOT_STARTED = "ej-paborjad", _("Ej påbörjad")
    IN_PROGRESS = "paborjad", _("Påbörjad")
    DONE = "klar", _("Klar")


class StepProgress(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="step_progress")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stegets status")
        verbose_name_plural = _("stegens status")
        constraints = [models.UniqueConstraint(fields=["collaboration", "step"], name="one_progress_per_step")]

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

"""Answers that the parties write in a guided process, with their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.contract import Edit, FieldResult
from collaboration.cowriting.texts import SharedText, TextRevision

from .collaborations import Collaboration
from .guidance import Phase, Question, Step
from .organisations import Organisation

if TYPE_CHECKING:
    from portal.models import User


def party_filter(party: Organisation | None, prefix: str = "") -> dict[str, object]:
    """The lookup for one party's own answers, or for the joint ones (party None)."""
    if party is None:
        return {f"{prefix}party_organisation__isnull": True}
    return {f"{prefix}party_organisation": party}


class Answer(SharedText):
    SLOT = "question"

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

    @classmethod
    def revision_model(cls) -> type[TextRevision]:
        return AnswerRevision

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
        """Save a step page's answers through the one save contract (`SharedText.save_edits`).

        `party` selects whose answers are written: None for the joint answers, or the party
        organisation whose own answers these are (then "together" means its own people).
        Results are keyed by question pk.
        """
        scope: dict[str, Any] = {"collaboration": collaboration, **party_filter(party)}
        return cls.save_edits(
            scope=scope,
            create={"collaboration": collaboration, "party_organisation": party},
            edits=edits,
            writer=writer,
            user=user,
            organisation=organisation,
        )


class AnswerRevision(TextRevision):
    TEXT_FIELD = "answer"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")

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
    then on. Both are logged in the activity log (collaboration.phases.share_answers).
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

"""Who is responsible for a step of a collaboration, and by when."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .answers import StepProgress, StepStatus
from .collaborations import Collaboration
from .guidance import Step
from .organisations import Organisation

if TYPE_CHECKING:
    from portal.models import User


class StepAssignmentQuerySet(models.QuerySet["StepAssignment"]):
    def open(self) -> StepAssignmentQuerySet:
        """Assignments whose step is not done, in collaborations that are neither ended nor archived."""
        # New assignments are for joint steps, whose progress has no party: saying so lets PostgreSQL probe
        # the unique index of joint progress per assignment instead of hashing every done step there is.
        # An assignment made while a phase was joint (before it became per party: migration 0016, or an
        # admin's edit) is done when the responsible party's own step is: a second probe, by that party.
        done = StepProgress.objects.filter(
            collaboration=OuterRef("collaboration"),
            step=OuterRef("step"),
            party_organisation__isnull=True,
            status=StepStatus.DONE,
        )
        own_done = StepProgress.objects.filter(
            collaboration=OuterRef("collaboration"),
            step=OuterRef("step"),
            party_organisation=OuterRef("responsible_organisation"),
            status=StepStatus.DONE,
        )
        return (
            self.exclude(Exists(done))
            .exclude(Exists(own_done))
            .filter(collaboration__archived_at__isnull=True, collaboration__ended_at__isnull=True)
        )

    def for_user(self, user: User) -> StepAssignmentQuerySet:
        """The user's own tasks, in collaborations the user can still see."""
        return self.filter(responsible=user, collaboration__in=Collaboration.objects.visible_to(user).values("pk"))

    def by_step(self, collaboration: Collaboration) -> dict[int, StepAssignment]:
        """The collaboration's assignments keyed by step id, in one query (for the task list)."""
        rows = self.filter(collaboration=collaboration).select_related("responsible", "responsible_organisation")
        return {a.step_id: a for a in rows}

    def for_listing(self) -> StepAssignmentQuerySet:
        return self.select_related(
            "collaboration", "step", "step__phase", "step__phase__guide", "responsible", "responsible_organisation"
        ).order_by(models.F("due_on").asc(nulls_last=True), "collaboration__title", "step__phase__order", "step__order")


class StepAssignment(models.Model):
    """A responsible person (a member of an accepted party) and a due date for one step."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="assignments")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="step_assignments",
    )
    # The party the responsible person answers for in this collaboration.
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarig organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = StepAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("ansvar för steg")
        verbose_name_plural = _("ansvar för steg")
        constraints = [models.UniqueConstraint(fields=["collaboration", "step"], name="one_assignment_per_step")]

    def __str__(self) -> str:
        return f"{self.step} i {self.collaboration}"

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < today()


def today() -> date:
    return timezone.localdate()

"""Who did what in a collaboration: one log, written by the service functions that make the changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration
from .organisations import Organisation

if TYPE_CHECKING:
    from portal.models import User


class ActivityKind(models.TextChoices):
    """What happened. New kinds are added here as features arrive; the page filters by these."""

    STEP_SAVED = "steg-sparat", _("Svar sparade")
    STEP_DONE = "steg-klart", _("Steg markerat som klart")
    STEP_REOPENED = "steg-oppnat", _("Steg öppnat igen")
    PHASE_CONFIRMED = "fas-bekraftad", _("Fas bekräftad av en part")
    PHASE_DONE = "fas-klar", _("Fas klar")
    PHASE_REOPENED = "fas-oppnad", _("Fas öppnad igen")
    PARTY_INVITED = "part-inbjuden", _("Part inbjuden")
    PARTY_ACCEPTED = "part-med", _("Part har accepterat")
    PARTY_DECLINED = "part-nej", _("Part har tackat nej")
    PARTY_LEFT = "part-lamnat", _("Part har lämnat")
    SHARED = "delat", _("Svar delade med de andra parterna")
    UNSHARED = "delning-stoppad", _("Delning stoppad")
    PRINCIPLES_RATED = "principer", _("Principerna bedömda")
    COLLABORATION_EDITED = "andrad", _("Samverkan ändrad")
    COLLABORATION_ENDED = "avslutad", _("Samverkan avslutad")
    COLLABORATION_ARCHIVED = "arkiverad", _("Samverkan arkiverad")
    COLLABORATION_REOPENED = "ateroppnad", _("Samverkan återöppnad")
    FORM_CHOSEN = "form-vald", _("Samverkansform vald")
    ASSIGNED = "ansvar", _("Ansvarig eller datum ändrat")
    AGREEMENT_DRAFTED = "avtal-utkast", _("Avsiktsförklaring påbörjad")
    AGREEMENT_EDITED = "avtal-andrat", _("Avsiktsförklaringen ändrad")
    AGREEMENT_SENT = "avtal-granskning", _("Version skickad för granskning")
    AGREEMENT_COMMENTED = "avtal-kommentar", _("Kommentar på avsiktsförklaringen")
    AGREEMENT_CHANGES_REQUESTED = "avtal-andringar", _("Ändringar begärda")
    AGREEMENT_APPROVED = "avtal-godkant", _("Version godkänd av en part")
    AGREEMENT_APPROVAL_REGISTERED = "avtal-registrerat", _("Godkännande registrerat från ett beslut utanför portalen")
    AGREEMENT_OUTDATED = "avtal-inaktuell", _("Version inaktuell: parterna har ändrats")
    AGREEMENT_APPROVER_INVITED = "avtal-godkannare", _("Person inbjuden att godkänna för en part")
    AGREEMENT_ADOPTED = "avtal-faststallt", _("Avsiktsförklaringen fastställd")
    AGREEMENT_REOPENED = "avtal-ny-version", _("Ny version av avsiktsförklaringen påbörjad")
    SUPPORT_RECORDED = "stod", _("Stöd registrerat")
    SUPPORT_CHANGED = "stod-andrat", _("Stöd ändrat")
    SUPPORT_REMOVED = "stod-borttaget", _("Stöd borttaget")
    EXPORTED = "export", _("Export")


class Activity(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("händelse"), max_length=30, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vem"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("för organisation"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A short description in Swedish, written when it happened (names as they were then).
    summary = models.CharField(_("beskrivning"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("tid"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "-created_at"], name="activity_by_collaboration")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @classmethod
    def record(
        cls,
        *,
        collaboration: Collaboration,
        kind: str,
        actor: User | None,
        organisation: Organisation | None,
        summary: str,
        **data: Any,
    ) -> Activity:
        """Write one entry; called by the service function that made the change, in its transaction."""
        return cls.objects.create(
            collaboration=collaboration,
            kind=kind,
            actor=actor,
            organisation=organisation,
            summary=str(summary)[:500],
            data=data,
        )

"""Phase consensus: each party confirms a phase, and each party rates how the six principles are upheld.

Not the shared agreement document (avsiktsförklaring): that is `collaboration/agreement/`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from principles.models import Principle

from .collaborations import Collaboration
from .guidance import Phase
from .organisations import Organisation


class PhaseConfirmation(models.Model):
    """A party's "Vi är överens om fasen": the phase is done when every accepted party has one.

    Confirmations are cleared when the phase is reopened. A party that joins after the
    phase was completed does not reopen it; one that joins while it is open is awaited too.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="phase_confirmations")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("part"), on_delete=models.CASCADE, related_name="phase_confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bekräftad av"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bekräftelse av fas")
        verbose_name_plural = _("bekräftelser av faser")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "phase", "organisation"], name="one_confirmation_per_party_and_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} bekräftar {self.phase}"


class Rating(models.TextChoices):
    WORKS = "fungerar", _("Fungerar bra")
    TALK = "samtal", _("Behöver samtal")
    CREAKS = "gnisslar", _("Gnisslar")


class PrincipleRating(models.Model):
    """One party's view of how one principle is upheld, at one time. Never changed: a new view is a new row."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="principle_ratings")
    principle = models.ForeignKey(Principle, verbose_name=_("princip"), on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("part"), on_delete=models.CASCADE, related_name="principle_ratings"
    )
    rating = models.CharField(_("bedömning"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("kommentar"), max_length=1000, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bedömd av"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("bedömd"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bedömning av princip")
        verbose_name_plural = _("bedömningar av principer")
        ordering = ["-rated_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "organisation", "principle", "-rated_at"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.principle} – {self.get_rating_display()}"

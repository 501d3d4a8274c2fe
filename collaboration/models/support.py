"""What the public side gives a collaboration, period by period: money and support other than money."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration
from .organisations import Organisation


class SupportKind(models.TextChoices):
    """Core support keeps an activity or the organisation going; project money is for something bounded."""

    CORE = "verksamhet", _("Stöd till verksamheten (verksamhetsstöd eller organisationsstöd)")
    PROJECT = "projekt", _("Projektmedel")


class Support(models.Model):
    """One period of support from a public party, usually a year: several periods make one collaboration's history.

    A collaboration granted support a year at a time holds one row a year, not a new collaboration. The
    amount is in whole kronor; support other than money (premises, expertise, staff time) is recorded beside
    it, so a period may have no money at all.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="supports")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("ges av"), on_delete=models.PROTECT, related_name="supports_given"
    )
    starts_on = models.DateField(_("från och med"))
    ends_on = models.DateField(_("till och med"))
    kind = models.CharField(_("slag av stöd"), max_length=20, choices=SupportKind.choices)
    amount = models.PositiveBigIntegerField(_("belopp (kronor)"), null=True, blank=True)
    premises = models.BooleanField(_("lokaler"), default=False)
    expertise = models.BooleanField(_("kompetens"), default=False)
    staff_time = models.BooleanField(_("personalens tid"), default=False)
    other_support = models.CharField(_("annat stöd än pengar"), max_length=500, blank=True)
    decision_reference = models.CharField(_("beslut (diarienummer)"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["collaboration", "-starts_on"], name="support_collab_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="support_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.starts_on}–{self.ends_on}"

    @property
    def in_kind(self) -> list[str]:
        """Support other than money, in words, in a fixed order."""
        names = [
            str(self._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            for name in ("premises", "expertise", "staff_time")
            if getattr(self, name)
        ]
        return [*names, self.other_support] if self.other_support else names

    def amount_text(self) -> str:
        """ "250 000 kr" (grouped as Swedish writes it), or empty when the period has no money."""
        if self.amount is None:
            return ""
        return _("%(amount)s kr") % {"amount": number_format(self.amount, force_grouping=True)}

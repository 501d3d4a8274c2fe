"""The six principles of the national policy for civil society (prop. 2009/10:55)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Principle(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    summary = models.TextField(_("kort förklaring"))
    public_sector = models.TextField(_("vad principen kräver av offentlig sektor"))
    civil_sector = models.TextField(_("vad principen kräver av idéburen sektor"))

    class Meta:
        verbose_name = _("princip")
        verbose_name_plural = _("principer")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class PhasePrinciple(models.Model):
    """A principle a phase leans on, with a line on why it matters there."""

    phase = models.ForeignKey("collaboration.Phase", on_delete=models.CASCADE, related_name="principle_links")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="phase_links")
    why = models.TextField(_("varför den är viktig i fasen"))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("princip för fasen")
        verbose_name_plural = _("principer för fasen")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["phase", "principle"], name="one_link_per_phase_principle")]

    def __str__(self) -> str:
        return f"{self.principle} i {self.phase}"

"""The six principles of the national policy for civil society (prop. 2009/10:55)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.shipped import ShippedContent


class Principle(ShippedContent):
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

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


class DiscussionQuestion(ShippedContent):
    """A short question the parties can talk about when a principle creaks in their collaboration."""

    principle = models.ForeignKey(
        Principle, verbose_name=_("princip"), on_delete=models.CASCADE, related_name="discussion_questions"
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    text = models.CharField(_("fråga"), max_length=300)

    class Meta:
        verbose_name = _("samtalsfråga")
        verbose_name_plural = _("samtalsfrågor")
        ordering = ["principle__order", "order"]

    def __str__(self) -> str:
        return self.text

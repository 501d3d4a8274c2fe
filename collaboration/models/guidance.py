"""The guidance content: collaboration forms and the guided processes.

All of it is data, shipped in migrations and editable by site admins. A guide
(the MUCF model, the checklist before the first conversation) has phases, a
phase has steps, a step has question groups with questions, tips and methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.shipped import ShippedContent

from .organisations import Sector

if TYPE_CHECKING:
    from .organisations import Organisation


def lines(text: str) -> list[str]:
    """Split an admin-edited text with one item per line into its items."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Family(models.TextChoices):
    SHARE = "dela", _("Dela erfarenheter, träffas och skapa samsyn")
    DO = "gora", _("Göra tillsammans")


class ParticipationLevel(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONSULTATION = "samrad", _("Samråd/konsultation")
    DIALOGUE = "dialog", _("Dialog")
    PARTNERSHIP = "partnerskap", _("Partnerskap")


class CollaborationForm(ShippedContent):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("namn"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    family = models.CharField(_("familj"), max_length=10, choices=Family.choices)
    participation_level = models.CharField(_("delaktighetsnivå"), max_length=20, choices=ParticipationLevel.choices)
    summary = models.TextField(_("vad det är"))
    fits_when = models.TextField(_("passar när"), help_text=_("En punkt per rad."))
    not_fits_when = models.TextField(_("passar inte när"), help_text=_("En punkt per rad."))
    agree_on = models.TextField(_("att komma överens om"), help_text=_("En punkt per rad."))

    class Meta:
        verbose_name = _("samverkansform")
        verbose_name_plural = _("samverkansformer")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def fits_when_items(self) -> list[str]:
        return lines(self.fits_when)

    @property
    def not_fits_when_items(self) -> list[str]:
        return lines(self.not_fits_when)

    @property
    def agree_on_items(self) -> list[str]:
        return lines(self.agree_on)


class Guide(ShippedContent):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("titel"), max_length=150)
    intro = models.TextField(_("introduktion"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("vägledning")
        verbose_name_plural = _("vägledningar")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class PhaseKind(models.TextChoices):
    PREREQUISITES = "prerequisites", _("Förutsättningar")
    PHASE = "phase", _("Fas")
    CHECKLIST = "checklist", _("Checklista")


class AnswerMode(models.TextChoices):
    """Whose answers a phase's steps hold: everyone's together, or each party's own."""

    JOINT = "gemensamt", _("Gemensamma svar: ett svar per fråga, som alla parter skriver")
    PER_PARTY = "per-part", _("Varje part svarar för sig och kan dela sina svar med de andra parterna")
    PUBLIC_PARTY = (
        "offentlig-part",
        _("Varje offentlig part svarar för sig; svaren syns aldrig för de idéburna parterna"),
    )


class Phase(ShippedContent):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="phases")
    slug = models.SlugField()
    title = models.CharField(_("titel"), max_length=150)
    kind = models.CharField(_("typ"), max_length=20, choices=PhaseKind.choices, default=PhaseKind.PHASE)
    intro = models.TextField(_("introduktion"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    answer_mode = models.CharField(
        _("vems svar"),
        max_length=20,
        choices=AnswerMode.choices,
        default=AnswerMode.JOINT,
        help_text=_("Om parterna skriver gemensamma svar i fasens steg, eller om varje part svarar för sig."),
    )

    class Meta:
        verbose_name = _("fas")
        verbose_name_plural = _("faser")
        ordering = ["guide__order", "order"]
        constraints = [models.UniqueConstraint(fields=["guide", "slug"], name="unique_phase_slug_per_guide")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_per_party(self) -> bool:
        return self.answer_mode != AnswerMode.JOINT

    @property
    def is_shareable(self) -> bool:
        """Per-party answers a party may show the others; the public parties' own never are."""
        return self.answer_mode == AnswerMode.PER_PARTY

    def open_to(self, organisation: Organisation | None) -> bool:
        """Whether people acting for `organisation` may see and write this phase's steps at all."""
        if self.answer_mode == AnswerMode.PUBLIC_PARTY:
            return organisation is not None and organisation.sector == Sector.PUBLIC
        return True


class PhasePrinciple(ShippedContent):
    """A principle a phase leans on, with a line on why it matters there.

    The link lives here, not in the principles app: the principles know nothing of phases.
    """

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="principle_links")
    principle = models.ForeignKey("principles.Principle", on_delete=models.CASCADE, related_name="phase_links")
    why = models.TextField(_("varför den är viktig i fasen"))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("princip för fasen")
        verbose_name_plural = _("principer för fasen")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["phase", "principle"], name="one_principle_link_per_phase")]

    def __str__(self) -> str:
        return f"{self.principle} i {self.phase}"


class PhaseQuestion(ShippedContent):
    """A question for the whole phase, to keep in mind while working on its steps."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("fråga"))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("fråga för fasen")
        verbose_name_plural = _("frågor för fasen")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class Step(ShippedContent):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="steps")
    slug = models.SlugField()
    title = models.CharField(_("titel"), max_length=150)
    intro = models.TextField(_("introduktion"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("steg")
        verbose_name_plural = _("steg")
        ordering = ["phase__guide__order", "phase__order", "order"]
        constraints = [models.UniqueConstraint(fields=["phase", "slug"], name="unique_step_slug_per_phase")]

    def __str__(self) -> str:
        return self.title


class QuestionGroup(ShippedContent):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="groups")
    heading = models.CharField(_("rubrik"), max_length=150)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("frågegrupp")
        verbose_name_plural = _("frågegrupper")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.heading


class Question(ShippedContent):
    group = models.ForeignKey(QuestionGroup, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=80, unique=True)
    text = models.TextField(_("fråga"))
    help = models.TextField(_("hjälptext"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["group__order", "order"]

    def __str__(self) -> str:
        return self.text


class Tip(ShippedContent):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="tips")
    text = models.TextField(_("tips"))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("tänk på")
        verbose_name_plural = _("tänk på")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class Method(ShippedContent):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="methods")
    title = models.CharField(_("titel"), max_length=150)
    text = models.TextField(_("beskrivning"))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("metod eller läs mer")
        verbose_name_plural = _("kom vidare")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

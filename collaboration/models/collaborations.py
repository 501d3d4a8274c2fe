"""Collaborations between organisations of both sectors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .guidance import CollaborationForm, Phase
from .organisations import Membership, Organisation, Role, Sector

if TYPE_CHECKING:
    from portal.models import User


class Status(models.TextChoices):
    PLANNED = "planerad", _("Planeras")
    ONGOING = "pagar", _("Pågår")
    FINISHED = "avslutad", _("Avslutad")


class CollaborationQuerySet(models.QuerySet["Collaboration"]):
    def visible_to(self, user: User) -> CollaborationQuerySet:
        """Collaborations where one of the user's organisations is a party that has accepted.

        An organisation that is only invited, has declined or has left sees nothing of it.
        """
        if not user.is_authenticated:
            return self.none()
        organisations = Membership.objects.active().filter(user=user).values("organisation_id")
        return self.filter(
            Exists(Party.objects.accepted().filter(collaboration=OuterRef("pk"), organisation_id__in=organisations))
        )

    def with_party(self, organisation: Organisation) -> CollaborationQuerySet:
        """Collaborations in which the organisation is an accepted party."""
        return self.filter(
            Exists(Party.objects.accepted().filter(collaboration=OuterRef("pk"), organisation=organisation))
        )

    def active(self) -> CollaborationQuerySet:
        """Not archived: what the start page lists by default."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> CollaborationQuerySet:
        return self.filter(archived_at__isnull=False)

    def for_listing(self) -> CollaborationQuerySet:
        """Ready to list: only the accepted parties, public parties first."""
        # A version's frozen text (canonical JSON, often tens of kB) is not listed: its number and state are.
        return (
            self.select_related("form", "current_phase", "agreement__latest_version")
            .defer("agreement__latest_version__content")
            .prefetch_related(
                models.Prefetch(
                    "parties",
                    # Public parties first ("offentlig" sorts after "ideburen"), then by name.
                    queryset=Party.objects.accepted()
                    .select_related("organisation", "organisation__registered_by")
                    .order_by("-organisation__sector", "organisation__name"),
                )
            )
        )


class Collaboration(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("kort beskrivning"), max_length=2000, blank=True)
    form = models.ForeignKey(
        CollaborationForm,
        verbose_name=_("samverkansform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("planerad start"), null=True, blank=True)
    ends_on = models.DateField(_("planerat slut"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    current_phase = models.ForeignKey(
        Phase, verbose_name=_("aktuell fas"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Ending keeps everything readable; archiving also takes it out of the default lists.
    ended_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    closing_note = models.TextField(_("avslutande anteckning"), max_length=2000, blank=True)
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkan")
        ordering = ["-updated_at"]
        # The coordinator overview sorts and filters an organisation's collaborations by these.
        indexes = [
            models.Index(fields=["starts_on"], name="collaboration_starts_on"),
            models.Index(fields=["status"], name="collaboration_status"),
            models.Index(fields=["title"], name="collaboration_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def organisations_of(self, user: User, *, fresh: bool = False) -> list[Organisation]:
        """The accepted parties the user is an active member of, by name: those they act and confirm for.

        Kept on the instance for that user, so that a page asks once: `get_collaboration_for` fills it in
        with the same query that checks access. A workflow deciding under a row lock asks `fresh`: a party
        may have left since the page began.
        """
        known = self.__dict__.get("_organisations_of")
        if not fresh and known is not None and known[0] == user.pk:
            return list(known[1])
        organisations = [
            p.organisation
            for p in Party.objects.accepted()
            .filter(collaboration=self, organisation__memberships__user=user, organisation__memberships__is_active=True)
            .select_related("organisation")
            .order_by("organisation__name")
            .distinct()
        ]
        self.remember_organisations_of(user, organisations)
        return list(organisations)

    def remember_organisations_of(self, user: User, organisations: list[Organisation]) -> None:
        self.__dict__["_organisations_of"] = (user.pk, list(organisations))

    def can_be_deleted_by(self, user: User) -> bool:
        """Whether `user` may delete this collaboration, started by mistake.

        Only its creator, and only while nothing is written in it and nobody else
        has joined. Nothing written: no answer with text, no form choice, no step
        marked, no phase completed. Nobody else joined: every organisation that has
        accepted (or accepted and left) is one the creator belongs to; invited ones
        that have not answered do not count. Keep the whole rule here: the view and
        the service ask only this.
        """
        if not user.is_authenticated or self.created_by_id != user.pk:
            return False
        own = Membership.objects.active().filter(user=user).values("organisation_id")
        return not (
            self.answers.exclude(text="").exists()
            or self.form_choices.exists()
            or self.step_progress.exists()
            or self.phase_completions.exists()
            or self.parties.filter(state__in=[PartyState.ACCEPTED, PartyState.LEFT])
            .exclude(organisation_id__in=own)
            .exists()
        )

    def accepted_parties(self) -> list[Party]:
        """The parties that are in, public first, for headers (one query)."""
        return list(
            self.parties.filter(state=PartyState.ACCEPTED)
            .select_related("organisation")
            .order_by("-organisation__sector", "organisation__name")
        )

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def touch(self) -> None:
        """Record that someone worked in the collaboration, without loading it again."""
        from django.utils import timezone

        Collaboration.objects.filter(pk=self.pk).update(updated_at=timezone.now())


class PartyState(models.TextChoices):
    INVITED = "inbjuden", _("Inbjuden, har inte svarat")
    ACCEPTED = "med", _("Med")
    DECLINED = "avbojd", _("Har tackat nej")
    LEFT = "lamnat", _("Har lämnat samverkan")


class PartyQuerySet(models.QuerySet["Party"]):
    def accepted(self) -> PartyQuerySet:
        return self.filter(state=PartyState.ACCEPTED)

    def answerable_by(self, user: User) -> PartyQuerySet:
        """Parties whose answer the user may give: coordinators, and board members of civil-society parties."""
        memberships = Membership.objects.active().filter(user=user)
        return self.filter(
            Q(organisation__in=memberships.filter(role=Role.COORDINATOR).values("organisation_id"))
            | Q(
                organisation__sector=Sector.CIVIL,
                organisation__in=memberships.filter(role=Role.BOARD_MEMBER).values("organisation_id"),
            )
        )


class Party(models.Model):
    """An organisation's place in a collaboration.

    Only the creator's own organisation is a party from the start; every other
    organisation is invited and takes part only once its coordinator (or, for a
    civil-society organisation, a board member) has accepted.
    """

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parties")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The party's own case number for the collaboration, printed in the agreement.
    reference = models.CharField(_("diarienummer"), max_length=100, blank=True)
    joined_at = models.DateTimeField(_("tillagd"), auto_now_add=True)
    state = models.CharField(_("läge"), max_length=20, choices=PartyState.choices, default=PartyState.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inbjuden av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_by_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("inbjuden av organisationen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("inbjuden"), null=True, blank=True)
    answered_at = models.DateTimeField(_("svarade"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("svarade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("meddelande med svaret"), max_length=1000, blank=True)
    left_at = models.DateTimeField(_("lämnade"), null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lämnade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "organisation"], name="one_party_per_organisation")
        ]
        indexes = [
            models.Index(fields=["organisation", "collaboration"]),
            # An organisation's accepted parties: the overview's starting set, and its partners.
            models.Index(fields=["organisation", "state", "collaboration"], name="party_org_state_collab"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} i {self.collaboration}"

    @property
    def is_accepted(self) -> bool:
        return self.state == PartyState.ACCEPTED

    @property
    def is_invited(self) -> bool:
        return self.state == PartyState.INVITED


class FormChoice(models.Model):
    """A recorded choice of collaboration form, with the chooser's answers and the reasons."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="form_choices")
    answers = models.JSONField(_("svar i vägvisaren"), default=dict)
    recommended = models.ManyToManyField(CollaborationForm, related_name="+", blank=True)
    form = models.ForeignKey(CollaborationForm, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("motivering"), max_length=2000, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    chosen_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("val av samverkansform")
        verbose_name_plural = _("val av samverkansform")
        ordering = ["-chosen_at"]

    def __str__(self) -> str:
        return f"{self.form} ({self.collaboration})"

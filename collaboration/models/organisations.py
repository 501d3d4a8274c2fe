"""Organisations of both sectors, the people in them and invitations to join."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.validators import normalise_organisation_number, validate_organisation_number
from portal.text import clean_name

if TYPE_CHECKING:
    from portal.models import User


class Sector(models.TextChoices):
    PUBLIC = "offentlig", _("Offentlig sektor")
    CIVIL = "ideburen", _("Idéburen sektor")


class OrganisationKind(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    REGION = "region", _("Region")
    MYNDIGHET = "myndighet", _("Statlig myndighet")
    FORENING = "ideell-forening", _("Ideell förening")
    STIFTELSE = "stiftelse", _("Stiftelse")
    TROSSAMFUND = "trossamfund", _("Trossamfund")
    EKONOMISK = "ekonomisk-forening", _("Idéburen ekonomisk förening")
    SOCIALT_FORETAG = "socialt-foretag", _("Socialt företag")
    ANNAN = "annan", _("Annan")


PUBLIC_KINDS = frozenset({OrganisationKind.KOMMUN, OrganisationKind.REGION, OrganisationKind.MYNDIGHET})
CIVIL_KINDS = frozenset(
    {
        OrganisationKind.FORENING,
        OrganisationKind.STIFTELSE,
        OrganisationKind.TROSSAMFUND,
        OrganisationKind.EKONOMISK,
        OrganisationKind.SOCIALT_FORETAG,
    }
)


class Organisation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("namn"), max_length=200)
    sector = models.CharField(_("sektor"), max_length=20, choices=Sector.choices)
    kind = models.CharField(_("organisationsform"), max_length=30, choices=OrganisationKind.choices)
    organisation_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
        help_text=_("Tio siffror, skrivs NNNNNN-NNNN."),
    )
    municipality = models.CharField(_("kommun eller region"), max_length=100, blank=True)
    contact_email = models.EmailField(_("kontaktadress (e-post)"), blank=True)
    registered_by = models.ForeignKey(
        "self",
        verbose_name=_("registrerad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_organisations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = clean_name(self.name)
        self.organisation_number = normalise_organisation_number(self.organisation_number)
        if self.kind in PUBLIC_KINDS and self.sector != Sector.PUBLIC:
            raise ValidationError({"kind": _("En kommun, region eller myndighet hör till offentlig sektor.")})
        if self.kind in CIVIL_KINDS and self.sector != Sector.CIVIL:
            raise ValidationError({"kind": _("Den här organisationsformen hör till idéburen sektor.")})

    def has_active_coordinator(self) -> bool:
        return self.memberships.filter(role=Role.COORDINATOR, is_active=True).exists()


class Role(models.TextChoices):
    OFFICER = "tjansteperson", _("Tjänsteperson")
    BOARD_MEMBER = "styrelseledamot", _("Styrelseledamot")
    COORDINATOR = "samordnare", _("Samordnare")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]
        ordering = ["organisation__name", "user__full_name"]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR and self.is_active


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring invitation to join an organisation with a role.

    Only a hash of the token is stored, so a leaked database cannot be used to
    accept invitations.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-postadress"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @classmethod
    def issue(cls, *, organisation: Organisation, email: str, role: str, invited_by: User) -> tuple[Invitation, str]:
        """Create an invitation and return it with the raw token for the e-mail link."""
        email = email.strip().lower()
        # A new invitation replaces any earlier open one for the same address.
        cls.objects.filter(
            organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=invited_by,
            token_hash=_hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        return invitation, token

    @classmethod
    def find_usable(cls, token: str) -> Invitation | None:
        return cls.objects.pending().select_related("organisation").filter(token_hash=_hash_token(token)).first()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

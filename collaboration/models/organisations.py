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
from portal.text import clean_name, normalise_email

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
    verified_at = models.DateTimeField(
        _("verifierad"),
        null=True,
        blank=True,
        help_text=_(
            "När en administratör kontrollerade att organisationen finns och att rätt personer företräder den."
        ),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifierad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The organisation's local (or regional) överenskommelse with civil society, as the national
    # mapping asked about it: whether there is one, since which year, and where to read it.
    has_local_compact = models.BooleanField(_("har en lokal överenskommelse"), default=False)
    local_compact_since = models.PositiveSmallIntegerField(_("överenskommelse sedan år"), null=True, blank=True)
    local_compact_url = models.URLField(_("länk till överenskommelsen"), max_length=500, blank=True)
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
        return Membership.objects.active().filter(organisation=self, role=Role.COORDINATOR).exists()

    @property
    def is_verified(self) -> bool:
        """Organisations registered by another organisation stay unverified until a site admin checks them."""
        return self.verified_at is not None

    def verify(self, *, by: User | None) -> None:
        if self.verified_at is None:
            self.verified_at = timezone.now()
            self.verified_by = by
            self.save(update_fields=["verified_at", "verified_by"])


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
    # A coordinator of a public organisation may delegate approving agreements to an officer.
    approves_agreements = models.BooleanField(
        _("får godkänna avsiktsförklaringar"),
        default=False,
        help_text=_("Samordnaren har gett tjänstepersonen rätt att godkänna avsiktsförklaringar för organisationen."),
    )
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


class MailStatus(models.TextChoices):
    QUEUED = "koad", _("Skickas")
    SENT = "skickad", _("Skickad")
    FAILED = "misslyckad", _("Kunde inte skickas")


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
    # Whether the e-mail with the link went out. The link's token is made by the task that sends the
    # mail, so that the raw token never rests in the task queue (see collaboration/tasks.py).
    mail_status = models.CharField(
        _("e-post"), max_length=12, choices=MailStatus.choices, default=MailStatus.QUEUED, editable=False
    )
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
        email = normalise_email(email)
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

    def page_url(self) -> str:
        """Where the invitation is listed: its organisation's page."""
        from django.urls import reverse

        return reverse("organisation_detail", args=[self.organisation.code]) + f"#inbjudan-{self.pk}"

    def new_token(self) -> str:
        """Replace the invitation's token with a new one and return it (for the mail about to go out)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        Invitation.objects.filter(pk=self.pk).update(token_hash=self.token_hash)
        return token

    @classmethod
    def find_usable(cls, token: str) -> Invitation | None:
        return cls.objects.pending().select_related("organisation").filter(token_hash=_hash_token(token)).first()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ClaimStatus(models.TextChoices):
    PENDING = "vantar", _("Väntar på handläggning")
    APPROVED = "godkand", _("Godkänd")
    REJECTED = "avslagen", _("Avslagen")


class OrganisationClaim(models.Model):
    """A person's request to take over an organisation that someone else registered in the portal.

    Site admins handle claims in the admin; approving one invites the claimant as coordinator.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="claims"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("begärd av"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("varför"), max_length=2000)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    created_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handlagd"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handlagd av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("anspråk på organisation")
        verbose_name_plural = _("anspråk på organisationer")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "requested_by"],
                condition=Q(status="vantar"),
                name="one_open_claim_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} → {self.organisation}"

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.text import clean_name, normalise_email


class EmailUserManager(UserManager["User"]):
    """People sign in with their e-mail address; there is no separate user name."""

    def _create_user_object(
        self, username: str | None, email: str | None, password: str | None, **extra: Any
    ) -> "User":
        email = normalise_email(self.normalize_email(email or username or ""))
        user = self.model(email=email, **extra)
        user.password = ""
        if password is not None:
            user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Exactly the stored spelling: see portal.text.normalise_email.
        return self.get(email=normalise_email(username or ""))


class EmailChoice(models.TextChoices):
    """How often a person wants e-mail about what happens in their collaborations (one choice per portal)."""

    DIRECT = "direkt", _("Direkt: ett e-postmeddelande för varje händelse")
    DAILY = "dagligen", _("En gång om dagen: en sammanfattning av dagens händelser")
    NEVER = "aldrig", _("Aldrig: inga e-postmeddelanden om händelser")


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-postadress"), unique=True)
    full_name = models.CharField(_("namn"), max_length=150)
    email_notifications = models.CharField(
        _("e-post om händelser"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.DIRECT
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        self.full_name = clean_name(self.full_name)
        super().save(*args, **kwargs)


class PasswordResetRequest(models.Model):
    """One accepted request for a password-reset mail, kept for the throttling window.

    Stored in the database so that every app server counts the same requests. The
    address is kept only as a digest: most requests name addresses with no account.
    """

    email_digest = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("begäran om nytt lösenord")
        verbose_name_plural = _("begäranden om nytt lösenord")
        indexes = [
            models.Index(fields=["email_digest", "requested_at"], name="reset_by_address"),
            models.Index(fields=["client_ip", "requested_at"], name="reset_by_client"),
            models.Index(fields=["requested_at"], name="reset_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.client_ip} {self.requested_at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A create form's one-time token, recorded by the POST that used it (see portal.once).

    The unique token makes a second POST of the same form fail to record it,
    whatever the timing, so it creates nothing and goes to what the first made.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    content_digest = models.CharField(max_length=64)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inskickat formulär")
        verbose_name_plural = _("inskickade formulär")
        indexes = [models.Index(fields=["user", "path", "content_digest"], name="formsubmission_repeat")]

    def __str__(self) -> str:
        return self.url


class DraftStash(models.Model):
    """One signed-out post kept as a draft, counted per owner for an hour (see portal.drafts)."""

    owner_id = models.PositiveBigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tillfälligt sparad text")
        verbose_name_plural = _("tillfälligt sparade texter")

    def __str__(self) -> str:
        return f"{self.owner_id} {self.created_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """The sending state of one e-mail that the portal owes someone, kept so that it goes out at most once.

    A sending task claims the row under a lock (portal.notifications), so a second worker
    or a duplicate task finds it sent. A failed attempt is counted and retried later,
    up to NOTIFICATION_MAX_ATTEMPTS; after the last one the row is marked failed.
    """

    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    failed_at = models.DateTimeField(_("misslyckades"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("skickas inte"),
        null=True,
        blank=True,
        help_text=_("Mottagaren valde bort e-post eller är avstängd sedan meddelandet skapades."),
    )

    class Meta:
        abstract = True

    @property
    def is_settled(self) -> bool:
        """Sent, failed for good or cancelled: no task may try it again."""
        return self.sent_at is not None or self.failed_at is not None or self.cancelled_at is not None


class DigestRun(Delivery):
    """One person's daily summary for one day, claimed before it is sent.

    The unique (recipient, day) row makes the summary go out once a day, however many
    times or on however many servers `send_digests` runs: only the run that creates the
    row sends it, with exactly the notifications it took at that moment.
    """

    recipient = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="digest_runs")
    day = models.DateField(_("dag"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("daglig sammanfattning")
        verbose_name_plural = _("dagliga sammanfattningar")
        ordering = ["-day", "recipient_id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_and_day")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day:%Y-%m-%d}"


class Notification(Delivery):
    """Something that happened that one person should hear about, by e-mail at once or in the daily summary.

    Created by `portal.notifications.notify` in the transaction of the change it is about.
    """

    recipient = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("slag"), max_length=50)
    subject = models.CharField(_("ämne"), max_length=200)
    summary = models.TextField(_("sammanfattning"))
    path = models.CharField(_("sökväg"), max_length=500)
    group = models.CharField(_("grupp"), max_length=200, help_text=_("Rubriken som händelsen samlas under."))
    delivery = models.CharField(_("skickas"), max_length=10, choices=EmailChoice.choices)
    digest = models.ForeignKey(
        DigestRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["delivery", "recipient"],
                name="notification_digest_pending",
                condition=models.Q(digest__isnull=True, sent_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.subject

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


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-postadress"), unique=True)
    full_name = models.CharField(_("namn"), max_length=150)

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

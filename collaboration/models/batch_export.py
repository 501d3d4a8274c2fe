"""A coordinator's batch export: the adopted agreements of chosen collaborations, zipped, made in the background."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .collaborations import Collaboration
from .organisations import Organisation

# How long a finished zip is kept: long enough to download it after the e-mail, short enough that copies of
# agreements do not pile up in storage (README "PDF"). `manage.py delete_expired_exports` removes older files.
EXPORT_KEPT_FOR = timedelta(days=7)


class ExportStatus(models.TextChoices):
    QUEUED = "koad", _("Väntar på att starta")
    RUNNING = "pagar", _("Pågår")
    READY = "klar", _("Klar att ladda ner")
    FAILED = "misslyckades", _("Misslyckades")
    EXPIRED = "utgangen", _("Har gått ut")


class AgreementExport(models.Model):
    """One zip of adopted agreements (archive copies, PDF/A) with a CSV index, for the coordinator who asked."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agreement_exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    collaborations = models.ManyToManyField(Collaboration, related_name="+")
    status = models.CharField(_("läge"), max_length=14, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done = models.PositiveIntegerField(_("klara"), default=0)
    total = models.PositiveIntegerField(_("totalt"), default=0)
    file = models.CharField(_("fil i lagringen"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("går ut"), null=True, blank=True)
    # When the "ready" mail went out: a worker killed between finishing the zip and mailing leaves it empty,
    # and the task run again (portal.taskqueue) mails then.
    mailed_at = models.DateTimeField(_("e-post skickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("export av avsiktsförklaringar")
        verbose_name_plural = _("exporter av avsiktsförklaringar")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="agreement_export_expiry")]

    def __str__(self) -> str:
        return f"Export {self.code} ({self.organisation})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == ExportStatus.READY
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

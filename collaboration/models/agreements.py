"""The shared agreement (avsiktsförklaring): sections written together, frozen versions, approvals.

One agreement per collaboration. Its sections are shared texts (the same save contract as
the process answers, see `collaboration.cowriting`). "Skicka för granskning" freezes the texts and
the parties into an immutable, numbered `AgreementVersion` identified by the SHA-256 of
its canonical JSON. Only the parties a version names (its snapshot) approve it, each for itself; when every party it
names has approved it, it is adopted (fastställd): an `Adoption` row records that, and the agreement
is locked until someone starts a new version. A party that nobody in the portal may approve for can
have its approval, given outside the portal (a board's minutes), registered by a public party's
coordinator. The workflows are in `collaboration/agreement/`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.texts import SharedText, TextRevision
from portal.shipped import ShippedContent

from .collaborations import Collaboration
from .guidance import Question
from .organisations import Membership, Organisation, Role, Sector

# The version of the snapshot's layout; a reader of an old archive copy can tell which it has.
# Format 2 names each party by its organisation's code as well; format 1 by organisationsnummer only.
SNAPSHOT_FORMAT = "samverkansportalen/avsiktsforklaring/2"


def canonical_json(data: dict[str, Any]) -> str:
    """The one serialisation a version's hash is computed over: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class SectionKind(models.TextChoices):
    TEXT = "text", _("Text som parterna skriver")
    PARTIES = "parter", _("Parterna (hämtas från samverkan)")


class AgreementSection(ShippedContent):
    """A section of every agreement, with guidance for writing it: data that site admins edit."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    kind = models.CharField(_("slag"), max_length=10, choices=SectionKind.choices, default=SectionKind.TEXT)
    guidance = models.TextField(_("vägledning"), blank=True)
    prefill_principles = models.BooleanField(
        _("hämta parternas bedömning av principerna"),
        default=False,
        help_text=_("Utkastet från processen får parternas kommentarer om de sex principerna."),
    )
    is_active = models.BooleanField(
        _("används"), default=True, help_text=_("Avsnitt som inte används kommer inte med i nya versioner.")
    )
    sources = models.ManyToManyField(
        Question, through="SectionSource", related_name="agreement_sections", blank=True, verbose_name=_("frågor")
    )

    class Meta:
        verbose_name = _("avsnitt i avsiktsförklaringen")
        verbose_name_plural = _("avsnitt i avsiktsförklaringen")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    # The editing form treats a section like a question: a code, a label and a hint.
    @property
    def code(self) -> str:
        return self.slug

    @property
    def text(self) -> str:
        return self.title

    @property
    def help(self) -> str:
        return self.guidance

    @property
    def is_text(self) -> bool:
        return self.kind == SectionKind.TEXT


class SectionSource(models.Model):
    """A process question whose answer goes into a section of the draft (the mapping is data)."""

    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="source_links")
    question = models.ForeignKey(Question, verbose_name=_("fråga"), on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("fråga som avsnittet hämtar svar från")
        verbose_name_plural = _("frågor som avsnittet hämtar svar från")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["section", "question"], name="one_source_per_section_question")]

    def __str__(self) -> str:
        return f"{self.section} ← {self.question.code}"


class AgreementState(models.TextChoices):
    UTKAST = "utkast", _("Utkast")
    GRANSKNING = "granskning", _("För granskning")
    FASTSTALLD = "faststalld", _("Fastställd")


class Agreement(models.Model):
    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="agreement")
    state = models.CharField(_("läge"), max_length=12, choices=AgreementState.choices, default=AgreementState.UTKAST)
    # The latest adopted version: it stays in force while a newer version is drafted or reviewed.
    adopted_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("fastställd version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    # The newest version sent for review (None before the first): what approvals are given for.
    latest_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("senaste version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_from_process_at = models.DateTimeField(_("utkast från processen"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avsiktsförklaring")
        verbose_name_plural = _("avsiktsförklaringar")
        indexes = [models.Index(fields=["state", "adopted_at"], name="agreement_state_adopted")]

    def __str__(self) -> str:
        return f"Avsiktsförklaring: {self.collaboration}"

    @property
    def is_locked(self) -> bool:
        """Adopted: nobody edits the text in place; a new version must be started first."""
        return self.state == AgreementState.FASTSTALLD


class AgreementText(SharedText):
    """One section's text in the agreement being drafted."""

    SLOT = "section"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="texts")
    section = models.ForeignKey(AgreementSection, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    # Where the draft's text came from: the process answers (question code → answer version) it was
    # filled with, so the page can offer answers written after the draft was made.
    filled_from = models.JSONField(default=dict, blank=True)
    filled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avsnittets text")
        verbose_name_plural = _("avsnittens texter")
        constraints = [models.UniqueConstraint(fields=["agreement", "section"], name="one_text_per_section")]

    def __str__(self) -> str:
        return f"{self.section} ({self.agreement.collaboration})"

    @classmethod
    def revision_model(cls) -> type[TextRevision]:
        return AgreementTextRevision


class AgreementTextRevision(TextRevision):
    TEXT_FIELD = "agreement_text"

    agreement_text = models.ForeignKey(AgreementText, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        verbose_name = _("tidigare text i avsnittet")
        verbose_name_plural = _("tidigare texter i avsnitten")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement_text", "number"], name="unique_agreement_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_text} #{self.number}"


class ImmutableError(Exception):
    pass


class AgreementVersion(models.Model):
    """A frozen, numbered version: the canonical JSON of everything the parties approve, and its SHA-256.

    `content` is the exact text the hash is computed over; it is never changed after it is written.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.TextField(_("innehåll (kanonisk JSON)"), editable=False)
    sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, editable=False, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("skickad för granskning"))

    class Meta:
        verbose_name = _("version av avsiktsförklaringen")
        verbose_name_plural = _("versioner av avsiktsförklaringen")
        ordering = ["agreement", "-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.short_hash})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A version of an agreement is never changed once it is written.")
        super().save(*args, **kwargs)

    @property
    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.content)
        return data

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def hash_matches(self) -> bool:
        """Recompute the hash from the stored snapshot: true when nothing has been altered."""
        return canonical_json(self.snapshot) == self.content and sha256_of(self.content) == self.sha256

    @property
    def sections(self) -> list[dict[str, str]]:
        return list(self.snapshot.get("sections", []))

    @property
    def parties(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("parties", []))

    def named_organisations(self) -> list[Organisation]:
        """The organisations this version names as its parties, read from its own frozen snapshot (one query).

        These, and only these, approve the version, and it is adopted only when every one of them has.
        A party is found by its organisation's code (format 2), or, in format 1 snapshots, by the
        organisationsnummer it had then. A name that matches no organisation is left out, so the
        caller compares `len()` with `len(self.parties)` where that matters (see `Agreement` workflows).
        """
        codes, numbers = [], []
        for party in self.parties:
            if party.get("code"):
                codes.append(str(party["code"]))
            elif party.get("organisation_number"):
                numbers.append(str(party["organisation_number"]))
        if not codes and not numbers:
            return []
        return list(
            Organisation.objects.filter(models.Q(code__in=codes) | models.Q(organisation_number__in=numbers)).order_by(
                "-sector", "name"
            )
        )


def may_approve(membership: Membership) -> bool:
    """Who may approve an agreement for their organisation: the role rule shown in the UI.

    A civil-society party approves through a board member (styrelseledamot) or its
    coordinator; a public party through its coordinator, or an officer (tjänsteperson)
    the coordinator has delegated the right to.
    """
    if not membership.is_active:
        return False
    if membership.organisation.sector == Sector.CIVIL:
        return membership.role in (Role.BOARD_MEMBER, Role.COORDINATOR)
    return membership.role == Role.COORDINATOR or (membership.role == Role.OFFICER and membership.approves_agreements)


class Adoption(models.Model):
    """The record that a version was adopted (fastställd): every party it names had approved it.

    Written once, by the approval (or registration) that completed it, after the version's hash was
    checked again. What a version "is" later (fastställd tidigare, blev aldrig fastställd) is read from
    here, never worked out by counting approvals.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="adoptions")
    version = models.OneToOneField(AgreementVersion, on_delete=models.PROTECT, related_name="adoption")
    version_sha256 = models.CharField(_("fastställd kontrollsumma"), max_length=64)
    adopted_at = models.DateTimeField(_("fastställd"))
    # Whose approval completed it (None when it was a registered approval's or a migration's).
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Only for adoptions recorded afterwards from the time before the parties were checked: the names of
    # parties the version names that never approved it. Every page and PDF of the version then says so.
    unapproved_by = models.JSONField(_("godkände aldrig"), default=list, blank=True)

    class Meta:
        verbose_name = _("fastställelse")
        verbose_name_plural = _("fastställelser")
        ordering = ["agreement", "-adopted_at"]

    def __str__(self) -> str:
        return f"{self.version} fastställd {self.adopted_at:%Y-%m-%d}"


class Approval(models.Model):
    """A party's approval of one version, bound to that version's hash.

    Given in the portal by one of the party's own people (`approved_by`), or registered by a public
    party's coordinator from a decision taken outside the portal (`registered_by_name` is then set,
    and `approved_by_name`, `role_title` and `decided_on` say who decided and when). A registered
    approval is always shown as registered by that coordinator, never as the party's own signature.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="approvals")
    organisation = models.ForeignKey(Organisation, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("godkänd av"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As they were when the approval was given: people change names and roles.
    approved_by_name = models.CharField(_("namn"), max_length=200)
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, blank=True)
    version_sha256 = models.CharField(_("godkänd kontrollsumma"), max_length=64)
    decision_reference = models.CharField(_("beslut"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("godkänd"), auto_now_add=True)
    # A registered approval: the decision-maker's role in their own words, the date of the decision,
    # and the coordinator who registered it (as they were then).
    role_title = models.CharField(_("roll i organisationen"), max_length=100, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_by_name = models.CharField(_("registrerat av (namn)"), max_length=200, blank=True)
    registered_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("godkännande")
        verbose_name_plural = _("godkännanden")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "organisation"], name="one_approval_per_party_and_version")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} godkände {self.version}"

    @property
    def is_bound(self) -> bool:
        return self.version_sha256 == self.version.sha256

    @property
    def is_registered(self) -> bool:
        """Given outside the portal and registered by another party's coordinator."""
        return bool(self.registered_by_name)

    @property
    def role_text(self) -> str:
        """The approver's role in words: the portal role, or the role written with a registered decision."""
        return self.role_title if self.is_registered else self.get_role_display()


class ChangeRequest(models.Model):
    """A party asks for changes to a version under review, with a message."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="change_requests")
    organisation = models.ForeignKey(Organisation, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(_("vad behöver ändras?"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("begäran om ändringar")
        verbose_name_plural = _("begäranden om ändringar")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} begär ändringar i {self.version}"


class AgreementComment(models.Model):
    """A comment on a section of a version (or on the whole version), in threads that can be resolved."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    # The section's slug as it is in the version (sections are data and may be renamed later); blank: the whole text.
    section_slug = models.SlugField(_("avsnitt"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("svar på")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("kommentar"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("löst"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["version", "section_slug"], name="comment_by_version_section")]

    def __str__(self) -> str:
        return f"Kommentar på {self.version} ({self.section_slug or 'hela'})"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

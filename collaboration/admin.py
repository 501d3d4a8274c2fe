"""Site admins manage organisations, people, collaborations and all guidance content here."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.models import (
    Activity,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementText,
    AgreementTextRevision,
    AgreementVersion,
    Answer,
    AnswerRevision,
    Approval,
    ChangeRequest,
    ClaimStatus,
    Collaboration,
    CollaborationForm,
    FormChoice,
    Guide,
    Invitation,
    Membership,
    Method,
    Organisation,
    OrganisationClaim,
    Party,
    Phase,
    PhaseConfirmation,
    PhasePrinciple,
    PhaseQuestion,
    PrincipleRating,
    Question,
    QuestionGroup,
    SectionSource,
    Step,
    Support,
    Tip,
)
from collaboration.organisations import invitation_send, organisation_claim_handle, organisation_verify
from portal.admin import UserAdmin
from portal.models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active"]
    autocomplete_fields = ["user"]


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verifierad")
    parameter_name = "verifierad"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("ja", _("Ja")), ("nej", _("Nej, väntar på kontroll"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "ja":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "nej":
            return queryset.filter(verified_at__isnull=True)
        return queryset


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "is_active"]
    autocomplete_fields = ["organisation"]


# portal's User admin knows nothing of organisations (portal must not import collaboration):
# the collaboration app adds the person's memberships to it.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "kind", "organisation_number", "municipality", "registered_by", "verified_at"]
    list_filter = [VerifiedFilter, "sector", "kind"]
    list_select_related = ["registered_by"]
    search_fields = ["name", "organisation_number", "municipality"]
    inlines = [MembershipInline]
    readonly_fields = ["code", "created_at", "verified_at", "verified_by"]
    autocomplete_fields = ["registered_by"]
    actions = ["verify"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        # An organisation a site admin adds is one they vouch for.
        if not change and obj.verified_at is None:
            obj.verified_at = timezone.now()
            obj.verified_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Markera som verifierad"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = 0
        for organisation in queryset.filter(verified_at__isnull=True):
            organisation_verify(organisation=organisation, by=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, _("%(count)d organisationer är verifierade.") % {"count": count})


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(admin.ModelAdmin):
    list_display = ["organisation", "requested_by", "status", "created_at", "handled_by", "handled_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "requested_by", "handled_by"]
    search_fields = ["organisation__name", "organisation__organisation_number", "requested_by__email"]
    autocomplete_fields = ["organisation", "requested_by"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request: HttpRequest, obj: OrganisationClaim | None = None) -> Any:
        # A site admin may record a claim made by phone; once made, only the actions change it.
        handled = ["status", "created_at", "handled_by", "handled_at"]
        return handled if obj is None else ["organisation", "requested_by", "reason", *handled]

    def _handle(self, request: HttpRequest, queryset: QuerySet[OrganisationClaim], *, approve: bool) -> int:
        return sum(
            organisation_claim_handle(claim=claim, by=request.user, approve=approve, request=request)  # type: ignore[arg-type]
            for claim in queryset.filter(status=ClaimStatus.PENDING)
        )

    @admin.action(description=_("Godkänn och bjud in som samordnare"))
    def approve(self, request: HttpRequest, queryset: QuerySet[OrganisationClaim]) -> None:
        count = self._handle(request, queryset, approve=True)
        self.message_user(request, _("%(count)d anspråk godkända; inbjudningar är skickade.") % {"count": count})

    @admin.action(description=_("Avslå"))
    def reject(self, request: HttpRequest, queryset: QuerySet[OrganisationClaim]) -> None:
        count = self._handle(request, queryset, approve=False)
        self.message_user(request, _("%(count)d anspråk avslagna.") % {"count": count})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]
    autocomplete_fields = ["organisation"]

    def get_fields(self, request: HttpRequest, obj: Invitation | None = None) -> Any:
        if obj is None:
            # A site admin issues an invitation like a coordinator does, with a mailed link; this is
            # also how an admin approves a first coordinator from the registering organisation.
            return ["organisation", "email", "role"]
        return super().get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = invitation_send(
            request=request,
            organisation=obj.organisation,
            email=obj.email,
            role=obj.role,
            invited_by=request.user,  # type: ignore[arg-type]
        ).invitation
        obj.pk = issued.pk
        obj.token_hash = issued.token_hash
        obj.expires_at = issued.expires_at


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = ["organisation", "state", "contact", "invited_by", "invited_at", "answered_by", "answered_at", "message"]
    readonly_fields = ["invited_by", "invited_at", "answered_by", "answered_at", "message"]
    autocomplete_fields = ["organisation", "contact"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["title", "form", "status", "current_phase", "updated_at"]
    list_filter = ["status", "form"]
    search_fields = ["title", "parties__organisation__name"]
    readonly_fields = ["code", "created_at", "updated_at"]
    list_select_related = ["form", "current_phase"]
    inlines = [PartyInline]


@admin.register(FormChoice)
class FormChoiceAdmin(admin.ModelAdmin):
    list_display = ["collaboration", "form", "chosen_by", "chosen_at"]
    list_select_related = ["collaboration", "form", "chosen_by"]


class ReadOnlyAdminMixin:
    """Viewing only: answers change through the versioned save that keeps their history."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AnswerRevision
    extra = 0
    fields = ("number", "version", "author", "organisation", "updated_at", "text")
    readonly_fields = fields


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Answers are read-only here: an edit would bypass versions, conflicts and history."""

    list_display = ["question", "collaboration", "party_organisation", "updated_by", "updated_at"]
    list_select_related = ["question", "collaboration", "party_organisation", "updated_by"]
    search_fields = ["collaboration__title", "question__code"]
    inlines = [AnswerRevisionInline]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The activity log is written by the service functions only: what happened cannot be edited."""

    list_display = ["created_at", "collaboration", "kind", "actor", "organisation", "summary"]
    list_filter = ["kind"]
    list_select_related = ["collaboration", "actor", "organisation"]
    search_fields = ["collaboration__title", "summary"]
    date_hierarchy = "created_at"


@admin.register(Support)
class SupportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The support on record is written by the public parties' people (followup.support), logged as they do."""

    list_display = ["collaboration", "organisation", "kind", "starts_on", "ends_on", "amount"]
    list_filter = ["kind"]
    list_select_related = ["collaboration", "organisation"]
    search_fields = ["collaboration__title", "organisation__name", "decision_reference"]
    date_hierarchy = "starts_on"


@admin.register(PhaseConfirmation)
class PhaseConfirmationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each party's confirmation of a phase, written by phases.phase_confirm only."""

    list_display = ["confirmed_at", "collaboration", "phase", "organisation", "confirmed_by"]
    list_select_related = ["collaboration", "phase", "organisation", "confirmed_by"]
    search_fields = ["collaboration__title", "organisation__name"]


@admin.register(PrincipleRating)
class PrincipleRatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The parties' views of the principles, with their history: written by the principle check only."""

    list_display = ["rated_at", "collaboration", "organisation", "principle", "rating", "rated_by"]
    list_filter = ["rating", "principle"]
    list_select_related = ["collaboration", "organisation", "principle", "rated_by"]
    search_fields = ["collaboration__title", "organisation__name", "comment"]


@admin.register(CollaborationForm)
class CollaborationFormAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "participation_level", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


class PhaseQuestionInline(admin.TabularInline):
    model = PhaseQuestion
    extra = 0


class PhasePrincipleInline(admin.TabularInline):
    model = PhasePrinciple
    extra = 0


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["order", "title", "slug"]
    show_change_link = True


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["title", "guide", "kind", "answer_mode", "order"]
    list_filter = ["guide"]
    inlines = [StepInline, PhaseQuestionInline, PhasePrincipleInline]


class TipInline(admin.TabularInline):
    model = Tip
    extra = 0


class MethodInline(admin.StackedInline):
    model = Method
    extra = 0


class QuestionGroupInline(admin.TabularInline):
    model = QuestionGroup
    extra = 0
    show_change_link = True


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["title", "phase", "order"]
    list_filter = ["phase__guide", "phase"]
    list_select_related = ["phase"]
    inlines = [QuestionGroupInline, TipInline, MethodInline]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text", "help"]


@admin.register(QuestionGroup)
class QuestionGroupAdmin(admin.ModelAdmin):
    list_display = ["heading", "step", "order"]
    list_select_related = ["step"]
    inlines = [QuestionInline]


class SectionSourceInline(admin.TabularInline):
    model = SectionSource
    extra = 1
    fields = ["order", "question"]


@admin.register(AgreementSection)
class AgreementSectionAdmin(admin.ModelAdmin):
    """The agreement's sections and their guidance, and which process answers fill each draft section."""

    list_display = ["title", "order", "kind", "is_active"]
    list_editable = ["order", "is_active"]
    fields = ["title", "slug", "order", "kind", "guidance", "prefill_principles", "is_active"]
    inlines = [SectionSourceInline]


class AgreementTextRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementTextRevision
    extra = 0
    fields = ("number", "version", "author", "organisation", "updated_at", "text")
    readonly_fields = fields


@admin.register(AgreementText)
class AgreementTextAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Section texts change only through the versioned save, like answers."""

    list_display = ["section", "agreement", "updated_by", "updated_at"]
    list_select_related = ["section", "agreement__collaboration", "updated_by"]
    search_fields = ["agreement__collaboration__title"]
    inlines = [AgreementTextRevisionInline]


class AgreementVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementVersion
    extra = 0
    fields = ("number", "sha256", "sent_by", "created_at")
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Agreements, their versions and approvals are what the parties committed to: viewing only."""

    list_display = ["collaboration", "state", "adopted_at", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["collaboration"]
    search_fields = ["collaboration__title"]
    inlines = [AgreementVersionInline]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "number", "sha256", "created_at", "sent_by"]
    list_select_related = ["agreement__collaboration", "sent_by"]
    search_fields = ["agreement__collaboration__title", "sha256"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "version", "organisation", "approved_by_name", "role", "decision_reference"]
    list_select_related = ["version__agreement__collaboration", "organisation"]
    search_fields = ["organisation__name", "version_sha256"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "version", "organisation", "requested_by"]
    list_select_related = ["version__agreement__collaboration", "organisation", "requested_by"]


@admin.register(AgreementComment)
class AgreementCommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "version", "section_slug", "author", "organisation", "resolved_at"]
    list_select_related = ["version__agreement__collaboration", "author", "organisation"]

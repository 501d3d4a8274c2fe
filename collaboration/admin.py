"""Site admins manage organisations, people, collaborations and all guidance content here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from collaboration.models import (
    Answer,
    AnswerRevision,
    Collaboration,
    CollaborationForm,
    FormChoice,
    Guide,
    Invitation,
    Membership,
    Method,
    Organisation,
    Party,
    Phase,
    PhasePrinciple,
    PhaseQuestion,
    Question,
    QuestionGroup,
    Step,
    Tip,
)
from portal.admin import UserAdmin
from portal.models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active"]
    autocomplete_fields = ["user"]


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
    list_display = ["name", "sector", "kind", "organisation_number", "municipality"]
    list_filter = ["sector", "kind"]
    search_fields = ["name", "organisation_number", "municipality"]
    inlines = [MembershipInline]
    readonly_fields = ["code", "created_at"]
    autocomplete_fields = ["registered_by"]


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


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
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

    list_display = ["question", "collaboration", "updated_by", "updated_at"]
    list_select_related = ["question", "collaboration", "updated_by"]
    search_fields = ["collaboration__title", "question__code"]
    inlines = [AnswerRevisionInline]


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
    list_display = ["title", "guide", "kind", "order"]
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

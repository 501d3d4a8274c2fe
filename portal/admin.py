from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.models import DigestRun, Notification, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "email_notifications")}),
        (_("Behörighet"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Mail the portal owes someone: written only by portal.notifications, so the admin only shows it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "delivery", "sent_at", "attempts", "failed_at"]
    list_filter = [
        "delivery",
        "kind",
        ("failed_at", admin.EmptyFieldListFilter),
        ("sent_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["recipient__email", "subject", "group"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "recipient", "sent_at", "attempts", "failed_at"]
    list_filter = [("failed_at", admin.EmptyFieldListFilter), ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "day"

from django.contrib import admin

from principles.models import DiscussionQuestion, Principle


class DiscussionQuestionInline(admin.TabularInline):
    model = DiscussionQuestion
    extra = 1
    fields = ["order", "text"]


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    inlines = [DiscussionQuestionInline]

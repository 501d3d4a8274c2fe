from django.contrib import admin

from principles.models import Principle


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]

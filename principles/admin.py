from django.contrib import admin

from principles.models import PhasePrinciple, Principle


class PhasePrincipleInline(admin.TabularInline):
    model = PhasePrinciple
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    inlines = [PhasePrincipleInline]

"""The coordinator's choice of adopted agreements for a batch export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collaboration.models import Collaboration


def _choice_label(collaboration: Collaboration) -> str:
    agreement = collaboration.agreement
    version = agreement.adopted_version
    return _("%(title)s – version %(n)d, fastställd %(date)s") % {
        "title": collaboration.title,
        "n": version.number if version else 0,
        "date": formats.date_format(timezone.localtime(agreement.adopted_at), "j F Y") if agreement.adopted_at else "–",
    }


class ExportForm(forms.Form):
    collaborations = forms.MultipleChoiceField(
        label=gettext_lazy("Samverkan att ta med"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Välj bland samverkan i listan. Listan har ändrats; välj igen.")
        },
    )

    def __init__(self, *args: Any, collaborations: list[Collaboration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.available = collaborations
        field = self.fields["collaborations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(c.code), _choice_label(c)) for c in collaborations]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data.get("action") == "all":
            cleaned["collaborations"] = [str(c.code) for c in self.available]
        elif not cleaned.get("collaborations") and not self.errors:
            self.add_error(
                "collaborations",
                forms.ValidationError(_("Välj minst en samverkan, eller välj Exportera alla."), code="required"),
            )
        return cleaned

    def chosen(self) -> list[Collaboration]:
        codes = set(self.cleaned_data["collaborations"])
        return [c for c in self.available if str(c.code) in codes]

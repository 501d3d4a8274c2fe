"""The forms of a step besides its answers (those are `cowriting.forms.SharedTextForm`): assigning it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.forms.fields import PersonChoiceField, party_people
from collaboration.models import (
    Organisation,
)


class StepAssignmentForm(forms.Form):
    responsible = PersonChoiceField(
        label=_("Ansvarig"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Ingen ansvarig"),
        help_text=_("Någon i en av parternas organisationer."),
        error_messages={"invalid_choice": _("Välj en person i listan.")},
    )
    due_on = forms.DateField(
        label=_("Klart senast (frivilligt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Skriv datumet som ÅÅÅÅ-MM-DD."),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-03-31.")},
    )

    def __init__(self, *args: Any, collaboration: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = party_people(collaboration)  # type: ignore[attr-defined]

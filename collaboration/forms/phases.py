"""The forms of a phase: which party a person confirms for, and reopening a phase with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from collaboration.forms.fields import OrganisationChoiceForm


class PartyChoiceForm(OrganisationChoiceForm):
    """Which of the person's party organisations they act for; asked only when there are several."""

    organisation = forms.ChoiceField(
        label=gettext_lazy("Du bekräftar för"),
        error_messages={
            "required": gettext_lazy("Välj vilken part du bekräftar för."),
            "invalid_choice": gettext_lazy("Välj en av parterna i listan."),
        },
    )


class ReopenForm(PartyChoiceForm):
    reason = forms.CharField(
        label=gettext_lazy("Varför öppnar ni fasen igen?"),
        help_text=gettext_lazy("De andra parterna ser det här i händelseloggen."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Skriv varför ni öppnar fasen igen."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = gettext_lazy("Du öppnar fasen för")
        self.fields["organisation"].error_messages["required"] = gettext_lazy("Välj vilken part du öppnar fasen för.")

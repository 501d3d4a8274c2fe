"""The forms of the follow-up: a period of support that a public party gives."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.forms import LoadedFieldsMixin
from collaboration.forms.fields import OrganisationChoiceField
from collaboration.models import Organisation, SupportKind

# One period of support is at most this long; support granted for longer is recorded a period at a time.
LONGEST_PERIOD_DAYS = 5 * 366
LARGEST_AMOUNT = 10_000_000_000  # ten billion kronor: above any grant, well inside the database's range


class SupportForm(LoadedFieldsMixin, forms.Form):
    """A period of support: when, what kind, how much money and what else. Used to add and to correct."""

    organisation = OrganisationChoiceField(
        label=_("Stödet ges av"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Välj en av de offentliga parterna i listan.")},
    )
    starts_on = forms.DateField(
        label=_("Från och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Skriv datumet som ÅÅÅÅ-MM-DD."),
        error_messages={
            "required": _("Skriv när perioden börjar."),
            "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-01."),
        },
    )
    ends_on = forms.DateField(
        label=_("Till och med"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Skriv datumet som ÅÅÅÅ-MM-DD. Stöd som beviljas ett år i taget registreras som ett år i taget."),
        error_messages={
            "required": _("Skriv när perioden slutar."),
            "invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-12-31."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Slag av stöd"),
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj slag av stöd."), "invalid_choice": _("Välj ett av alternativen.")},
    )
    amount = forms.IntegerField(
        label=_("Belopp i kronor (frivilligt)"),
        required=False,
        min_value=0,
        max_value=LARGEST_AMOUNT,
        help_text=_("Hela kronor, utan mellanslag, till exempel 250000. Lämna tomt om stödet inte är pengar."),
        error_messages={
            "invalid": _("Skriv beloppet i hela kronor med siffror, till exempel 250000."),
            "min_value": _("Beloppet kan inte vara negativt."),
            "max_value": _("Beloppet är orimligt stort. Skriv det i hela kronor, till exempel 250000."),
        },
    )
    premises = forms.BooleanField(label=_("Lokaler"), required=False)
    expertise = forms.BooleanField(label=_("Kompetens, till exempel handledning eller utbildning"), required=False)
    staff_time = forms.BooleanField(label=_("Personalens tid"), required=False)
    other_support = forms.CharField(
        label=_("Annat stöd än pengar (frivilligt)"),
        required=False,
        max_length=500,
        help_text=_("Till exempel närvaro vid evenemang eller hjälp med kommunikation."),
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken (nu %(show_value)d).")},
    )
    decision_reference = forms.CharField(
        label=_("Beslut, diarienummer (frivilligt)"),
        required=False,
        max_length=100,
        help_text=_("Beslutet om stödet, till exempel KS 2026/114."),
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken (nu %(show_value)d).")},
    )

    def __init__(self, *args: Any, givers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in givers]).order_by("name")
        if len(givers) == 1:
            field.initial = givers[0].pk
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, date) and isinstance(ends, date):
            if ends < starts:
                self.add_error(
                    "ends_on", forms.ValidationError(_("Perioden kan inte sluta före den börjar."), code="order")
                )
            elif (ends - starts).days > LONGEST_PERIOD_DAYS:
                self.add_error(
                    "ends_on",
                    forms.ValidationError(
                        _("En period kan vara högst fem år. Registrera längre stöd som flera perioder."),
                        code="too_long",
                    ),
                )
        in_kind = data.get("premises") or data.get("expertise") or data.get("staff_time") or data.get("other_support")
        if not self.errors and data.get("amount") in (None, 0) and not in_kind:
            raise forms.ValidationError(
                _("Skriv ett belopp eller markera vilket annat stöd än pengar som ges."), code="nothing"
            )
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.cleaned_data if name not in ("organisation", "loaded")}

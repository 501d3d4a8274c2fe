"""The forms of the follow-up: a period of support that a public party gives."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.forms import LoadedFieldsMixin
from collaboration.followup.support import period_problems
from collaboration.forms.fields import OrganisationChoiceField
from collaboration.models import Organisation, SupportKind

LARGEST_AMOUNT = 10_000_000_000  # ten billion kronor: above any grant, well inside the database's range


class KronorField(forms.CharField):
    """Whole kronor as people write them: "250000", "250 000", "250 000 kr" or "250 000:-"; never decimals.

    A text box, not a number box: a browser's number box reads "250 000,00" as 25000000. A decimal point or
    comma is refused rather than guessed at (is "250.000" two hundred and fifty thousand or two hundred and
    fifty?). Zero means no money.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        if len(text) > 40:
            raise forms.ValidationError(_("Skriv beloppet i hela kronor, till exempel 250 000."), code="too_long")
        text = re.sub(r"(?i)(kr(onor)?\.?|:-)$", "", text.strip()).strip()
        text = re.sub(r"[ \u00a0\u2009\u202f]", "", text)
        if not text:
            return None
        if "," in text or "." in text:
            raise forms.ValidationError(
                _("Skriv beloppet i hela kronor, utan decimaler, till exempel 250 000."), code="decimals"
            )
        if text.startswith("-"):
            raise forms.ValidationError(_("Beloppet kan inte vara negativt."), code="negative")
        if not re.fullmatch(r"[0-9]+", text):
            raise forms.ValidationError(
                _("Skriv beloppet i hela kronor med siffror, till exempel 250 000."), code="invalid"
            )
        amount = int(text)
        if amount > LARGEST_AMOUNT:
            raise forms.ValidationError(
                _("Beloppet är orimligt stort. Skriv det i hela kronor, till exempel 250 000."), code="too_large"
            )
        return amount or None


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
    amount = KronorField(
        label=_("Belopp i kronor (frivilligt)"),
        required=False,
        help_text=_("Hela kronor, till exempel 250 000. Lämna tomt om stödet inte är pengar."),
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
        if self.errors:
            return data
        in_kind = bool(
            data.get("premises") or data.get("expertise") or data.get("staff_time") or data.get("other_support")
        )
        for name, message in period_problems(
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), amount=data.get("amount"), in_kind=in_kind
        ):
            if name == "amount":
                raise forms.ValidationError(message, code="nothing")
            self.add_error(name, forms.ValidationError(message, code="period"))
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.cleaned_data if name not in ("organisation", "loaded")}

"""The forms of a collaboration's life: creating it (with the form of collaboration), editing its facts,
ending it, and filtering its activity log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.forms import LoadedFieldsMixin
from collaboration.forms.fields import OrganisationChoiceField, OrganisationMultipleChoiceField, PersonChoiceField
from collaboration.models import (
    ActivityKind,
    CollaborationForm,
    Membership,
    Organisation,
    Sector,
)
from portal.models import User


class CollaborationCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Ett kort namn som alla parter känner igen, till exempel ”Läxhjälp i Centrum”."),
        error_messages={
            "required": _("Ange en titel för samverkan."),
            "max_length": _("Titeln får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Kort beskrivning (frivillig)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad ska ni göra tillsammans, och för vilka?"),
        error_messages={"max_length": _("Beskrivningen får vara högst %(limit_value)d tecken (nu %(show_value)d).")},
    )
    public_party = OrganisationChoiceField(
        label=_("Offentlig part"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj organisation"),
        help_text=_(
            "Kommunen, regionen eller myndigheten som är part från start. Startar du för en offentlig "
            "organisation är den redan vald. Fler parter kan bjudas in efteråt."
        ),
        error_messages={
            "required": _("Välj den offentliga parten."),
            "invalid_choice": _("Välj en offentlig organisation i listan."),
        },
    )
    civil_parties = OrganisationMultipleChoiceField(
        label=_("Idéburna parter"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Välj en eller flera. Startar du för en idéburen organisation är den redan vald. Saknas organisationen "
            "kan en samordnare registrera den."
        ),
        error_messages={
            "required": _("Välj minst en idéburen part."),
            "invalid_choice": _("Välj idéburna organisationer i listan."),
            "invalid_pk_value": _("Välj idéburna organisationer i listan."),
        },
    )
    form = forms.ModelChoiceField(
        label=_("Samverkansform (frivillig)"),
        queryset=CollaborationForm.objects.all(),
        required=False,
        empty_label=_("Vet inte än – vi tar hjälp av vägvisaren senare"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Välj en samverkansform i listan.")},
    )
    starts_on = forms.DateField(
        label=_("Planerad start (frivillig)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Skriv datumet som ÅÅÅÅ-MM-DD."),
        error_messages={"invalid": _("Ange startdatumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-15.")},
    )
    ends_on = forms.DateField(
        label=_("Planerat slut (frivilligt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Skriv datumet som ÅÅÅÅ-MM-DD."),
        error_messages={"invalid": _("Ange slutdatumet som ÅÅÅÅ-MM-DD, till exempel 2027-12-31.")},
    )

    def __init__(self, *args: Any, acting_choices: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if acting_choices and len(acting_choices) > 1:
            # People in several organisations say which one they start the collaboration for.
            self.fields = {
                "acting_organisation": OrganisationChoiceField(
                    label=_("Du startar samverkan för"),
                    queryset=Organisation.objects.filter(pk__in=[o.pk for o in acting_choices]),
                    widget=forms.RadioSelect,
                    empty_label=None,
                    error_messages={
                        "required": _("Välj vilken organisation du företräder."),
                        "invalid_choice": _("Välj en av dina organisationer."),
                    },
                ),
                **self.fields,
            }
        organisations = Organisation.objects.select_related("registered_by")
        self.fields["public_party"].queryset = organisations.filter(sector=Sector.PUBLIC)  # type: ignore[attr-defined]
        self.fields["civil_parties"].queryset = organisations.filter(sector=Sector.CIVIL)  # type: ignore[attr-defined]
        self.fields["form"].queryset = CollaborationForm.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                forms.ValidationError(_("Slutdatumet kan inte vara före startdatumet."), code="ends_before_start"),
            )
        return data


class FormChoiceForm(forms.Form):
    """The chooser's last step: the form the parties pick and why."""

    chosen_form = forms.ChoiceField(
        label=_("Samverkansform"),
        error_messages={
            "required": _("Välj den samverkansform ni vill använda."),
            "invalid_choice": _("Välj den samverkansform ni vill använda."),
        },
    )
    reason = forms.CharField(
        label=_("Motivering (frivillig)"),
        max_length=2000,
        required=False,
        strip=False,
        error_messages={
            "max_length": _("Motiveringen får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
            "null_characters_not_allowed": _(
                "Motiveringen innehåller ett osynligt tecken som inte kan sparas. Skriv in texten på nytt i stället för att klistra in den."
            ),
        },
    )

    def __init__(self, *args: Any, slugs: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen_form"].choices = [(slug, slug) for slug in slugs]  # type: ignore[attr-defined]


class CollaborationEditForm(LoadedFieldsMixin, forms.Form):
    title = CollaborationCreateForm.base_fields["title"]
    description = CollaborationCreateForm.base_fields["description"]
    starts_on = CollaborationCreateForm.base_fields["starts_on"]
    ends_on = CollaborationCreateForm.base_fields["ends_on"]

    def __init__(self, *args: Any, parties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        for party in parties:
            people = User.objects.filter(
                pk__in=Membership.objects.active().filter(organisation=party.organisation).values("user_id"),
                is_active=True,
            ).order_by("full_name")
            self.fields[f"contact_{party.pk}"] = PersonChoiceField(
                label=_("Kontaktperson för %(org)s") % {"org": party.organisation.name},
                queryset=people,
                required=False,
                empty_label=_("Ingen kontaktperson"),
                error_messages={"invalid_choice": _("Välj en person i listan.")},
            )

    def contacts(self) -> dict[int, Any]:
        return {party.pk: self.cleaned_data.get(f"contact_{party.pk}") for party in self.parties}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                forms.ValidationError(_("Slutdatumet kan inte vara före startdatumet."), code="ends_before_start"),
            )
        return data


class CollaborationEndForm(forms.Form):
    closing_note = forms.CharField(
        label=_("Avslutande anteckning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Vad blev resultatet, och vad tar ni med er? Alla parter kan läsa anteckningen."),
        error_messages={
            "required": _("Skriv en avslutande anteckning."),
            "max_length": _("Anteckningen får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )


class ActivityFilterForm(forms.Form):
    handelse = forms.ChoiceField(label=_("Visa händelser av slaget"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handelse"].choices = [("", _("Alla händelser")), *ActivityKind.choices]  # type: ignore[attr-defined]

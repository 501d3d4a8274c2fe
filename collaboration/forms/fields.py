"""Fields and choices several forms share: organisations and people to pick, how an organisation is
named in a list, the length of a short message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext

from collaboration.models import (
    Membership,
    Organisation,
    Party,
)
from portal.models import User


def organisation_label(organisation: Organisation) -> str:
    """Name, kind and place, so that two organisations with similar names can be told apart.

    An organisation that a partner registered and no site admin has verified says so.
    """
    place = f", {organisation.municipality}" if organisation.municipality else ""
    unverified = ""
    if not organisation.is_verified:
        unverified = ", " + str(organisation_verification_note(organisation))
    return f"{organisation.name} ({organisation.get_kind_display()}{place}{unverified})"


def organisation_verification_note(organisation: Organisation) -> str:
    """'ej verifierad' and who registered it, for everywhere an unverified organisation is named."""
    if organisation.is_verified:
        return ""
    if organisation.registered_by_id is not None and organisation.registered_by is not None:
        return gettext("ej verifierad, registrerad av %(by)s") % {"by": organisation.registered_by.name}
    return gettext("ej verifierad")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.organisation_name})" if getattr(obj, "organisation_name", "") else obj.full_name


def party_people(collaboration: Any) -> Any:
    """Active members of the collaboration's accepted parties, each with the name of its organisation."""
    parties = Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id")
    memberships = Membership.objects.active().filter(organisation_id__in=parties)
    first_org = memberships.filter(user=OuterRef("pk")).order_by("organisation__name").values("organisation__name")[:1]
    return (
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .annotate(organisation_name=Subquery(first_org))
        .order_by("full_name")
    )


class OrganisationChoiceForm(forms.Form):
    """A form whose `organisation` field names one of the person's party organisations.

    Subclasses declare the `organisation` ChoiceField (its label and messages). With only one party
    there is nothing to choose: that one is taken, also when the field is not sent, and the field is
    hidden unless `show_single` (an approval names its party on the page even when there is one).
    """

    show_single = False

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.code): o for o in organisations}
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, o.name) for code, o in self.organisations.items()]
        if len(organisations) == 1:
            field.initial = str(organisations[0].code)
            field.required = False
            if not self.show_single:
                field.widget = forms.HiddenInput()

    def clean_organisation(self) -> str:
        value = self.cleaned_data.get("organisation") or ""
        if not value and len(self.organisations) == 1:
            return next(iter(self.organisations))
        return str(value)

    def chosen(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


MESSAGE_MAX_LENGTH = 1000

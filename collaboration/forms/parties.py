"""The forms of a collaboration's parties: inviting an organisation, its answer, leaving."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.forms.fields import MESSAGE_MAX_LENGTH, OrganisationChoiceField
from collaboration.models import (
    Organisation,
    Party,
    PartyState,
)


class PartyAnswerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("Acceptera")), ("decline", _("Tacka nej"))],
        error_messages={
            "required": _("Välj om ni accepterar eller tackar nej."),
            "invalid_choice": _("Välj om ni accepterar eller tackar nej."),
        },
    )
    message = forms.CharField(
        label=_("Meddelande till de andra parterna (frivilligt)"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Meddelandet får vara högst %(limit_value)d tecken (nu %(show_value)d).")},
    )


class PartyLeaveForm(forms.Form):
    message = forms.CharField(
        label=_("Varför lämnar ni? (frivilligt)"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Meddelandet får vara högst %(limit_value)d tecken (nu %(show_value)d).")},
    )


class PartyInviteForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Organisation att bjuda in"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj organisation"),
        help_text=_(
            "Organisationens samordnare får inbjudan och svarar ja eller nej. Saknas den kan en samordnare registrera den."
        ),
        error_messages={
            "required": _("Välj den organisation ni vill bjuda in."),
            "invalid_choice": _("Välj en organisation i listan. Den kan redan vara part eller inbjuden."),
        },
    )

    def __init__(self, *args: Any, collaboration: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = Party.objects.filter(
            collaboration=collaboration, state__in=[PartyState.INVITED, PartyState.ACCEPTED]
        ).values("organisation_id")
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.exclude(pk__in=taken).select_related("registered_by").order_by("sector", "name")
        )

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from portal.models import EmailChoice
from portal.text import clean_name


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with e-mail address; the field keeps the name axes watches."""

    username = forms.EmailField(
        label=_("E-postadress"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en e-postadress i formatet namn@exempel.se."),
        },
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Ange ditt lösenord.")},
    )
    error_messages = {
        "invalid_login": _("E-postadressen eller lösenordet stämmer inte. Kontrollera och försök igen."),
        "inactive": _("Kontot är avstängt. Kontakta samordnaren i din organisation."),
    }


class SwedishPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en e-postadress i formatet namn@exempel.se."),
        },
    )


class NameField(forms.CharField):
    """A name on one line: cleaned (see `clean_name`) before it is checked for length or presence."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return clean_name(text) if text else text


class EmailChoiceForm(forms.Form):
    """How often a person wants e-mail about what happens in their collaborations."""

    email_notifications = forms.ChoiceField(
        label=_("Hur ofta vill du få e-post om det som händer i din samverkan?"),
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj hur ofta du vill få e-post."),
            "invalid_choice": _("Välj ett av alternativen."),
        },
    )

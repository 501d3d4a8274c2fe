"""The forms of organisations and their people: registering and claiming an organisation, inviting
members and accepting, roles, and the local överenskommelse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.forms import LoadedFieldsMixin
from collaboration.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Sector,
)
from collaboration.models.organisations import CIVIL_KINDS, PUBLIC_KINDS
from collaboration.validators import EXAMPLE as EXAMPLE_NUMBER
from collaboration.validators import normalise_organisation_number, validate_organisation_number
from portal.forms import NameField
from portal.models import User
from portal.text import normalise_email


class OrganisationForm(forms.Form):
    name = NameField(
        label=_("Organisationens namn"),
        max_length=200,
        error_messages={
            "required": _("Ange organisationens namn."),
            "max_length": _("Namnet får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Organisationsform"),
        choices=[("", _("Välj organisationsform")), *OrganisationKind.choices],
        error_messages={
            "required": _("Välj organisationsform."),
            "invalid_choice": _("Välj en organisationsform i listan."),
        },
    )
    sector = forms.ChoiceField(
        label=_("Sektor"),
        choices=Sector.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Kommuner, regioner och myndigheter hör till offentlig sektor; föreningar, stiftelser och trossamfund till idéburen."
        ),
        error_messages={"required": _("Välj sektor."), "invalid_choice": _("Välj sektor.")},
    )
    organisation_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        help_text=format_lazy(_("Tio siffror, till exempel {example}."), example=EXAMPLE_NUMBER),
        error_messages={
            "required": _("Ange organisationsnumret."),
            "max_length": format_lazy(
                _("Ange organisationsnumret med tio siffror, till exempel {example}."), example=EXAMPLE_NUMBER
            ),
        },
    )
    municipality = forms.CharField(
        label=_("Kommun eller region (frivillig)"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken (nu %(show_value)d).")},
    )
    contact_email = forms.EmailField(
        label=_("Kontaktadress, e-post (frivillig)"),
        required=False,
        error_messages={"invalid": _("Ange en e-postadress i formatet namn@exempel.se.")},
    )

    def clean_organisation_number(self) -> str:
        value = self.cleaned_data["organisation_number"]
        validate_organisation_number(value)
        number = normalise_organisation_number(value)
        existing = Organisation.objects.filter(organisation_number=number).first()
        if existing is not None:
            # The page shows how to claim it: a real organisation must not be lost to whoever registered it first.
            self.existing_organisation = existing
            raise forms.ValidationError(
                _(
                    "Organisationsnummer %(number)s finns redan i portalen som %(name)s. "
                    "Hör du till den organisationen kan du be dess samordnare att bjuda in dig, "
                    "eller begära att få företräda den."
                ),
                code="taken",
                params={"number": number, "name": existing.name},
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, sector = data.get("kind"), data.get("sector")
        if kind in PUBLIC_KINDS and sector != Sector.PUBLIC:
            self.add_error(
                "sector",
                forms.ValidationError(
                    _("En kommun, region eller myndighet hör till offentlig sektor."), code="sector_mismatch"
                ),
            )
        elif kind in CIVIL_KINDS and sector != Sector.CIVIL:
            self.add_error(
                "sector",
                forms.ValidationError(_("Den organisationsformen hör till idéburen sektor."), code="sector_mismatch"),
            )
        return data


# One line per role, shown where a role is chosen.
ROLE_DESCRIPTIONS = {
    Role.COORDINATOR: _(
        "hanterar organisationens medlemmar och inbjudningar och svarar på inbjudningar till samverkan"
    ),
    Role.OFFICER: _("anställd i den offentliga organisationen, arbetar i samverkan för den"),
    Role.BOARD_MEMBER: _("sitter i föreningens styrelse, arbetar i samverkan och kan svara på inbjudningar"),
}


# Which roles fit which sector: a kommun has no board members, a förening no tjänstepersoner.
SECTOR_ROLES: dict[str, list[Role]] = {
    Sector.PUBLIC: [Role.COORDINATOR, Role.OFFICER],
    Sector.CIVIL: [Role.COORDINATOR, Role.BOARD_MEMBER],
}


def role_choices(roles: list[Role]) -> list[tuple[str, Any]]:
    """Radio choices that explain each role in one line: "Samordnare – hanterar …"."""
    return [(role.value, format_lazy("{} – {}", role.label, ROLE_DESCRIPTIONS[role])) for role in roles]


def roles_for(organisation: Organisation, also: str | None = None) -> list[Role]:
    """The roles that fit the organisation's sector (and `also`, a role someone already has)."""
    roles = list(SECTOR_ROLES.get(organisation.sector, list(Role)))
    if also and also not in roles:
        roles.append(Role(also))
    return roles


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadress"),
        error_messages={
            "required": _("Ange personens e-postadress."),
            "invalid": _("Ange en e-postadress i formatet namn@exempel.se."),
        },
    )
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en roll."), "invalid_choice": _("Välj en roll i listan.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, roles: list[Role] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = role_choices(roles if roles is not None else roles_for(organisation))  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation.memberships.filter(user__email=normalise_email(email), is_active=True).exists():
            raise forms.ValidationError(
                _("Personen är redan medlem i %(organisation)s."),
                code="already_member",
                params={"organisation": self.organisation.name},
            )
        return email


class MembershipForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en roll."), "invalid_choice": _("Välj en roll i listan.")},
    )
    is_active = forms.TypedChoiceField(
        label=_("Tillgång"),
        choices=[
            ("1", _("Aktiv – kan logga in och arbeta för organisationen")),
            ("0", _("Avaktiverad – har inte längre tillgång")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj om personen ska ha tillgång."),
            "invalid_choice": _("Välj om personen ska ha tillgång."),
        },
    )

    approves_agreements = forms.BooleanField(
        label=_("Får godkänna avsiktsförklaringar för organisationen"),
        help_text=_(
            "Gäller tjänstepersoner: samordnaren delegerar rätten att godkänna. Samordnare får alltid godkänna."
        ),
        required=False,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles_for(membership.organisation, also=membership.role))  # type: ignore[attr-defined]
        if membership.organisation.sector != Sector.PUBLIC:
            # A civil-society party approves through its board or coordinator: nothing to delegate.
            del self.fields["approves_agreements"]


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """A new account from an invitation: a name and a password typed twice.

    The two-password check and the password rules are Django's (SetPasswordMixin),
    with Swedish messages.
    """

    error_messages = {"password_mismatch": _("Lösenorden är inte lika.")}

    full_name = NameField(
        label=_("Ditt namn"),
        max_length=150,
        error_messages={
            "required": _("Ange ditt namn."),
            "max_length": _("Namnet får vara högst %(limit_value)d tecken."),
        },
    )
    password1 = forms.CharField(
        label=_("Välj lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 10 tecken. Undvik vanliga ord och lösenord som bara består av siffror."),
        error_messages={"required": _("Välj ett lösenord.")},
    )
    password2 = forms.CharField(
        label=_("Upprepa lösenordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Skriv lösenordet en gång till.")},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.validate_passwords()
        if not self.has_error("password2", "password_mismatch"):
            # The rules see the would-be user, so a password too like the name or address is refused.
            user = User(email=self.email, full_name=data.get("full_name", ""))
            self.validate_password_for_user(user, password_field_name="password1")
        return data


class FirstCoordinatorInvitationForm(InvitationForm):
    """The registering side invites a partner organisation's first coordinator.

    That person must belong to the partner itself: an address of an active
    member of the registering organisation is refused, so nobody takes over an
    organisation by registering it and inviting themselves. A site admin can
    still issue such an invitation in the admin.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        registering = self.organisation.registered_by
        if registering is not None and (
            Membership.objects.active().filter(organisation=registering, user__email=normalise_email(email)).exists()
        ):
            raise forms.ValidationError(
                _(
                    "%(email)s hör till %(registering)s. Den första samordnaren för %(organisation)s "
                    "ska vara någon i den organisationen. Behöver ni ändå göra så, kontakta portalens administratör."
                ),
                code="registering_member",
                params={"email": email, "registering": registering.name, "organisation": self.organisation.name},
            )
        return email


class OrganisationClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Berätta vem du är och varför du ska företräda organisationen"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Till exempel din roll i styrelsen eller förvaltningen, och hur administratören kan kontrollera det."
        ),
        error_messages={
            "required": _("Skriv varför du ska företräda organisationen."),
            "max_length": _("Texten får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )


FIRST_COMPACT_YEAR = 1990  # the first local överenskommelser came after the national one of 2008; leave room


class LocalCompactForm(LoadedFieldsMixin, forms.Form):
    """The organisation's local (or regional) överenskommelse with civil society."""

    has_local_compact = forms.TypedChoiceField(
        label=_("Har organisationen en lokal eller regional överenskommelse med idéburen sektor?"),
        choices=[("ja", _("Ja")), ("nej", _("Nej"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ja eller nej."), "invalid_choice": _("Välj ja eller nej.")},
    )
    local_compact_since = forms.IntegerField(
        label=_("Sedan vilket år (frivilligt)"),
        required=False,
        help_text=_("Året då överenskommelsen antogs, till exempel 2015."),
        error_messages={"invalid": _("Ange året med fyra siffror, till exempel 2015.")},
    )
    local_compact_url = forms.URLField(
        label=_("Länk till överenskommelsen (frivillig)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Adressen till en sida där man kan läsa överenskommelsen."),
        error_messages={
            "invalid": _("Ange en webbadress, till exempel https://www.kommun.se/overenskommelse."),
            "max_length": _("Adressen får vara högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )

    def clean_local_compact_since(self) -> int | None:
        from django.utils import timezone

        year = self.cleaned_data["local_compact_since"]
        this_year = timezone.localdate().year
        if year is not None and not FIRST_COMPACT_YEAR <= year <= this_year:
            raise forms.ValidationError(
                gettext("Ange ett år mellan %(first)d och %(last)d.")
                % {"first": FIRST_COMPACT_YEAR, "last": this_year},
                code="year_out_of_range",
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_local_compact") is False:
            # "Nej": a year or a link no longer describes anything.
            data["local_compact_since"] = None
            data["local_compact_url"] = ""
        return data

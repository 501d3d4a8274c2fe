"""Forms validate input and say what is wrong in plain Swedish; views and workflows act on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.db.models import OuterRef, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaboration.cowriting.forms import LoadedFieldsMixin
from collaboration.models import (
    ActivityKind,
    CollaborationForm,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Role,
    Sector,
)
from collaboration.models.organisations import CIVIL_KINDS, PUBLIC_KINDS
from collaboration.validators import EXAMPLE as EXAMPLE_NUMBER
from collaboration.validators import normalise_organisation_number, validate_organisation_number
from portal.forms import NameField
from portal.models import User
from portal.text import normalise_email


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
        error_messages={
            "required": _("Välj den offentliga parten."),
            "invalid_choice": _("Välj en offentlig organisation i listan."),
        },
    )
    civil_parties = OrganisationMultipleChoiceField(
        label=_("Idéburna parter"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj en eller flera. Saknas organisationen kan en samordnare registrera den."),
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


MESSAGE_MAX_LENGTH = 1000


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

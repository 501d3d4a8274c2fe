"""The forms of the shared agreement (avsiktsförklaring): party details, approving, change requests, comments,
inviting a party's first approver and registering an approval given outside the portal.

They validate and say what is wrong in Swedish; the workflows are in `collaboration.agreement`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collaboration.agreement import versions
from collaboration.forms.fields import OrganisationChoiceForm
from collaboration.models import AgreementVersion, Collaboration, Membership, Organisation, Party
from portal.text import clean_name, normalise_email

# A comment on a section is a remark, not a text of its own: the sections hold the text.
COMMENT_MAX_LENGTH = 4000


class PartyDetailsForm(forms.Form):
    contact = forms.TypedChoiceField(
        label=gettext_lazy("Kontaktperson"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Välj en person i listan.")},
    )
    reference = forms.CharField(
        label=gettext_lazy("Diarienummer (om ni har ett)"),
        required=False,
        max_length=100,
        error_messages={"max_length": gettext_lazy("Diarienumret får vara högst %(limit_value)d tecken.")},
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Ingen vald"))] + [(u.pk, u.full_name) for u in people]


class ApproveForm(OrganisationChoiceForm):
    show_single = True  # the approval names its party, even the only one

    organisation = forms.ChoiceField(
        label=gettext_lazy("Du godkänner för"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Välj vilken part du godkänner för."),
            "invalid_choice": gettext_lazy("Välj en av parterna i listan."),
        },
    )
    decision_reference = forms.CharField(
        label=gettext_lazy("Beslut (frivilligt)"),
        help_text=gettext_lazy("Till exempel ”Styrelsemöte 2026-11-20, § 7” eller ett delegationsbeslut."),
        required=False,
        max_length=300,
        error_messages={"max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d).")},
    )


class ChangeRequestForm(OrganisationChoiceForm):
    organisation = forms.ChoiceField(
        label=gettext_lazy("Ni begär ändringar för"),
        error_messages={
            "required": gettext_lazy("Välj vilken part ni begär ändringar för."),
            "invalid_choice": gettext_lazy("Välj en av parterna i listan."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Vad behöver ändras, och varför?"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Skriv vad som behöver ändras."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Kommentar"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Skriv en kommentar."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    section = forms.SlugField(required=False, widget=forms.HiddenInput)
    reply_to = forms.UUIDField(required=False, widget=forms.HiddenInput)


class FirstApproverForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-postadress"),
        max_length=254,
        help_text=gettext_lazy(
            "Till någon som företräder organisationen, till exempel dess ordförande eller sekreterare."
        ),
        error_messages={
            "required": gettext_lazy("Ange personens e-postadress."),
            "invalid": gettext_lazy("Ange en e-postadress i formatet namn@exempel.se."),
            "max_length": gettext_lazy("E-postadressen får vara högst %(limit_value)d tecken."),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, collaboration: Collaboration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.collaboration = collaboration

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        # The first coordinator is one of the party's own people, never someone of another party here.
        # Any other party, invited or accepted, as well as one that declined or left: one person never
        # approves for two parties of the same agreement.
        others = (
            Party.objects.filter(collaboration=self.collaboration)
            .exclude(organisation=self.organisation)
            .values("organisation_id")
        )
        if Membership.objects.filter(organisation__in=others, user__email=email).exists():
            raise forms.ValidationError(
                _(
                    "%(email)s hör till en annan part i samverkan. Den som ska kunna godkänna för %(org)s "
                    "ska vara någon i den organisationen."
                ),
                code="other_party",
                params={"email": email, "org": self.organisation.name},
            )
        return email


class RegisterApprovalForm(forms.Form):
    person_name = forms.CharField(
        label=gettext_lazy("Vem fattade beslutet?"),
        help_text=gettext_lazy("Namnet på den som skrev under eller justerade, till exempel ordföranden."),
        max_length=200,
        error_messages={
            "required": gettext_lazy("Skriv namnet på den som fattade beslutet."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    role_title = forms.CharField(
        label=gettext_lazy("Personens roll i organisationen"),
        help_text=gettext_lazy("Till exempel ”Ordförande” eller ”Firmatecknare”."),
        max_length=100,
        error_messages={
            "required": gettext_lazy("Skriv personens roll, till exempel ordförande."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Beslutsdatum"),
        help_text=gettext_lazy("Skriv datumet som ÅÅÅÅ-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Ange datumet för beslutet."),
            "invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-24."),
        },
    )
    decision_reference = forms.CharField(
        label=gettext_lazy("Beslut"),
        help_text=gettext_lazy("Var beslutet finns, till exempel ”Styrelseprotokoll 2026-11-24 § 7”."),
        max_length=300,
        error_messages={
            "required": gettext_lazy("Skriv var beslutet finns, till exempel protokoll och paragraf."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    version_hash = forms.CharField(
        label=gettext_lazy("Kontrollsumman i beslutet"),
        help_text=gettext_lazy(
            "Skriv av kontrollsumman som står i den version som beslutet gäller, minst de första 12 tecknen."
        ),
        max_length=100,
        error_messages={
            "required": gettext_lazy("Skriv av kontrollsumman som beslutet gäller."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Jag har sett beslutet och det gäller just den här versionen."),
        error_messages={"required": gettext_lazy("Bekräfta att du har sett beslutet.")},
    )

    def __init__(self, *args: Any, version: AgreementVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version

    def clean_person_name(self) -> str:
        return self._one_line("person_name", _("Skriv namnet på den som fattade beslutet."))

    def clean_role_title(self) -> str:
        return self._one_line("role_title", _("Skriv personens roll, till exempel ordförande."))

    def clean_decision_reference(self) -> str:
        return self._one_line("decision_reference", _("Skriv var beslutet finns, till exempel protokoll och paragraf."))

    def _one_line(self, name: str, empty: str) -> str:
        """One line of visible text: no breaks or direction marks that would garble the "registrerat av" mark."""
        value = clean_name(str(self.cleaned_data[name]))
        if not value:
            raise forms.ValidationError(empty, code="required")
        return value

    def clean_decided_on(self) -> date:
        decided: date = self.cleaned_data["decided_on"]
        if decided > timezone.localdate():
            raise forms.ValidationError(_("Beslutsdatumet kan inte vara i framtiden."), code="future")
        sent = timezone.localtime(self.version.created_at).date()
        if decided < sent:
            raise forms.ValidationError(
                _("Beslutet kan inte vara fattat före %(sent)s, då version %(n)d skickades för granskning.")
                % {"sent": sent.isoformat(), "n": self.version.number},
                code="before_sent",
            )
        return decided

    def clean_version_hash(self) -> str:
        typed = str(self.cleaned_data["version_hash"])
        if not versions.hash_confirms(typed, self.version):
            raise forms.ValidationError(
                _(
                    "Kontrollsumman stämmer inte med version %(n)d. Beslutet gäller då en annan text: "
                    "kontrollera att ni beslutade om just den här versionen."
                )
                % {"n": self.version.number},
                code="wrong_hash",
            )
        return typed

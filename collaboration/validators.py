"""Validation of Swedish organisation numbers (organisationsnummer)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")


def normalise_organisation_number(value: str) -> str:
    """Return NNNNNN-NNNN for any spacing or dash variant of a ten-digit number."""
    digits = _SEPARATORS.sub("", value or "")
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return f"{digits[:6]}-{digits[6:]}"
    return (value or "").strip()


def validate_organisation_number(value: str) -> None:
    digits = _SEPARATORS.sub("", value or "")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("Ange organisationsnumret med tio siffror, till exempel 212000-1355."), code="format")
    if int(digits[2:4]) < 20:
        # Digits 3-4 are a month (01-12) in a personnummer; organisations start at 20.
        raise ValidationError(
            _("Det här ser ut som ett personnummer. Ange organisationens organisationsnummer."), code="personnummer"
        )
    try:
        orgnr.validate(digits)
    except StdnumError:
        raise ValidationError(
            _("Organisationsnumret stämmer inte. Kontrollera siffrorna, särskilt den sista."), code="checksum"
        ) from None

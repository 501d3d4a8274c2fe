"""Validation of Swedish organisation numbers (organisationsnummer)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")

# One example for the hint and every error, a number that belongs to no organisation in the demo data.
EXAMPLE = "802480-1238"
# A twelve-digit organisationsnummer is the ten digits after "16"; twelve digits starting with a
# century (19, 20) are a personnummer written in full.
ORGANISATION_PREFIX = "16"
CENTURIES = ("18", "19", "20")


def _digits(value: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    return digits if digits.isascii() and digits.isdigit() else ""


def _ten_digits(value: str) -> str:
    """The ten significant digits, from the ten-digit form or the twelve-digit form with prefix 16."""
    digits = _digits(value)
    if len(digits) == 12 and digits.startswith(ORGANISATION_PREFIX):
        return digits[2:]
    return digits if len(digits) == 10 else ""


def normalise_organisation_number(value: str) -> str:
    """Return NNNNNN-NNNN for any spacing or dash variant of the ten- or twelve-digit (16…) form."""
    digits = _ten_digits(value)
    if digits:
        return f"{digits[:6]}-{digits[6:]}"
    return (value or "").strip()


def validate_organisation_number(value: str) -> None:
    digits = _digits(value)
    if len(digits) == 12 and digits[:2] in CENTURIES:
        raise ValidationError(
            _("Det här ser ut som ett personnummer. Ange organisationens organisationsnummer."), code="personnummer"
        )
    ten = _ten_digits(value)
    if not ten:
        raise ValidationError(
            _("Ange organisationsnumret med tio siffror, till exempel %(example)s."),
            code="format",
            params={"example": EXAMPLE},
        )
    if int(ten[2:4]) < 20:
        # Digits 3-4 are a month (01-12) in a personnummer; organisations start at 20.
        raise ValidationError(
            _("Det här ser ut som ett personnummer. Ange organisationens organisationsnummer."), code="personnummer"
        )
    try:
        orgnr.validate(ten)
    except StdnumError:
        raise ValidationError(
            _("Organisationsnumret stämmer inte. Kontrollera siffrorna, särskilt den sista."), code="checksum"
        ) from None

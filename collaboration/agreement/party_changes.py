"""How the parties changed since a version was sent, in names and in words.

Who may approve, register an approval, comment or ask for changes is decided in `collaboration.access`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from collaboration.models import (
    AgreementVersion,
    Organisation,
)


def parties_changed_since(version: AgreementVersion, current: list[Organisation]) -> tuple[list[str], list[str]]:
    """(names that joined, names that left) between the parties `version` names and the `current` ones."""
    named = {str(p.get("code") or p.get("organisation_number")): p.get("name", "") for p in version.parties}
    now = {str(o.code): o for o in current}
    by_number = {o.organisation_number: o for o in current}
    still = set()
    left = []
    for key, name in named.items():
        organisation = now.get(key) or by_number.get(key)
        if organisation is None:
            left.append(name)
        else:
            still.add(organisation.pk)
    joined = [o.name for o in current if o.pk not in still]
    return joined, left


def party_change_text(*, joined: list[str], left: list[str]) -> str:
    """ "Equmeniakyrkan har tillkommit som part och Stiftelsen Gröna Gårdar har lämnat", in words."""
    parts = []
    if joined:
        parts.append(_("%(names)s har tillkommit som part") % {"names": _names(joined)})
    if left:
        parts.append(_("%(names)s har lämnat samverkan") % {"names": _names(left)})
    return _(" och ").join(parts)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s och %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}

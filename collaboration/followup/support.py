"""The support on record: a public party records, corrects and removes what it gives, period by period.

Each workflow is keyword-only, runs in one transaction and writes the activity log, which every party
reads. Who may record support is decided in `collaboration.access.support_givers`; an edit goes through the
save contract for plain fields (`cowriting.contract.save_fields`), so a colleague's correction made while
the page was open is kept and shown, never overwritten unseen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from collaboration.cowriting.contract import EditResult, fields_state, save_fields
from collaboration.models import Activity, ActivityKind, Collaboration, Organisation, Support, SupportKind

if TYPE_CHECKING:
    from portal.models import User

# The fields a person writes on the support form, in the order the form shows them.
FIELDS = (
    "starts_on",
    "ends_on",
    "kind",
    "amount",
    "premises",
    "expertise",
    "staff_time",
    "other_support",
    "decision_reference",
)


def describe(support: Support) -> str:
    """ "Projektmedel 2027-01-01–2027-12-31, 250 000 kr" in words, for the activity log."""
    parts = [f"{SupportKind(support.kind).label} {support.starts_on.isoformat()}–{support.ends_on.isoformat()}"]
    if support.amount is not None:
        parts.append(support.amount_text())
    if support.in_kind:
        parts.append(", ".join(support.in_kind))
    return ", ".join(parts)


def support_add(
    *,
    collaboration: Collaboration,
    organisation: Organisation,
    user: User,
    starts_on: date,
    ends_on: date,
    kind: str,
    amount: int | None,
    premises: bool = False,
    expertise: bool = False,
    staff_time: bool = False,
    other_support: str = "",
    decision_reference: str = "",
) -> Support:
    """Record one period of support that `organisation` (a public party) gives the collaboration."""
    with transaction.atomic():
        support = Support.objects.create(
            collaboration=collaboration,
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            kind=kind,
            amount=amount,
            premises=premises,
            expertise=expertise,
            staff_time=staff_time,
            other_support=other_support,
            decision_reference=decision_reference,
            created_by=user,
        )
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.SUPPORT_RECORDED,
            actor=user,
            organisation=organisation,
            summary=_("registrerade stöd från %(org)s: %(what)s")
            % {"org": organisation.name, "what": describe(support)},
            support=support.pk,
        )
        collaboration.touch()
    return support


def support_state(support: Support) -> str:
    """The `loaded` field of the edit page: each field's digest as the page shows it now."""
    return fields_state({name: getattr(support, name) for name in FIELDS})


def support_update(
    *, support: Support, user: User, values: dict[str, object], loaded: dict[str, str] | None = None
) -> EditResult:
    """Correct a period of support. A field a colleague changed since the page was loaded is kept (`moved_on`)."""
    with transaction.atomic():
        locked = Support.objects.select_for_update().get(pk=support.pk)
        report = save_fields(
            locked, {name: values[name] for name in FIELDS if name in values}, loaded or {}, also=("updated_at",)
        )
        changed = [str(Support._meta.get_field(name).verbose_name) for name in report.written]  # type: ignore[union-attr]
        if changed:
            Activity.record(
                collaboration=locked.collaboration,
                kind=ActivityKind.SUPPORT_CHANGED,
                actor=user,
                organisation=locked.organisation,
                summary=_("ändrade stödet från %(org)s (%(what)s): %(fields)s")
                % {"org": locked.organisation.name, "what": describe(locked), "fields": ", ".join(changed)},
                support=locked.pk,
                changed=changed,
            )
            locked.collaboration.touch()
    support.refresh_from_db()
    return EditResult(changed=changed, moved_on=report.moved_on)


def support_remove(*, support: Support, user: User) -> bool:
    """Remove a period recorded by mistake; the activity log keeps what it said. Removing it twice does nothing."""
    with transaction.atomic():
        locked = Support.objects.select_for_update().filter(pk=support.pk).select_related("organisation").first()
        if locked is None:
            return False
        Activity.record(
            collaboration=support.collaboration,
            kind=ActivityKind.SUPPORT_REMOVED,
            actor=user,
            organisation=locked.organisation,
            summary=_("tog bort stödet från %(org)s: %(what)s")
            % {"org": locked.organisation.name, "what": describe(locked)},
        )
        locked.delete()
        support.collaboration.touch()
    return True

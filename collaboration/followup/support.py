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
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.cowriting.contract import EditResult, fields_state, save_fields, value_digest
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


# The dates a period may have: from the year the first local överenskommelser came (the national one is from
# 2008; leave room) to ten years ahead. A typed year like 0001 or 2207 is a typo, and would stretch every
# overview over centuries.
FIRST_YEAR = 1990
YEARS_AHEAD = 10
LONGEST_PERIOD_DAYS = 5 * 366


class SupportGone(Exception):
    """The period was removed by someone else while this person had it open."""


def period_problems(
    *, starts_on: date | None, ends_on: date | None, amount: int | None, in_kind: bool
) -> list[tuple[str, str]]:
    """What is wrong with a period as a whole, as (field, Swedish message): the form's rules and the merge's.

    Checked by the form before anything is saved, and again on the stored row after a correction is merged
    with a colleague's, so that two valid corrections never add up to a period the form would refuse.
    """
    problems = []
    last_year = timezone.localdate().year + YEARS_AHEAD
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not FIRST_YEAR <= day.year <= last_year:
            problems.append(
                (name, _("Ange ett datum mellan år %(first)d och %(last)d.") % {"first": FIRST_YEAR, "last": last_year})
            )
    if starts_on is not None and ends_on is not None and not problems:
        if ends_on < starts_on:
            problems.append(("ends_on", _("Perioden kan inte sluta före den börjar.")))
        elif (ends_on - starts_on).days > LONGEST_PERIOD_DAYS:
            problems.append(
                ("ends_on", _("En period kan vara högst fem år. Registrera längre stöd som flera perioder."))
            )
    if not amount and not in_kind:
        problems.append(("amount", _("Skriv ett belopp eller markera vilket annat stöd än pengar som ges.")))
    return problems


def _problems_of(support: Support) -> list[tuple[str, str]]:
    return period_problems(
        starts_on=support.starts_on,
        ends_on=support.ends_on,
        amount=support.amount,
        in_kind=bool(support.in_kind),
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
    """Correct a period of support. A field a colleague changed since the page was loaded is kept (`moved_on`).

    When the person's correction and a colleague's together would make a period the form refuses (an end
    before the start, no support at all), nothing is saved and the colleague's fields are reported instead.
    Raises `SupportGone` when the period was removed meanwhile.
    """
    loaded = loaded or {}
    with transaction.atomic():
        locked = Support.objects.select_for_update().filter(pk=support.pk).select_related("organisation").first()
        if locked is None:
            raise SupportGone
        # What a colleague changed since the page was loaded: a field whose stored value is not what it showed.
        theirs = [name for name in FIELDS if loaded.get(name) and loaded[name] != value_digest(getattr(locked, name))]
        report = save_fields(locked, {name: values[name] for name in FIELDS if name in values}, loaded, save=False)
        if report.written and _problems_of(locked):
            support.refresh_from_db()
            return EditResult(changed=[], moved_on=sorted(set(theirs) | set(report.moved_on), key=FIELDS.index))
        if report.written:
            locked.save(update_fields=[*report.written, "updated_at"])
        changed = [str(Support._meta.get_field(name).verbose_name) for name in report.written]  # type: ignore[union-attr]
        if changed:
            Activity.record(
                collaboration=support.collaboration,
                kind=ActivityKind.SUPPORT_CHANGED,
                actor=user,
                organisation=locked.organisation,
                summary=_("ändrade stödet från %(org)s (%(what)s): %(fields)s")
                % {"org": locked.organisation.name, "what": describe(locked), "fields": ", ".join(changed)},
                support=locked.pk,
                changed=changed,
            )
            support.collaboration.touch()
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

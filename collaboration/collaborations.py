"""A collaboration's life: created, its facts edited, ended, archived, reopened, deleted.

Each workflow is keyword-only, runs in one transaction and logs what it did in the activity log.
Who may call them is decided in `collaboration.access`; the parties are in `parties.py`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.cowriting.contract import EditResult, fields_state, save_fields
from collaboration.models import (
    Activity,
    ActivityKind,
    Collaboration,
    CollaborationForm,
    Organisation,
    Party,
    PartyState,
    Status,
)
from collaboration.phases import refresh_current_phase
from portal import once
from portal.models import User


def collaboration_create(
    *,
    user: User,
    acting_organisation: Organisation,
    title: str,
    description: str,
    public_party: Organisation,
    civil_parties: list[Organisation],
    form: CollaborationForm | None,
    starts_on: date | None,
    ends_on: date | None,
) -> Collaboration:
    """Create a collaboration; the creator's organisation is its first party.

    Every other organisation named is only invited: it takes part once its
    coordinator (or a board member of a civil-society organisation) accepts.
    """
    with transaction.atomic():
        collaboration = Collaboration.objects.create(
            title=title,
            description=description,
            form=form,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=user,
        )
        now = timezone.now()
        organisations = {public_party.pk: public_party, acting_organisation.pk: acting_organisation}
        organisations.update({o.pk: o for o in civil_parties})
        Party.objects.bulk_create(
            [
                Party(
                    collaboration=collaboration,
                    organisation=acting_organisation,
                    contact=user,
                    state=PartyState.ACCEPTED,
                    answered_at=now,
                    answered_by=user,
                ),
                *(
                    Party(
                        collaboration=collaboration,
                        organisation=organisation,
                        state=PartyState.INVITED,
                        invited_by=user,
                        invited_by_organisation=acting_organisation,
                        invited_at=now,
                    )
                    for organisation in organisations.values()
                    if organisation.pk != acting_organisation.pk
                ),
            ]
        )
        refresh_current_phase(collaboration)
    return collaboration


def collaboration_delete(*, collaboration: Collaboration, user: User) -> bool:
    """Delete a collaboration its creator started by mistake. False if it may no longer be deleted."""
    with transaction.atomic():
        # The lock makes the check and the delete one step: a first answer saved meanwhile wins.
        locked = Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        if locked is None or not locked.can_be_deleted_by(user):
            return False
        url = reverse("collaboration_detail", args=[locked.code])
        locked.delete()
        # Sending the create form again may now create it anew instead of pointing at nothing.
        once.forget(url)
    return True


def edit_state(collaboration: Collaboration, parties: list[Party]) -> str:
    """The `loaded` field of the edit page: each field's digest as the page shows it now."""
    return fields_state(
        {
            "title": collaboration.title,
            "description": collaboration.description,
            "starts_on": collaboration.starts_on,
            "ends_on": collaboration.ends_on,
            **{f"contact_{p.pk}": p.contact_id for p in parties},
        }
    )


def collaboration_edit(
    *,
    collaboration: Collaboration,
    user: User,
    acting_organisation: Organisation | None,
    title: str,
    description: str,
    starts_on: date | None,
    ends_on: date | None,
    contacts: dict[int, User | None],
    loaded: dict[str, str] | None = None,
) -> EditResult:
    """Change the collaboration's facts and the parties' contact persons; log what changed.

    `contacts` maps accepted party ids to their contact person. `loaded` holds, per field,
    the digest of what the editing page showed (see `edit_state`): a field the person left
    as loaded is never written back, and a field someone else changed since the page was
    loaded is not overwritten but reported in `EditResult.moved_on`, so nothing a colleague
    saved meanwhile is lost. Returns what changed and what was left alone.
    """
    loaded = loaded or {}
    result = EditResult()
    with transaction.atomic():
        locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        facts = save_fields(
            locked,
            {"title": title, "description": description, "starts_on": starts_on, "ends_on": ends_on},
            loaded,
            also=("updated_at",),
        )
        result.moved_on += facts.moved_on
        changed = result.changed
        changed += [str(Collaboration._meta.get_field(name).verbose_name) for name in facts.written]  # type: ignore[union-attr]
        parties = Party.objects.accepted().filter(collaboration=locked, pk__in=list(contacts))
        for party in parties.select_related("organisation"):
            contact = contacts[party.pk]
            key = f"contact_{party.pk}"
            written = save_fields(
                party, {"contact_id": contact.pk if contact else None}, {"contact_id": loaded.get(key, "")}
            )
            if written.moved_on:
                result.moved_on.append(key)
            elif written.written:
                changed.append(_("kontaktperson för %(org)s") % {"org": party.organisation.name})
        if changed:
            Activity.record(
                collaboration=locked,
                kind=ActivityKind.COLLABORATION_EDITED,
                actor=user,
                organisation=acting_organisation,
                summary=_("Ändrade %(what)s") % {"what": ", ".join(changed)},
                changed=changed,
            )
            locked.touch()
    collaboration.refresh_from_db()
    return result


def collaboration_end(
    *, collaboration: Collaboration, user: User, acting_organisation: Organisation | None, closing_note: str
) -> bool:
    """End the collaboration (status Avslutad) with a closing note. Ending it twice changes nothing."""
    with transaction.atomic():
        locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        if locked.ended_at is not None:
            return False
        locked.ended_at = timezone.now()
        locked.status = Status.FINISHED
        locked.closing_note = closing_note
        locked.save(update_fields=["ended_at", "status", "closing_note", "updated_at"])
        Activity.record(
            collaboration=locked,
            kind=ActivityKind.COLLABORATION_ENDED,
            actor=user,
            organisation=acting_organisation,
            summary=_("Avslutade samverkan"),
            closing_note=closing_note,
        )
    return True


def collaboration_archive(
    *, collaboration: Collaboration, user: User, acting_organisation: Organisation | None
) -> bool:
    """Take the collaboration out of the default lists. It stays readable. Archiving twice changes nothing."""
    with transaction.atomic():
        locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        if locked.archived_at is not None:
            return False
        locked.archived_at = timezone.now()
        locked.save(update_fields=["archived_at", "updated_at"])
        Activity.record(
            collaboration=locked,
            kind=ActivityKind.COLLABORATION_ARCHIVED,
            actor=user,
            organisation=acting_organisation,
            summary=_("Arkiverade samverkan"),
        )
    return True


def collaboration_reopen(*, collaboration: Collaboration, user: User, acting_organisation: Organisation | None) -> bool:
    """Bring an ended or archived collaboration back to work (status Pågår). The closing note is kept in the log."""
    with transaction.atomic():
        locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        if locked.ended_at is None and locked.archived_at is None:
            return False
        locked.ended_at = None
        locked.archived_at = None
        locked.status = Status.ONGOING
        locked.save(update_fields=["ended_at", "archived_at", "status", "updated_at"])
        Activity.record(
            collaboration=locked,
            kind=ActivityKind.COLLABORATION_REOPENED,
            actor=user,
            organisation=acting_organisation,
            summary=_("Öppnade samverkan igen"),
        )
    return True


def document_exported(
    *, collaboration: Collaboration, user: User, organisation: Organisation | None, document: str, file_name: str
) -> Activity:
    """Log that someone downloaded a document of the collaboration (a PDF), so every party can see who took a copy.

    `document` is what it is in words ("Processens checklista"), `file_name` the name it was sent with.
    """
    return Activity.record(
        collaboration=collaboration,
        kind=ActivityKind.EXPORTED,
        actor=user,
        organisation=organisation,
        summary=_("laddade ner ”%(document)s” som PDF") % {"document": document},
        file=file_name,
    )

"""The parties of a collaboration: invited, accepting or declining, leaving.

A party's organisation takes part only once it has accepted (consent). A change of parties tells the
agreement workflows through `signals.parties_changed`, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration import signals
from collaboration.models import (
    Activity,
    ActivityKind,
    Collaboration,
    Organisation,
    Party,
    PartyState,
    PhaseCompletion,
    PhaseConfirmation,
)
from portal.models import User

# How long an organisation that said no is left in peace before it can be invited again.
DECLINED_RESPITE = timedelta(days=30)


class PartyStateError(Exception):
    """Raised when a party cannot make a change from the state it is in (say, accepting after declining)."""


class RecentlyDeclinedError(Exception):
    """Raised when inviting again an organisation that declined less than DECLINED_RESPITE ago."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class LastPartyError(Exception):
    """Raised when the last party that has accepted tries to leave: a collaboration needs someone in it."""


def party_invite(
    *, collaboration: Collaboration, organisation: Organisation, user: User, inviting_organisation: Organisation
) -> Party:
    """Invite an organisation to a collaboration, or invite again one that declined or left."""
    with transaction.atomic():
        party = Party.objects.select_for_update().filter(collaboration=collaboration, organisation=organisation).first()
        now = timezone.now()
        if party is None:
            party = Party(collaboration=collaboration, organisation=organisation)
        elif party.state in (PartyState.INVITED, PartyState.ACCEPTED):
            raise PartyStateError(f"{organisation} is already {party.state}")
        elif (
            party.state == PartyState.DECLINED
            and party.answered_at is not None
            and party.answered_at > now - DECLINED_RESPITE
        ):
            # A no is respected for a while: nobody is nagged by invitations sent again and again.
            raise RecentlyDeclinedError(party.answered_at + DECLINED_RESPITE)
        party.state = PartyState.INVITED
        party.invited_by = user
        party.invited_by_organisation = inviting_organisation
        party.invited_at = now
        party.answered_at = None
        party.answered_by = None
        party.message = ""
        party.contact = None
        party.save()
        collaboration.touch()
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.PARTY_INVITED,
            actor=user,
            organisation=inviting_organisation,
            summary=_("%(org)s bjöd in %(invited)s")
            % {"org": inviting_organisation.name, "invited": organisation.name},
        )
    return party


def party_answer(*, party: Party, user: User, accept: bool, message: str = "") -> Party:
    """Accept or decline an invitation. Answering the same way twice (a double click) changes nothing."""
    wanted = PartyState.ACCEPTED if accept else PartyState.DECLINED
    with transaction.atomic():
        locked = Party.objects.select_for_update().get(pk=party.pk)
        if locked.state == wanted:
            return locked
        if locked.state != PartyState.INVITED:
            raise PartyStateError(f"cannot answer a party that is {locked.state}")
        locked.state = wanted
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.message = message
        if accept and locked.contact_id is None:
            locked.contact = user
        locked.save(update_fields=["state", "answered_at", "answered_by", "message", "contact"])
        Activity.record(
            collaboration=locked.collaboration,
            kind=ActivityKind.PARTY_ACCEPTED if accept else ActivityKind.PARTY_DECLINED,
            actor=user,
            organisation=locked.organisation,
            summary=(_("%(org)s accepterade inbjudan") if accept else _("%(org)s tackade nej"))
            % {"org": locked.organisation.name},
            message=message,
        )
        if accept:
            # A party joining while a version is under review makes that version outdated (the receiver in
            # agreement/approval.py). The agreement's row is locked before the collaboration's (touch below), in
            # the order every agreement workflow takes them: the other order deadlocks with an approval or an
            # autosave on PostgreSQL.
            signals.parties_changed.send(sender=Party, collaboration=locked.collaboration, user=user)
        locked.collaboration.touch()
    return locked


def party_leave(*, party: Party, user: User, message: str = "") -> Party:
    """Take an organisation out of a collaboration. What its people wrote stays, with their names.

    The last accepted party cannot leave. Locking every party row of the
    collaboration makes two parties leaving at once take turns, so one of them
    is told it is the last.
    """
    with transaction.atomic():
        rows = {p.pk: p for p in Party.objects.select_for_update().filter(collaboration_id=party.collaboration_id)}
        locked = rows[party.pk]
        if locked.state == PartyState.LEFT:
            return locked
        if locked.state != PartyState.ACCEPTED:
            raise PartyStateError(f"cannot leave from {locked.state}")
        if sum(1 for p in rows.values() if p.state == PartyState.ACCEPTED) <= 1:
            raise LastPartyError
        locked.state = PartyState.LEFT
        locked.left_at = timezone.now()
        locked.left_by = user
        if message:
            locked.message = message
        locked.save(update_fields=["state", "left_at", "left_by", "message"])
        # Its agreement to phases not yet completed leaves with it: coming back, it is asked again.
        PhaseConfirmation.objects.filter(
            collaboration_id=locked.collaboration_id, organisation=locked.organisation
        ).exclude(
            phase__in=PhaseCompletion.objects.filter(collaboration_id=locked.collaboration_id).values("phase")
        ).delete()
        Activity.record(
            collaboration=locked.collaboration,
            kind=ActivityKind.PARTY_LEFT,
            actor=user,
            organisation=locked.organisation,
            summary=_("%(org)s lämnade samverkan") % {"org": locked.organisation.name},
            message=message,
        )
        # A version under review that names the party that left can no longer be adopted (agreement/approval.py).
        signals.parties_changed.send(sender=Party, collaboration=locked.collaboration, user=user)
        Collaboration.objects.filter(pk=locked.collaboration_id).update(updated_at=timezone.now())
    return locked

"""Workflows that span several models. Keyword-only, typed, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from collaboration import signals, tasks
from collaboration.models import (
    Activity,
    ActivityKind,
    Base,
    ClaimStatus,
    Collaboration,
    CollaborationForm,
    Invitation,
    MailStatus,
    Membership,
    Organisation,
    OrganisationClaim,
    Outcome,
    Party,
    PartyState,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    Role,
    SharedPhase,
    Status,
    Step,
    StepAssignment,
    decide,
    text_digest,
)
from collaboration.process import refresh_current_phase
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


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    mail_status: str  # MailStatus: queued for the worker, sent, or failed


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


def organisation_register(*, user: User, registering_organisation: Organisation, **fields: str) -> Organisation:
    """A coordinator registers a partner organisation; it stays unverified until a site admin checks it."""
    with transaction.atomic():
        return Organisation.objects.create(registered_by=registering_organisation, verified_at=None, **fields)


def organisation_verify(*, organisation: Organisation, by: User) -> None:
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        locked.verify(by=by)


def organisation_claim_create(*, organisation: Organisation, user: User, reason: str) -> OrganisationClaim:
    """Ask the site admins to hand an organisation to the person who says they represent it.

    Asking again while a claim waits updates the reason instead of adding a second claim.
    """
    with transaction.atomic():
        claim, _ = OrganisationClaim.objects.select_for_update().update_or_create(
            organisation=organisation,
            requested_by=user,
            status=ClaimStatus.PENDING,
            defaults={"reason": reason},
        )
    return claim


def organisation_claim_handle(*, claim: OrganisationClaim, by: User, approve: bool, request: HttpRequest) -> bool:
    """Approve (inviting the claimant as coordinator) or reject a waiting claim. False if already handled."""
    with transaction.atomic():
        locked = (
            OrganisationClaim.objects.select_for_update()
            .select_related("organisation", "requested_by")
            .get(pk=claim.pk)
        )
        if locked.status != ClaimStatus.PENDING:
            return False
        locked.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
        locked.handled_at = timezone.now()
        locked.handled_by = by
        locked.save(update_fields=["status", "handled_at", "handled_by"])
        if approve:
            invitation_send(
                request=request,
                organisation=locked.organisation,
                email=locked.requested_by.email,
                role=Role.COORDINATOR,
                invited_by=by,
            )
    return True


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


def invitation_send(
    *, request: HttpRequest, organisation: Organisation, email: str, role: str, invited_by: User
) -> SentInvitation:
    """Issue an invitation and queue the mail with its link once it is stored.

    The task (collaboration/tasks.py) makes the link's token and records whether the
    mail went out, so the coordinator sees it on the organisation page. With the
    immediate backend the mail has been tried when this returns, and a failure shows
    at once in `mail_status`.
    """
    with transaction.atomic():
        invitation, _token = Invitation.issue(organisation=organisation, email=email, role=role, invited_by=invited_by)
        # Links in mail come from SITE_URL, never from the request's Host header, which a client chooses.
        site = settings.SITE_URL
        transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation_id=invitation.pk, site=site))
    status = Invitation.objects.filter(pk=invitation.pk).values_list("mail_status", flat=True).first()
    return SentInvitation(invitation=invitation, mail_status=status or MailStatus.QUEUED)


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Use up the invitation and give the user the membership it promised.

    An invitation never takes a role away: an active coordinator who accepts an older
    invitation with another role stays coordinator, so that a stale invitation cannot
    leave the organisation without one.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValueError("invitation is no longer usable")
        _lock_coordinators(organisation=locked.organisation, also=Q(user=user))
        invited_from_outside = (
            locked.invited_by_id is not None
            and not Membership.objects.filter(
                user_id=locked.invited_by_id, organisation=locked.organisation, is_active=True
            ).exists()
        )
        if (invited_from_outside or not locked.organisation.has_active_coordinator()) and not (
            locked.invited_by is not None and locked.invited_by.is_staff
        ):
            # An invitation from outside the organisation (the side that registered it, a public party's
            # coordinator on an agreement page), or any invitation while it has no coordinator, is never taken
            # by the inviting side's people (the registering organisation and every organisation of the person
            # who invited), active or not, unless a site admin issued it: nobody takes over a partner to
            # approve in its name, with a first invitation or a later one.
            inviting = (
                set(
                    Membership.objects.filter(user_id=locked.invited_by_id)
                    .exclude(organisation=locked.organisation)
                    .values_list("organisation_id", flat=True)
                )
                if locked.invited_by_id is not None
                else set()
            )
            if locked.organisation.registered_by_id is not None:
                inviting.add(locked.organisation.registered_by_id)
            if inviting and Membership.objects.filter(user=user, organisation_id__in=inviting).exists():
                raise RegisteringMemberError
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation, defaults={"role": locked.role}
        )
        if not created:
            if not membership.is_coordinator:
                membership.role = locked.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership


def membership_update(
    *, membership: Membership, role: str, is_active: bool, approves_agreements: bool | None = None
) -> None:
    """Change a member's role or access; an organisation always keeps one active coordinator.

    Every coordinator membership of the organisation is locked first, in one order
    (by primary key), so two coordinators demoting each other at the same moment
    wait for each other instead of deadlocking: the second one sees the first one's
    change and gets LastCoordinatorError.
    """
    with transaction.atomic():
        locked = _lock_coordinators(organisation=membership.organisation, also=Q(pk=membership.pk))
        current = next(m for m in locked if m.pk == membership.pk)
        losing_coordinator = current.is_coordinator and (role != Role.COORDINATOR or not is_active)
        if losing_coordinator and not any(m.is_coordinator for m in locked if m.pk != membership.pk):
            raise LastCoordinatorError
        membership.role = role
        membership.is_active = is_active
        if approves_agreements is not None:
            membership.approves_agreements = approves_agreements
        membership.save(update_fields=["role", "is_active", "approves_agreements"])


def _lock_coordinators(*, organisation: Organisation, also: Q) -> list[Membership]:
    """Lock the organisation's active coordinator memberships (and `also`), always in primary-key order."""
    return list(
        Membership.objects.select_for_update()
        .filter(Q(role=Role.COORDINATOR, is_active=True) | also, organisation=organisation)
        .order_by("pk")
    )


class RegisteringMemberError(Exception):
    """Raised when someone of the registering organisation would become a registered organisation's first coordinator."""


class LastCoordinatorError(Exception):
    """Raised when a change would leave an organisation without an active coordinator."""


# --- Who does what, and the collaboration's own life: edited, ended, archived, reopened ---


def step_assign(
    *,
    collaboration: Collaboration,
    step: Step,
    responsible: User | None,
    due_on: date | None,
    user: User,
    acting_organisation: Organisation | None,
) -> StepAssignment | None:
    """Set (or clear) the responsible person and due date of a step. Returns None when nothing changed.

    The responsible person must belong to a party that has accepted; the caller's form offers only those.
    """
    responsible_organisation = None
    if responsible is not None:
        party = (
            Party.objects.accepted()
            .filter(
                collaboration=collaboration,
                organisation__memberships__user=responsible,
                organisation__memberships__is_active=True,
            )
            .select_related("organisation")
            .order_by("organisation__name")
            .first()
        )
        if party is None:
            raise PartyStateError("the responsible person is not in an accepted party")
        responsible_organisation = party.organisation
    with transaction.atomic():
        assignment, _created = StepAssignment.objects.select_for_update().get_or_create(
            collaboration=collaboration, step=step
        )
        if assignment.responsible_id == (responsible.pk if responsible else None) and assignment.due_on == due_on:
            return None
        assignment.responsible = responsible
        assignment.responsible_organisation = responsible_organisation
        assignment.due_on = due_on
        assignment.updated_by = user
        assignment.save()
        who = responsible.full_name if responsible else _("ingen")
        when = date_format(due_on, "j F Y") if due_on else _("inget datum")
        Activity.record(
            collaboration=collaboration,
            kind=ActivityKind.ASSIGNED,
            actor=user,
            organisation=acting_organisation,
            summary=_("%(step)s: ansvarig %(who)s, klart senast %(when)s")
            % {"step": step.title, "who": who, "when": when},
            step=step.pk,
            responsible=responsible.pk if responsible else None,
            due_on=due_on.isoformat() if due_on else None,
        )
        collaboration.touch()
    return assignment


def _as_text(value: object) -> str:
    """A form value as text (dates, ids and text alike), to be judged by the one save rule, `decide`."""
    return "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def value_digest(value: object) -> str:
    """The digest the edit page carries for a field: the same digest answers carry (`text_digest`)."""
    return text_digest(_as_text(value))


def edit_state(collaboration: Collaboration, parties: list[Party]) -> str:
    """The `loaded` field of the edit page: each field's digest as the page shows it now."""
    values: dict[str, object] = {
        "title": collaboration.title,
        "description": collaboration.description,
        "starts_on": collaboration.starts_on,
        "ends_on": collaboration.ends_on,
        **{f"contact_{p.pk}": p.contact_id for p in parties},
    }
    return ",".join(f"{key}={value_digest(value)}" for key, value in values.items())


@dataclass
class EditResult:
    changed: list[str] = field(default_factory=list)  # what was written, in words
    moved_on: list[str] = field(default_factory=list)  # fields a colleague changed meanwhile: left alone


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

    def decide_field(key: str, current: object, wanted: object) -> bool:
        """Whether to write `wanted` over `current`: the answers' rule (`decide`), with the loaded digest as base.

        A field without a loaded digest is taken as loaded with what is stored now.
        """
        stored = _as_text(current)
        outcome = decide(
            stored_text=stored,
            stored_version=0,
            text=_as_text(wanted),
            base=Base(0, loaded.get(key) or text_digest(stored)),
            seen=None,
            own_since_base=False,
        )
        if outcome is Outcome.CONFLICT:
            result.moved_on.append(key)
        return outcome is Outcome.SAVED

    with transaction.atomic():
        locked = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        changed = result.changed
        fields = []
        for field, value in [
            ("title", title),
            ("description", description),
            ("starts_on", starts_on),
            ("ends_on", ends_on),
        ]:
            if decide_field(field, getattr(locked, field), value):
                setattr(locked, field, value)
                fields.append(field)
                changed.append(str(Collaboration._meta.get_field(field).verbose_name))  # type: ignore[union-attr]
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        parties = Party.objects.accepted().filter(collaboration=locked, pk__in=list(contacts))
        for party in parties.select_related("organisation"):
            contact = contacts[party.pk]
            if decide_field(f"contact_{party.pk}", party.contact_id, contact.pk if contact else None):
                party.contact = contact
                party.save(update_fields=["contact"])
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


def share_answers(
    *, collaboration: Collaboration, phase: Phase, organisation: Organisation, user: User, share: bool
) -> bool:
    """Show a party's own answers in a phase to the other parties, or stop showing them.

    Sharing shows the answers as they are now and as the party goes on editing them;
    taking it back hides them again from then on (what the others read meanwhile is not
    unread, but nothing more is shown). Only phases whose AnswerMode allows it are shared.
    Returns False if nothing changed (already shared, or not shared).
    """
    if not phase.is_shareable:
        raise ValueError("The answers of this phase are not shared.")
    with transaction.atomic():
        if share:
            changed = SharedPhase.objects.get_or_create(
                collaboration=collaboration, phase=phase, organisation=organisation, defaults={"shared_by": user}
            )[1]
            kind, summary = ActivityKind.SHARED, _("%(org)s delade sina svar i ”%(phase)s” med de andra parterna")
        else:
            changed = bool(
                SharedPhase.objects.filter(
                    collaboration=collaboration, phase=phase, organisation=organisation
                ).delete()[0]
            )
            kind, summary = ActivityKind.UNSHARED, _("%(org)s slutade dela sina svar i ”%(phase)s”")
        if changed:
            Activity.record(
                collaboration=collaboration,
                kind=kind,
                actor=user,
                organisation=organisation,
                summary=summary % {"org": organisation.name, "phase": phase.title},
                phase=phase.pk,
            )
            collaboration.touch()
    return changed


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


COMPACT_FIELDS = ("has_local_compact", "local_compact_since", "local_compact_url")


def compact_state(organisation: Organisation) -> str:
    """The `loaded` field of the organisation's edit page: each field's digest as the page shows it now."""
    return ",".join(f"{name}={value_digest(getattr(organisation, name))}" for name in COMPACT_FIELDS)


def organisation_compact_update(
    *,
    organisation: Organisation,
    has_local_compact: bool,
    local_compact_since: int | None,
    local_compact_url: str,
    loaded: dict[str, str] | None = None,
) -> EditResult:
    """Record whether the organisation has a local överenskommelse, since when and where to read it.

    The same rule as `collaboration_edit`: a field left as loaded is never written back, and a
    field a colleague changed since the page was loaded is kept and reported in `moved_on`.
    """
    loaded = loaded or {}
    result = EditResult()
    wanted = {
        "has_local_compact": has_local_compact,
        "local_compact_since": local_compact_since,
        "local_compact_url": local_compact_url,
    }
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        fields = []
        for name, value in wanted.items():
            stored = _as_text(getattr(locked, name))
            outcome = decide(
                stored_text=stored,
                stored_version=0,
                text=_as_text(value),
                base=Base(0, loaded.get(name) or text_digest(stored)),
                seen=None,
                own_since_base=False,
            )
            if outcome is Outcome.CONFLICT:
                result.moved_on.append(name)
            elif outcome is Outcome.SAVED:
                setattr(locked, name, value)
                fields.append(name)
                result.changed.append(str(Organisation._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
        if fields:
            locked.save(update_fields=fields)
    organisation.refresh_from_db(fields=list(COMPACT_FIELDS))
    return result

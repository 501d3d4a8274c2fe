"""Who may open and change what: one table of URL × method × role → status.

The table is checked against the URL resolver: every named URL of the portal
(the admin and static files aside) must have rows here or be listed in
``PUBLIC_PAGES``, so a new URL without rows fails the suite.

Rules the table encodes:

* members of a party that has accepted (either party, any role) may use the
  collaboration's pages; anyone else gets 404, so the portal never confirms that
  the collaboration exists. That includes the members of an organisation that is
  only invited (they see its invitation page and nothing else), has declined or
  has left;
* an invitation is answered, and a party taken out, by its coordinators and, for
  a civil-society party, its board members;
* an organisation's pages are for its coordinators: its other members get 403,
  everyone else 404. The organisation that registered a partner sees the
  partner's page until the partner has a coordinator of its own;
* a visitor who is not signed in is sent to sign in;
* read-only pages answer 405 to a POST, action URLs 405 to a GET, and every
  URL 405 to a method it does not take;
* a refused request changes nothing, an allowed POST changes something;
* a party's own answers (per-party phases) are its own: another party's
  private answers are 404 wherever they could show (the revision of the förening's
  own checklist answer is 404 to the kommun's people and the other way round), and
  the public parties' own prerequisites answer 404 to civil-society parties on every
  URL (step, history, revision, phase review). Only shareable phases are compared
  side by side or shared.

To cover a new URL: add a URL function and one ``Row`` per method, with one
status per column of ``ROLES`` (the named tuples below, like ``PARTY_PAGE``,
are the usual patterns).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from collaboration.agreement import approval, drafting, review, versions
from collaboration.cowriting.contract import Base, Edit, text_digest
from collaboration.documents import batch_export
from collaboration.followup import support as support_workflows
from collaboration.guidance.loader import ensure_loaded
from collaboration.models import (
    Agreement,
    AgreementComment,
    AgreementExport,
    AgreementSection,
    AgreementText,
    AgreementVersion,
    Answer,
    Approval,
    ChangeRequest,
    Collaboration,
    FormChoice,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    OrganisationKind,
    Party,
    PartyState,
    PhaseCompletion,
    PhaseConfirmation,
    PrincipleRating,
    Question,
    Role,
    Sector,
    SharedPhase,
    Step,
    StepAssignment,
    Support,
)
from portal.models import User
from portal.notifications import choice_token
from principles.models import Principle
from tests.collaboration.helpers import (
    CHECKLIST,
    CHECKLIST_WHY,
    MODEL,
    NEW_BASE,
    PHASE_1,
    PREREQ_STATUS,
    PREREQUISITES,
    compare_url,
    guide_review_url,
    history_url,
    mark_steps,
    phase_review_url,
    questions,
    revision_url,
    share_url,
    step_url,
    task_list_url,
    write_answer,
)
from tests.conftest import Cast, client_for, make_cast
from tests.factories import (
    CollaborationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    organisation_number,
)

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
# The order of the status columns in every row. "invited", "declined" and "left" are coordinators of
# organisations that are invited to, have declined, or have left the standing collaboration.
ROLES = [
    "officer",
    "board_member",
    "coordinator",
    "civil_coordinator",
    "outsider",
    "invited",
    "declined",
    "left",
    ANONYMOUS,
]
PENDING_EMAIL = "vantar@exempel.se"
PARTNER_EMAIL = "forsta@nypartner.se"
POSTED_TEXT = "Skrivet i behörighetstestet"

# The usual patterns, one status per column of ROLES.
#                 officer board coord civil outsider invited declined left anonymous
PARTY_PAGE = (200, 200, 200, 200, 404, 404, 404, 404, 302)
PARTY_ACTION = (302, 302, 302, 302, 404, 404, 404, 404, 302)
# The public parties' own (the kommun's), and the civil-society party's own (the förening's).
KOMMUN_PAGE = (200, 404, 200, 404, 404, 404, 404, 404, 302)
KOMMUN_ACTION = (302, 404, 302, 404, 404, 404, 404, 404, 302)
FORENING_PAGE = (404, 200, 404, 200, 404, 404, 404, 404, 302)
NOT_THIS_METHOD = (405, 405, 405, 405, 405, 405, 405, 405, 302)
NOBODY = (404, 404, 404, 404, 404, 404, 404, 404, 302)
SIGNED_IN_PAGE = (200, 200, 200, 200, 200, 200, 200, 200, 302)
SIGNED_IN_ACTION = (302, 302, 302, 302, 302, 302, 302, 302, 302)


@dataclasses.dataclass
class World(Cast):
    """The standing cast, and organisations in each state of the consent to the standing collaboration."""

    invited_org: Organisation
    invited: User
    declined_org: Organisation
    declined: User
    left_org: Organisation
    left: User
    registered: Organisation  # registered by the kommun, no coordinator of its own yet
    adopted: Organisation  # registered by the kommun, now with a coordinator of its own
    sessions: dict[str, str] = dataclasses.field(default_factory=dict)  # role → key of a session signed in as it


def client_as(world: World, role: str) -> Client:
    """A client signed in as `role` of the world (one of ROLES), or not signed in for ANONYMOUS.

    The world signed everyone in when it was built (a sign-in per case cost a good part of a request): the
    session is a row of the world like any other, so what a test does to it (signing out) ends with the test.
    """
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def snapshot(world: Cast) -> tuple[Any, ...]:
    """Everything a request in the table could change."""
    return (
        sorted(
            Collaboration.objects.values_list(
                "pk", "title", "form_id", "description", "status", "ended_at", "archived_at"
            )
        ),
        sorted(
            Party.objects.values_list("pk", "collaboration_id", "organisation_id", "state", "reference", "contact_id")
        ),
        sorted(
            Organisation.objects.values_list(
                "pk",
                "organisation_number",
                "verified_at",
                "has_local_compact",
                "local_compact_since",
                "local_compact_url",
            )
        ),
        sorted(Membership.objects.values_list("pk", "role", "is_active")),
        sorted(Invitation.objects.pending().values_list("pk", "email", "role")),
        sorted(Answer.objects.values_list("pk", "text")),
        sorted(PhaseCompletion.objects.values_list("collaboration_id", "phase_id")),
        sorted(PhaseConfirmation.objects.values_list("collaboration_id", "phase_id", "organisation_id")),
        PrincipleRating.objects.count(),
        sorted(OrganisationClaim.objects.values_list("pk", "reason", "status")),
        sorted(Agreement.objects.values_list("pk", "state", "adopted_version_id")),
        sorted(AgreementText.objects.values_list("pk", "text")),
        AgreementVersion.objects.count(),
        sorted(Approval.objects.values_list("version_id", "organisation_id")),
        ChangeRequest.objects.count(),
        sorted(AgreementComment.objects.values_list("pk", "resolved_at")),
        FormChoice.objects.count(),
        sorted(StepAssignment.objects.values_list("collaboration_id", "step_id", "responsible_id", "due_on")),
        sorted(SharedPhase.objects.values_list("collaboration_id", "phase_id", "organisation_id")),
        sorted(User.objects.values_list("pk", "email_notifications")),
        AgreementExport.objects.count(),
        sorted(Support.objects.values_list("pk", "amount", "starts_on", "ends_on", "kind")),
    )


Url = Callable[[World], str]
Data = Callable[[World], dict[str, Any]]


class Row(NamedTuple):
    name: str
    method: str
    url: Url
    statuses: tuple[int, ...]  # one per role, in the order of ROLES
    data: Data | None = None  # what a POST sends; nothing by default
    signs_in_to: Url | None = None  # where signing in leads, when not back to `url` (a form posting elsewhere)


def assert_access(
    world: Cast,
    role: str,
    method: str,
    url: str,
    expected: int,
    data: dict[str, Any] | None = None,
    signs_in_to: str | None = None,
):
    """Request `url` as `role` and check the status, where a redirect goes and whether anything changed."""
    before = snapshot(world)
    client = client_as(world, role)
    response = client.get(url) if method == "GET" else client.post(url, data or {})

    assert response.status_code == expected, f"{role} {method} {url}"
    if expected == 302:
        signing_in = response.url.startswith(reverse("login"))
        assert signing_in == (role == ANONYMOUS), response.url
        if signing_in:
            assert response.url == f"{reverse('login')}?next={signs_in_to or url}"
    if method == "POST" and expected == 302 and role != ANONYMOUS:
        assert snapshot(world) != before, "an allowed POST should have changed something"
    else:
        assert snapshot(world) == before, "a refused request or a GET must not change anything"
    if expected == 404:
        assert world.collaboration.title not in response.text
    return response


# --- URLs ------------------------------------------------------------------


def collaboration_detail(w: World) -> str:
    return reverse("collaboration_detail", args=[w.collaboration.code])


def form_chooser(w: World) -> str:
    return reverse("form_chooser", args=[w.collaboration.code])


def collaboration_create(w: World) -> str:
    return reverse("collaboration_create")


def party_invite(w: World) -> str:
    return reverse("party_invite", args=[w.collaboration.code])


def invitation_of(attr: str) -> Url:
    return lambda w: reverse("party_invitation", args=[w.collaboration.code, getattr(w, attr).code])


def leave_for(attr: str) -> Url:
    return lambda w: reverse("party_leave", args=[w.collaboration.code, getattr(w, attr).code])


def task_list(w: World) -> str:
    return task_list_url(w.collaboration)


def checklist(w: World) -> str:
    return task_list_url(w.collaboration, CHECKLIST)


def step(w: World) -> str:
    return step_url(w.collaboration)


def guide_review(w: World) -> str:
    return guide_review_url(w.collaboration)


def checklist_pdf(w: World) -> str:
    return reverse("checklist_pdf", args=[w.collaboration.code, MODEL])


def own_checklist_pdf(w: World) -> str:
    return reverse("checklist_pdf", args=[w.collaboration.code, CHECKLIST])


def checklist_blank_pdf(w: World) -> str:
    return reverse("checklist_blank_pdf", args=[w.collaboration.code, MODEL])


def phase_review(w: World) -> str:
    return phase_review_url(w.collaboration)


def step_history(w: World) -> str:
    return history_url(w.collaboration)


def revision_detail(w: World) -> str:
    return revision_url(w.collaboration, questions()[0], 1)


def principle_check(w: World) -> str:
    return reverse("principle_check", args=[w.collaboration.code])


def principle_rate(w: World) -> str:
    return reverse("principle_rate", args=[w.collaboration.code])


def prerequisites_step(w: World) -> str:
    return step_url(w.collaboration, PREREQ_STATUS)


def prerequisites_history(w: World) -> str:
    return history_url(w.collaboration, PREREQ_STATUS)


def prerequisites_revision(w: World) -> str:
    """The kommun's own first version of its prerequisites answer."""
    return revision_url(w.collaboration, questions(PREREQ_STATUS)[0], 1, PREREQ_STATUS)


def prerequisites_review(w: World) -> str:
    return phase_review_url(w.collaboration, PREREQUISITES)


def checklist_step(w: World) -> str:
    return step_url(w.collaboration, CHECKLIST_WHY)


def checklist_history(w: World) -> str:
    return history_url(w.collaboration, CHECKLIST_WHY)


def forenings_checklist_revision(w: World) -> str:
    """The förening's own, unshared, first version of its answer to the checklist's first question."""
    return revision_url(w.collaboration, questions(CHECKLIST_WHY)[0], 1, CHECKLIST_WHY)


def phase_compare(w: World) -> str:
    return compare_url(w.collaboration)


def phase_share(w: World) -> str:
    return share_url(w.collaboration)


def prerequisites_compare(w: World) -> str:
    return compare_url(w.collaboration, MODEL, PREREQUISITES)


def prerequisites_share(w: World) -> str:
    return share_url(w.collaboration, MODEL, PREREQUISITES)


def organisation_list(w: World) -> str:
    return reverse("organisation_list")


def organisation_create(w: World) -> str:
    return reverse("organisation_create")


def overview_of(name: str, attr: str) -> Url:
    return lambda w: reverse(name, args=[getattr(w, attr).code])


def local_compact(w: World) -> dict[str, Any]:
    return {"has_local_compact": "ja", "local_compact_since": "2016", "local_compact_url": "https://exempel.se/ok"}


def detail_of(attr: str) -> Url:
    return lambda w: reverse("organisation_detail", args=[getattr(w, attr).code])


def invitation_create_for(attr: str) -> Url:
    return lambda w: reverse("invitation_create", args=[getattr(w, attr).code])


def claim_registered(w: World) -> str:
    return reverse("organisation_claim", args=[w.registered.code])


def kommun_officer_membership(w: World) -> str:
    membership = Membership.objects.get(user=w.officer, organisation=w.kommun)
    return reverse("membership_edit", args=[w.kommun.code, membership.code])


def kommun_invitation_revoke(w: World) -> str:
    invitation = Invitation.objects.get(organisation=w.kommun, email=PENDING_EMAIL)
    return reverse("invitation_revoke", args=[w.kommun.code, invitation.pk])


def registered_invitation_revoke(w: World) -> str:
    invitation = Invitation.objects.get(organisation=w.registered, email=PARTNER_EMAIL)
    return reverse("invitation_revoke", args=[w.registered.code, invitation.pk])


def collaboration_edit(w: World) -> str:
    return reverse("collaboration_edit", args=[w.collaboration.code])


def collaboration_end(w: World) -> str:
    return reverse("collaboration_end", args=[w.collaboration.code])


def collaboration_archive(w: World) -> str:
    return reverse("collaboration_archive", args=[w.collaboration.code])


def reopen_ended(w: World) -> str:
    """The standing collaboration, ended: reopening it is a change."""
    Collaboration.objects.filter(pk=w.collaboration.pk).update(ended_at=timezone.now(), status="avslutad")
    return reverse("collaboration_reopen", args=[w.collaboration.code])


def activity_log(w: World) -> str:
    return reverse("activity_log", args=[w.collaboration.code])


def step_assign(w: World) -> str:
    return reverse("step_assign", args=[w.collaboration.code, MODEL, PHASE_1, "problem-och-behov"])


# --- what the POSTs send: real requests, so that a missing check would change something ---


def choose_form(w: World) -> dict[str, Any]:
    answers = dict.fromkeys(
        ["temporary", "established", "general_support", "market", "shared_challenge", "input_wanted"], "nej"
    )
    return {**answers, "initiative": "gemensamt", "action": "choose", "chosen_form": "dialog", "reason": "Behörighet"}


def new_collaboration(w: World) -> dict[str, Any]:
    return {"title": "Ny i behörighetstestet", "public_party": w.kommun.pk, "civil_parties": [w.forening.pk]}


def new_organisation(w: World) -> dict[str, Any]:
    return {
        "name": "Stiftelsen Behörighet",
        "kind": OrganisationKind.STIFTELSE,
        "sector": Sector.CIVIL,
        "organisation_number": organisation_number(90_100),
    }


def new_invitation(w: World) -> dict[str, Any]:
    return {"email": "inbjuden@exempel.se", "role": Role.COORDINATOR}


def promote_officer(w: World) -> dict[str, Any]:
    return {"role": Role.COORDINATOR, "is_active": "1"}


def invite_other_org(w: World) -> dict[str, Any]:
    return {"organisation": w.other_org.pk}


def accept(w: World) -> dict[str, Any]:
    return {"action": "accept", "message": "Vi är med"}


def leave(w: World) -> dict[str, Any]:
    return {"message": "Vi lämnar"}


def save_answer(w: World) -> dict[str, Any]:
    question = questions()[1]
    return {f"answer-{question.code}": POSTED_TEXT, f"base-{question.code}": NEW_BASE, "action": "save-later"}


def save_own_answer(w: World) -> dict[str, Any]:
    question = questions(PREREQ_STATUS)[1]
    return {f"answer-{question.code}": POSTED_TEXT, f"base-{question.code}": NEW_BASE, "action": "save-later"}


def save_own_checklist_answer(w: World) -> dict[str, Any]:
    question = questions(CHECKLIST_WHY)[1]
    return {f"answer-{question.code}": POSTED_TEXT, f"base-{question.code}": NEW_BASE, "action": "save-later"}


def share(w: World) -> dict[str, Any]:
    return {"action": "share"}


def complete_phase(w: World) -> dict[str, Any]:
    return {"action": "confirm"}


def rate_principles(w: World) -> dict[str, Any]:
    return {f"rating-{slug}": "samtal" for slug in Principle.objects.values_list("slug", flat=True)}


def claim(w: World) -> dict[str, Any]:
    return {"reason": "Jag är ordförande i stiftelsen."}


def edit_collaboration(w: World) -> dict[str, Any]:
    return {"title": w.collaboration.title, "description": "Ändrad i behörighetstestet"}


def support_list(w: World) -> str:
    return reverse("support_list", args=[w.collaboration.code])


def kommun_support(name: str) -> Url:
    """A URL about the period of support the kommun gives the standing collaboration."""
    return lambda w: reverse(name, args=[w.collaboration.code, Support.objects.get(collaboration=w.collaboration).pk])


def add_support(w: World) -> dict[str, Any]:
    return {
        "organisation": w.kommun.pk,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "kind": "projekt",
        "amount": "250000",
    }


def end_collaboration(w: World) -> dict[str, Any]:
    return {"closing_note": "Avslutad i behörighetstestet"}


def daily_summary(w: World) -> dict[str, Any]:
    return {"email_notifications": "dagligen"}


def email_choice(w: World) -> str:
    return reverse("email_choice")


def assign_officer(w: World) -> dict[str, Any]:
    return {"responsible": w.officer.pk, "due_on": "2027-03-31"}


GET, POST = "GET", "POST"


# --- The agreement: the world has version 1 under review, with a comment on a section. ---


def agreement_url(name: str, *args: Any) -> Url:
    return lambda w: reverse(name, args=[w.collaboration.code, *args])


def agreement_edited(name: str) -> Url:
    """After an edit of the text: a new draft, ready to be sent as version 2."""

    def url(w: World) -> str:
        section = AgreementSection.objects.get(slug="malgrupp")
        text = AgreementText.objects.get(section=section)
        drafting.agreement_save(
            agreement=text.agreement,
            edits=[Edit(slot=section, text="Ändrad målgrupp", base=text.base)],
            writer="behorighet",
            user=w.officer,
            organisation=w.kommun,
        )
        return reverse(name, args=[w.collaboration.code])

    return url


def agreement_adopted(name: str) -> Url:
    """After both parties approved version 1: adopted and locked."""

    def url(w: World) -> str:
        version = AgreementVersion.objects.get(number=1)
        for user, organisation in ((w.coordinator, w.kommun), (w.board_member, w.forening)):
            approval.agreement_approve(version=version, user=user, organisation=organisation)
        return reverse(name, args=[w.collaboration.code])

    return url


def agreement_adopted_version(name: str) -> Url:
    """A URL of version 1, after both parties approved it."""

    def url(w: World) -> str:
        version = AgreementVersion.objects.get(number=1)
        for user, organisation in ((w.coordinator, w.kommun), (w.board_member, w.forening)):
            approval.agreement_approve(version=version, user=user, organisation=organisation)
        return reverse(name, args=[w.collaboration.code, 1])

    return url


def adopt_version_1(w: World) -> None:
    version = AgreementVersion.objects.get(number=1)
    for user, organisation in ((w.coordinator, w.kommun), (w.board_member, w.forening)):
        approval.agreement_approve(version=version, user=user, organisation=organisation)


def kommun_export_create(w: World) -> str:
    """The kommun's batch export, once its agreement with the förening is adopted."""
    adopt_version_1(w)
    return reverse("agreement_export_create", args=[w.kommun.code])


def kommun_export(name: str) -> Url:
    """A finished batch export the kommun's coordinator asked for."""

    def url(w: World) -> str:
        adopt_version_1(w)
        export = batch_export.export_start(
            organisation=w.kommun, user=w.coordinator, collaborations=batch_export.exportable(w.kommun)
        )
        batch_export.build(export)
        return reverse(name, args=[w.kommun.code, export.code])

    return url


def export_all(w: World) -> dict[str, Any]:
    return {"action": "all"}


def agreement_with_newer_answer(w: World) -> str:
    """A process answer written after the draft: the Bakgrund section offers it."""
    write_answer(w.collaboration, questions()[1], "Ett nyare svar", w.officer, w.kommun)
    return reverse("agreement_pull", args=[w.collaboration.code, "bakgrund-och-problembild"])


def agreement_start_with_new_answer(w: World) -> str:
    """A joint answer for an empty section (Målbild och syfte): drafting from the process fills it."""
    write_answer(w.collaboration, Question.objects.get(code="gemensam-bild-resultat"), "Målet", w.officer, w.kommun)
    return reverse("agreement_start", args=[w.collaboration.code])


def party_without_approver(w: World) -> Organisation:
    """An accepted party that nobody in the portal may approve for (no members), added without the workflow."""
    organisation = OrganisationFactory(name="Församlingen Utan Konto")
    PartyFactory(collaboration=w.collaboration, organisation=organisation, state=PartyState.ACCEPTED)
    return organisation


def agreement_invite_approver(w: World) -> str:
    organisation = party_without_approver(w)
    return reverse("agreement_invite_approver", args=[w.collaboration.code, organisation.code])


def first_approver(w: World) -> dict[str, Any]:
    return {"email": "ordforande@forsamlingen.se"}


def agreement_register_approval(w: World) -> str:
    """Version 2 names a party nobody in the portal may approve for: its approval can be registered."""
    organisation = party_without_approver(w)
    agreement_edited("agreement_send")(w)
    versions.agreement_send(agreement=Agreement.objects.get(), user=w.officer, organisation=w.kommun)
    return reverse("agreement_register_approval", args=[w.collaboration.code, 2, organisation.code])


def registered_decision(w: World) -> dict[str, Any]:
    return {
        "person_name": "Maja Ordförande",
        "role_title": "Ordförande",
        "decided_on": timezone.localdate().isoformat(),
        "decision_reference": "Församlingsrådet 2026-11-24 § 7",
        "version_hash": AgreementVersion.objects.get(number=2).sha256[:12],
        "confirm": "on",
    }


def agreement_kommun_invite_approver(w: World) -> str:
    """The förening has people who may approve: nobody invites its "first approver"."""
    return reverse("agreement_invite_approver", args=[w.collaboration.code, w.forening.code])


def agreement_register_forening(w: World) -> str:
    """The förening approves for itself: nobody registers an approval for it."""
    agreement_register_approval(w)
    return reverse("agreement_register_approval", args=[w.collaboration.code, 2, w.forening.code])


def agreement_kommun_party(w: World) -> str:
    return reverse("agreement_party", args=[w.collaboration.code, w.kommun.code])


def agreement_comment_resolve(w: World) -> str:
    comment = AgreementComment.objects.get()
    return reverse("agreement_comment_resolve", args=[w.collaboration.code, 1, comment.code])


def edit_agreement(w: World) -> dict[str, Any]:
    return {"answer-malbild-och-syfte": POSTED_TEXT, "base-malbild-och-syfte": NEW_BASE, "action": "save"}


def draft_from_process(w: World) -> dict[str, Any]:
    return {"action": "from-process"}


def pull_answers(w: World) -> dict[str, Any]:
    return {"base": str(AgreementText.objects.get(section__slug="bakgrund-och-problembild").base)}


def approve_version(w: World) -> dict[str, Any]:
    return {"decision_reference": "Beslut i behörighetstestet"}


def ask_for_changes(w: World) -> dict[str, Any]:
    return {"message": "Ändra målgruppen"}


def comment_section(w: World) -> dict[str, Any]:
    return {"section": "malgrupp", "text": POSTED_TEXT}


def party_reference(w: World) -> dict[str, Any]:
    return {"reference": "KS 2026/123"}


def draft_discard(w: World) -> str:
    return reverse("draft_discard")


def officers_empty_collaboration(w: World) -> str:
    """A collaboration the officer started for the kommun alone, with nothing written in it yet."""
    collaboration = CollaborationFactory(title="Startad av misstag", parties=[w.kommun], created_by=w.officer)
    return reverse("collaboration_delete", args=[collaboration.code])


def delete_standing(w: World) -> str:
    """The standing collaboration: another party has joined, so nobody may delete it."""
    Collaboration.objects.filter(pk=w.collaboration.pk).update(created_by=w.officer)
    return reverse("collaboration_delete", args=[w.collaboration.code])


# fmt: off
ROWS: list[Row] = [
    # The collaboration and its process: parties that have accepted, nobody else.
    Row("collaboration_detail", GET,  collaboration_detail, PARTY_PAGE),
    Row("collaboration_detail", POST, collaboration_detail, NOT_THIS_METHOD),
    Row("form_chooser",         GET,  form_chooser,         PARTY_PAGE),
    Row("form_chooser",         POST, form_chooser,         PARTY_ACTION, choose_form),
    Row("task_list",            GET,  task_list,            PARTY_PAGE),
    Row("task_list",            GET,  checklist,            PARTY_PAGE),
    Row("task_list",            POST, task_list,            NOT_THIS_METHOD),
    Row("step",                 GET,  step,                 PARTY_PAGE),
    Row("step",                 POST, step,                 PARTY_ACTION, save_answer),
    Row("guide_review",         GET,  guide_review,         PARTY_PAGE),
    Row("guide_review",         POST, guide_review,         NOT_THIS_METHOD),
    # PDF downloads. Each party's copy holds only what it may read (tests/collaboration/test_pdf_downloads.py).
    Row("checklist_pdf",        GET,  checklist_pdf,        PARTY_PAGE),
    Row("checklist_pdf",        GET,  own_checklist_pdf,    PARTY_PAGE),
    Row("checklist_pdf",        POST, checklist_pdf,        NOT_THIS_METHOD),
    Row("checklist_blank_pdf",  GET,  checklist_blank_pdf,  PARTY_PAGE),
    Row("checklist_blank_pdf",  POST, checklist_blank_pdf,  NOT_THIS_METHOD),
    Row("phase_review",         GET,  phase_review,         PARTY_PAGE),
    Row("phase_review",         POST, phase_review,         PARTY_ACTION, complete_phase),
    Row("step_history",         GET,  step_history,         PARTY_PAGE),
    Row("step_history",         POST, step_history,         NOT_THIS_METHOD),
    Row("revision_detail",      GET,  revision_detail,      PARTY_PAGE),
    Row("revision_detail",      POST, revision_detail,      NOT_THIS_METHOD),
    Row("principle_check",      GET,  principle_check,      PARTY_PAGE),
    Row("principle_check",      POST, principle_check,      NOT_THIS_METHOD),
    Row("principle_rate",       GET,  principle_rate,       PARTY_PAGE),
    Row("principle_rate",       POST, principle_rate,       PARTY_ACTION, rate_principles),
    # Own workspaces: each party writes its own checklist; only the public parties see their prerequisites.
    Row("step",                 GET,  checklist_step,         PARTY_PAGE),
    Row("step",                 POST, checklist_step,         PARTY_ACTION, save_own_checklist_answer),
    Row("step_history",         GET,  checklist_history,      PARTY_PAGE),
    Row("revision_detail",      GET,  forenings_checklist_revision, FORENING_PAGE),
    Row("step",                 GET,  prerequisites_step,     KOMMUN_PAGE),
    Row("step",                 POST, prerequisites_step,     KOMMUN_ACTION, save_own_answer),
    Row("step_history",         GET,  prerequisites_history,  KOMMUN_PAGE),
    Row("revision_detail",      GET,  prerequisites_revision, KOMMUN_PAGE),
    Row("phase_review",         GET,  prerequisites_review,   KOMMUN_PAGE),
    Row("phase_compare",        GET,  phase_compare,          PARTY_PAGE),
    Row("phase_compare",        POST, phase_compare,          NOT_THIS_METHOD),
    Row("phase_compare",        GET,  prerequisites_compare,  NOBODY),
    Row("phase_share",          GET,  phase_share,            NOT_THIS_METHOD),
    Row("phase_share",          POST, phase_share,            PARTY_ACTION, share),
    Row("phase_share",          POST, prerequisites_share,    NOBODY, share),
    Row("party_invite",         GET,  party_invite,         PARTY_PAGE),
    Row("party_invite",         POST, party_invite,         PARTY_ACTION, invite_other_org),
    # Consent: only the invited organisation's coordinator (or civil board) answers; declined and left see nothing.
    #                                                                officer board coord civil outsider invited declined left anonymous
    Row("party_invitation",     GET,  invitation_of("invited_org"),  (404,   404,  404,  404,  404,     200,    404,     404, 302)),
    Row("party_invitation",     POST, invitation_of("invited_org"),  (404,   404,  404,  404,  404,     302,    404,     404, 302), accept),
    Row("party_invitation",     GET,  invitation_of("declined_org"), NOBODY),
    Row("party_invitation",     POST, invitation_of("declined_org"), NOBODY, accept),
    Row("party_invitation",     GET,  invitation_of("left_org"),     NOBODY),
    Row("party_invitation",     POST, invitation_of("left_org"),     NOBODY, accept),
    Row("party_leave",          GET,  leave_for("forening"),         (404,   200,  404,  200,  404,     404,    404,     404, 302)),
    Row("party_leave",          POST, leave_for("forening"),         (404,   302,  404,  302,  404,     404,    404,     404, 302), leave),
    Row("party_leave",          GET,  leave_for("kommun"),           (404,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("party_leave",          POST, leave_for("invited_org"),      NOBODY, leave),
    # Who does what, and the collaboration's own life: any member of an accepted party.
    Row("step_assign",          GET,  step_assign,          PARTY_PAGE),
    Row("step_assign",          POST, step_assign,          PARTY_ACTION, assign_officer),
    Row("collaboration_edit",   GET,  collaboration_edit,   PARTY_PAGE),
    Row("collaboration_edit",   POST, collaboration_edit,   PARTY_ACTION, edit_collaboration),
    Row("collaboration_end",    GET,  collaboration_end,    PARTY_PAGE),
    Row("collaboration_end",    POST, collaboration_end,    PARTY_ACTION, end_collaboration),
    # The support on record: every party reads it, the public party's people write what it gives.
    Row("support_list",         GET,  support_list,         PARTY_PAGE),
    Row("support_list",         POST, support_list,         KOMMUN_ACTION, add_support),
    Row("support_edit",         GET,  kommun_support("support_edit"),   KOMMUN_PAGE),
    Row("support_edit",         POST, kommun_support("support_edit"),   KOMMUN_ACTION, add_support),
    Row("support_delete",       GET,  kommun_support("support_delete"), KOMMUN_PAGE),
    Row("support_delete",       POST, kommun_support("support_delete"), KOMMUN_ACTION),
    Row("collaboration_archive", GET, collaboration_archive, NOT_THIS_METHOD),
    Row("collaboration_archive", POST, collaboration_archive, PARTY_ACTION),
    Row("collaboration_reopen", GET,  reopen_ended,         NOT_THIS_METHOD),
    Row("collaboration_reopen", POST, reopen_ended,         PARTY_ACTION),
    Row("activity_log",         GET,  activity_log,         PARTY_PAGE),
    Row("activity_log",         POST, activity_log,         NOT_THIS_METHOD),
    # Anyone signed in.
    Row("collaboration_create", GET,  collaboration_create,      SIGNED_IN_PAGE),
    Row("collaboration_create", POST, collaboration_create,      SIGNED_IN_ACTION, new_collaboration),
    Row("organisation_list",    GET,  organisation_list,         SIGNED_IN_PAGE),
    Row("organisation_list",    POST, organisation_list,         NOT_THIS_METHOD),
    Row("organisation_claim",   GET,  claim_registered,          SIGNED_IN_PAGE),
    Row("organisation_claim",   POST, claim_registered,          SIGNED_IN_ACTION, claim),
    Row("email_choice",         GET,  email_choice,              SIGNED_IN_PAGE),
    Row("email_choice",         POST, email_choice,              SIGNED_IN_ACTION, daily_summary),
    # Organisations: their coordinators; the registering side only until the partner has its own coordinator.
    #                                                                       officer board coord civil outsider invited declined left anonymous
    Row("organisation_create",  GET,  organisation_create,                  (403,   403,  200,  200,  200,     200,    200,     200, 302)),
    Row("organisation_create",  POST, organisation_create,                  (403,   403,  302,  302,  302,     302,    302,     302, 302), new_organisation),
    Row("organisation_detail",  GET,  detail_of("kommun"),                  (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("organisation_detail",  POST, detail_of("kommun"),                  NOT_THIS_METHOD),
    Row("organisation_detail",  GET,  detail_of("registered"),              (404,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("organisation_detail",  GET,  detail_of("adopted"),                 NOBODY),
    Row("invitation_create",    GET,  invitation_create_for("kommun"),      (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("invitation_create",    POST, invitation_create_for("kommun"),      (403,   404,  302,  404,  404,     404,    404,     404, 302), new_invitation),
    Row("invitation_create",    POST, invitation_create_for("registered"),  (404,   404,  302,  404,  404,     404,    404,     404, 302), new_invitation),
    Row("invitation_create",    POST, invitation_create_for("adopted"),     NOBODY, new_invitation),
    Row("membership_edit",      GET,  kommun_officer_membership,            (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("membership_edit",      POST, kommun_officer_membership,            (403,   404,  302,  404,  404,     404,    404,     404, 302), promote_officer),
    Row("invitation_revoke",    GET,  kommun_invitation_revoke,             NOT_THIS_METHOD),
    Row("invitation_revoke",    POST, kommun_invitation_revoke,             (403,   404,  302,  404,  404,     404,    404,     404, 302)),
    Row("invitation_revoke",    POST, registered_invitation_revoke,         (404,   404,  302,  404,  404,     404,    404,     404, 302)),
    # The overview is for the organisation's members; statistics, mapping and exports for its
    # coordinators (other members 403); everyone else 404, coordinators of partner organisations too.
    #                                                                                      officer board coord civil outsider invited declined left anonymous
    Row("overview",             GET,  overview_of("overview", "kommun"),                   (200,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("overview",             GET,  overview_of("overview", "forening"),                 (404,   200,  404,  200,  404,     404,    404,     404, 302)),
    Row("overview",             GET,  overview_of("overview", "registered"),               NOBODY),
    Row("overview",             POST, overview_of("overview", "kommun"),                   NOT_THIS_METHOD),
    Row("overview_statistics",  GET,  overview_of("overview_statistics", "kommun"),        (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("overview_statistics",  GET,  overview_of("overview_statistics", "forening"),      (404,   403,  404,  200,  404,     404,    404,     404, 302)),
    Row("overview_statistics",  POST, overview_of("overview_statistics", "kommun"),        NOT_THIS_METHOD),
    Row("overview_mapping",     GET,  overview_of("overview_mapping", "kommun"),           (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("overview_mapping",     POST, overview_of("overview_mapping", "kommun"),           NOT_THIS_METHOD),
    Row("overview_export",      GET,  overview_of("overview_export", "kommun"),            (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("overview_export",      POST, overview_of("overview_export", "kommun"),            NOT_THIS_METHOD),
    Row("organisation_edit",    GET,  overview_of("organisation_edit", "kommun"),          (403,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("organisation_edit",    POST, overview_of("organisation_edit", "kommun"),          (403,   404,  302,  404,  404,     404,    404,     404, 302), local_compact),
    Row("organisation_edit",    GET,  overview_of("organisation_edit", "registered"),      NOBODY),
    # Drafts of signed-out posts and the language of mail. draft_discard's POST changes only the session (tests/portal/test_drafts.py).
    Row("agreement_detail",     GET,  agreement_url("agreement_detail"),  PARTY_PAGE),
    Row("agreement_detail",     POST, agreement_url("agreement_detail"),  NOT_THIS_METHOD),
    Row("agreement_start",      GET,  agreement_url("agreement_start"),   NOT_THIS_METHOD),
    Row("agreement_start",      POST, agreement_start_with_new_answer,    PARTY_ACTION, draft_from_process),
    Row("agreement_edit",       GET,  agreement_url("agreement_edit"),    PARTY_PAGE),
    Row("agreement_edit",       POST, agreement_url("agreement_edit"),    PARTY_ACTION, edit_agreement),
    Row("agreement_send",       GET,  agreement_edited("agreement_send"), PARTY_PAGE),
    Row("agreement_send",       POST, agreement_edited("agreement_send"), PARTY_ACTION),
    Row("agreement_revise",     GET,  agreement_adopted("agreement_revise"), NOT_THIS_METHOD),
    Row("agreement_revise",     POST, agreement_adopted("agreement_revise"), PARTY_ACTION),
    Row("agreement_diff",       GET,  agreement_url("agreement_diff"),    PARTY_PAGE),
    Row("agreement_pull",       GET,  agreement_with_newer_answer,        NOT_THIS_METHOD),
    Row("agreement_pull",       POST, agreement_with_newer_answer,        PARTY_ACTION, pull_answers),
    Row("agreement_party",      GET,  agreement_kommun_party,             KOMMUN_PAGE),
    Row("agreement_party",      POST, agreement_kommun_party,             KOMMUN_ACTION, party_reference),
    # A party nobody may approve for: a public party's coordinator invites its first approver, or registers
    # an approval decided outside the portal (tests/collaboration/test_agreement_outside_approval.py).
    #                                                                       officer board coord civil outsider invited declined left anonymous
    Row("agreement_invite_approver",  GET,  agreement_invite_approver,      (404,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("agreement_invite_approver",  POST, agreement_invite_approver,      (404,   404,  302,  404,  404,     404,    404,     404, 302), first_approver),
    Row("agreement_invite_approver",  GET,  agreement_kommun_invite_approver, NOBODY),
    Row("agreement_register_approval", GET, agreement_register_approval,    (404,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("agreement_register_approval", POST, agreement_register_approval,   (404,   404,  302,  404,  404,     404,    404,     404, 302), registered_decision),
    Row("agreement_register_approval", GET, agreement_register_forening,    NOBODY),
    # A post names a party that has its own approvers: refused, and the page says why (nothing stored).
    Row("agreement_register_approval", POST, agreement_register_forening,   (404,   404,  409,  404,  404,     404,    404,     404, 302), registered_decision),
    Row("agreement_version",    GET,  agreement_url("agreement_version", 1), PARTY_PAGE),
    Row("agreement_version",    POST, agreement_url("agreement_version", 1), NOT_THIS_METHOD),
    Row("agreement_version",    GET,  agreement_url("agreement_version", 2), NOBODY),
    # The agreement as PDF. Version 1 is under review: it has no archive copy until it is adopted.
    Row("agreement_version_pdf", GET,  agreement_url("agreement_version_pdf", 1), PARTY_PAGE),
    Row("agreement_version_pdf", POST, agreement_url("agreement_version_pdf", 1), NOT_THIS_METHOD),
    Row("agreement_version_pdf", GET,  agreement_url("agreement_version_pdf", 2), NOBODY),
    Row("agreement_archive_pdf", GET,  agreement_url("agreement_archive_pdf", 1), NOBODY),
    Row("agreement_archive_pdf", GET,  agreement_adopted_version("agreement_archive_pdf"), PARTY_PAGE),
    Row("agreement_archive_pdf", POST, agreement_adopted_version("agreement_archive_pdf"), NOT_THIS_METHOD),
    Row("agreement_draft_pdf",  GET,  agreement_url("agreement_draft_pdf"), PARTY_PAGE),
    Row("agreement_draft_pdf",  POST, agreement_url("agreement_draft_pdf"), NOT_THIS_METHOD),
    Row("agreement_approve",    GET,  agreement_url("agreement_approve", 1), NOT_THIS_METHOD, signs_in_to=agreement_url("agreement_version", 1)),
    Row("agreement_approve",    POST, agreement_url("agreement_approve", 1), (403,   302,  302,  302,  404,     404,    404,     404, 302), approve_version, agreement_url("agreement_version", 1)),
    Row("agreement_request_changes", GET,  agreement_url("agreement_request_changes", 1), NOT_THIS_METHOD, signs_in_to=agreement_url("agreement_version", 1)),
    Row("agreement_request_changes", POST, agreement_url("agreement_request_changes", 1), PARTY_ACTION, ask_for_changes, agreement_url("agreement_version", 1)),
    Row("agreement_comment",    GET,  agreement_url("agreement_comment", 1), NOT_THIS_METHOD, signs_in_to=agreement_url("agreement_version", 1)),
    Row("agreement_comment",    POST, agreement_url("agreement_comment", 1), PARTY_ACTION, comment_section, agreement_url("agreement_version", 1)),
    Row("agreement_comment_resolve", GET,  agreement_comment_resolve,     NOT_THIS_METHOD),
    Row("agreement_comment_resolve", POST, agreement_comment_resolve,     PARTY_ACTION),
    # A coordinator's batch export of the organisation's adopted agreements, for that coordinator only.
    #                                                                       officer board coord civil outsider invited declined left anonymous
    Row("agreement_export_create", GET,  kommun_export_create,              (404,   404,  200,  404,  404,     404,    404,     404, 302)),
    Row("agreement_export_create", POST, kommun_export_create,              (404,   404,  302,  404,  404,     404,    404,     404, 302), export_all),
    Row("agreement_export_detail", GET,  kommun_export("agreement_export_detail"), (404, 404, 200, 404, 404,     404,    404,     404, 302)),
    Row("agreement_export_detail", POST, kommun_export("agreement_export_detail"), NOT_THIS_METHOD),
    Row("agreement_export_download", GET, kommun_export("agreement_export_download"), (404, 404, 200, 404, 404,  404,    404,     404, 302)),
    Row("agreement_export_download", POST, kommun_export("agreement_export_download"), NOT_THIS_METHOD),
    Row("draft_discard",        GET,  draft_discard,                NOT_THIS_METHOD),
    Row("collaboration_delete", GET,  officers_empty_collaboration, (200,   404,  404,  404,  404,     404,    404,     404, 302)),
    Row("collaboration_delete", POST, officers_empty_collaboration, (302,   404,  404,  404,  404,     404,    404,     404, 302)),
    Row("collaboration_delete", GET,  delete_standing,              NOBODY),
    Row("collaboration_delete", POST, delete_standing,              NOBODY),
]
# fmt: on

# Pages anyone may open, signed in or not, with a URL to try methods on.
PUBLIC_PAGES: dict[str, Url] = {
    "home": lambda w: reverse("home"),
    "healthz": lambda w: reverse("healthz"),
    "login": lambda w: reverse("login"),
    "logout": lambda w: reverse("logout"),
    "password_reset": lambda w: reverse("password_reset"),
    "password_reset_done": lambda w: reverse("password_reset_done"),
    "password_reset_confirm": lambda w: reverse("password_reset_confirm", args=["MQ", "ogiltig-token"]),
    "password_reset_complete": lambda w: reverse("password_reset_complete"),
    "form_list": lambda w: reverse("form_list"),
    "form_detail": lambda w: reverse("form_detail", args=["dialog"]),
    "principle_list": lambda w: reverse("principle_list"),
    # The signed token in every notification mail is the key (tests/portal/test_notifications.py).
    "email_choice_link": lambda w: reverse("email_choice_link", args=[choice_token(w.officer)]),
    # The token is the key: anyone holding the link may open it.
    "invitation_accept": lambda w: reverse(
        "invitation_accept",
        args=[
            Invitation.issue(organisation=w.kommun, email="ny@exempel.se", role=Role.OFFICER, invited_by=w.coordinator)[
                1
            ]
        ],
    ),
}

CASES = [
    pytest.param(row, role, expected, id=f"{row.name}-{row.method}-{role}-{index}")
    for index, row in enumerate(ROWS)
    for role, expected in zip(ROLES, row.statuses, strict=True)
]


def build_world() -> World:
    """The cast, with something in every table: a waiting invitation, an answer with history, phase 1's steps done,
    organisations invited to, declining and leaving the collaboration, and two the kommun registered."""
    cast = make_cast()
    Invitation.issue(organisation=cast.kommun, email=PENDING_EMAIL, role=Role.OFFICER, invited_by=cast.coordinator)
    write_answer(cast.collaboration, questions()[0], "Ett befintligt svar", cast.officer, cast.kommun)
    mark_steps(cast.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    # Own answers: the kommun's prerequisites, and the förening's checklist, not shared.
    write_answer(
        cast.collaboration, questions(PREREQ_STATUS)[0], "Kommunens egna", cast.officer, cast.kommun, party=cast.kommun
    )
    write_answer(
        cast.collaboration,
        questions(CHECKLIST_WHY)[0],
        "Föreningens egna",
        cast.board_member,
        cast.forening,
        party=cast.forening,
    )

    people: dict[str, Any] = {}
    for key, name, state in [
        ("invited", "Föreningen Inbjuden", PartyState.INVITED),
        ("declined", "Föreningen Nej Tack", PartyState.DECLINED),
        ("left", "Föreningen Lämnade", PartyState.LEFT),
    ]:
        organisation = OrganisationFactory(name=name)
        people[f"{key}_org"] = organisation
        people[key] = MembershipFactory(organisation=organisation, role=Role.COORDINATOR).user
        PartyFactory(collaboration=cast.collaboration, organisation=organisation, state=state, invited_by=cast.officer)

    # The agreement: drafted from the process, a section written, version 1 sent, a comment on it.
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=True
    )
    malgrupp = AgreementSection.objects.get(slug="malgrupp")
    drafting.agreement_save(
        agreement=agreement,
        edits=[Edit(slot=malgrupp, text="Barn i årskurs 4–6", base=Base(0, text_digest("")))],
        writer="behorighet",
        user=cast.officer,
        organisation=cast.kommun,
    )
    _, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert version is not None
    review.agreement_comment(
        version=version, user=cast.board_member, organisation=cast.forening, section_slug="malgrupp", text="Vilka?"
    )

    support_workflows.support_add(
        collaboration=cast.collaboration,
        organisation=cast.kommun,
        user=cast.officer,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        kind="verksamhet",
        amount=120_000,
        premises=True,
    )

    registered = OrganisationFactory(name="Stiftelsen Ny Partner", registered_by=cast.kommun, verified_at=None)
    Invitation.issue(organisation=registered, email=PARTNER_EMAIL, role=Role.COORDINATOR, invited_by=cast.coordinator)
    adopted = OrganisationFactory(name="Stiftelsen Egen", registered_by=cast.kommun, verified_at=None)
    MembershipFactory(organisation=adopted, role=Role.COORDINATOR)
    Invitation.issue(organisation=adopted, email="medlem@egen.se", role=Role.OFFICER, invited_by=cast.coordinator)
    world = World(
        **{f.name: getattr(cast, f.name) for f in dataclasses.fields(cast)},
        **people,
        registered=registered,
        adopted=adopted,
    )
    for role in ROLES:
        if role != ANONYMOUS:
            client = client_for(getattr(world, role))
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def built_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per module (and xdist worker) inside a transaction that is rolled back at the end.

    Building it (users, answers, an agreement with a version) cost more than most requests in the table, and
    the table has over a thousand cases. Each test still starts from the world exactly as built: pytest-django
    runs every test in a savepoint inside this transaction and rolls it back afterwards, so whatever a test,
    its URL function or its POST changed is gone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_loaded()  # a transactional test that ran before on this worker may have flushed the content
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(built_world: World, db: None, settings: Any, tmp_path: Path) -> World:
    """The shared world, for one test: its own copies of the objects, and its own storage.

    The copies keep a test's changes to an instance from reaching the next test, as a freshly built world would.
    Stored PDFs are named by the collaboration's code, which the shared world keeps from test to test: with a
    storage of its own, each test renders the documents it asks for instead of reading another test's copy.
    """
    settings.MEDIA_ROOT = tmp_path
    return copy.deepcopy(built_world)


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_access(world, row: Row, role: str, expected: int):
    # The URL first: it may set the scene (send a version) that the posted data names (its hash).
    url = row.url(world)
    data = row.data(world) if row.data else None
    signs_in_to = row.signs_in_to(world) if row.signs_in_to else None
    assert_access(world, role, row.method, url, expected, data, signs_in_to)


def named_urls() -> set[str]:
    """Every named URL the resolver knows, as reverse() spells it, without the admin's."""
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.name.startswith("static"):
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_the_table_covers_every_named_url():
    """A URL added without rows (or without a place among the public pages) fails here."""
    covered = {row.name for row in ROWS} | set(PUBLIC_PAGES)
    missing = named_urls() - covered
    assert not missing, f"add rows to ROWS in {__file__} for: {sorted(missing)}"
    assert not set(PUBLIC_PAGES) & {row.name for row in ROWS}, "a page is either public or in the table"


def test_the_table_names_only_urls_that_exist():
    assert {row.name for row in ROWS} | set(PUBLIC_PAGES) <= named_urls()


def every_url() -> list[Any]:
    first_row = {}
    for row in ROWS:
        first_row.setdefault(row.name, row)
    return [pytest.param(name, row.url, id=name) for name, row in first_row.items()] + [
        pytest.param(name, url, id=name) for name, url in PUBLIC_PAGES.items()
    ]


@pytest.mark.parametrize(("name", "url"), every_url())
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_every_url_refuses_methods_it_does_not_take(world, name: str, url: Url, method: str):
    """Every view declares its methods: one that takes GET and POST still refuses the others, and changes nothing."""
    path = url(world)
    before = snapshot(world)
    # A coordinator of the kommun reaches every page that needs someone signed in.
    response = client_as(world, "coordinator").generic(method, path)
    assert response.status_code == 405, f"{method} {path}"
    assert snapshot(world) == before


def test_a_former_member_is_treated_as_an_outsider(world):
    Membership.objects.filter(user=world.officer).update(is_active=False)
    assert_access(world, "officer", GET, collaboration_detail(world), 404)
    assert_access(world, "officer", POST, form_chooser(world), 404, choose_form(world))
    assert_access(world, "officer", GET, detail_of("kommun")(world), 404)


def test_a_former_coordinator_cannot_manage_the_organisation(world):
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    assert_access(world, "coordinator", GET, detail_of("kommun")(world), 404)
    assert_access(world, "coordinator", POST, kommun_officer_membership(world), 404, promote_officer(world))
    assert_access(world, "coordinator", POST, kommun_invitation_revoke(world), 404)


def test_a_deactivated_account_is_signed_out_everywhere(world):
    client = client_as(world, "officer")
    type(world.officer).objects.filter(pk=world.officer.pk).update(is_active=False)
    response = client.get(collaboration_detail(world))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={collaboration_detail(world)}"


def test_an_allowed_answer_to_an_invitation_is_what_changed(world):
    """The matrix's 'something changed' for the invitation row is the party's state, nothing broader."""
    assert_access(world, "invited", POST, invitation_of("invited_org")(world), 302, accept(world))
    party = Party.objects.get(collaboration=world.collaboration, organisation=world.invited_org)
    assert party.state == PartyState.ACCEPTED
    assert_access(world, "invited", GET, collaboration_detail(world), 200)
    assert_access(world, "invited", GET, step(world), 200)

"""Who may open and change what: one table of URL × method × role → status.

Rules the table encodes:

* party members (of either party, any role) may use the collaboration's pages;
  a member of an unrelated organisation gets 404, so the portal never confirms
  that the collaboration exists;
* an organisation's pages are for its coordinators: its other members get 403,
  everyone else 404;
* a visitor who is not signed in is sent to sign in;
* read-only pages answer 405 to a POST, action URLs 405 to a GET;
* a refused request changes nothing, an allowed POST changes something.

To cover more URLs, add rows to a table like ``ROWS`` and run them through
``assert_access``; ``client_as`` gives the client for a role of the cast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import (
    Collaboration,
    FormChoice,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    Role,
    Sector,
)
from tests.conftest import Cast, client_for
from tests.factories import organisation_number

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
# The order of the status columns in every row.
ROLES = ["officer", "board_member", "coordinator", "civil_coordinator", "outsider", ANONYMOUS]
PENDING_EMAIL = "vantar@exempel.se"


def client_as(cast: Cast, role: str) -> Client:
    """A client signed in as `role` of the cast (one of ROLES), or not signed in for ANONYMOUS."""
    return client_for(None if role == ANONYMOUS else getattr(cast, role))


def snapshot(cast: Cast) -> tuple[Any, ...]:
    """Everything a request in the table could change."""
    return (
        sorted(Collaboration.objects.values_list("pk", "title", "form_id")),
        sorted(Party.objects.values_list("collaboration_id", "organisation_id")),
        sorted(Organisation.objects.values_list("pk", "organisation_number")),
        sorted(Membership.objects.values_list("pk", "role", "is_active")),
        sorted(Invitation.objects.pending().values_list("pk", "email", "role")),
        FormChoice.objects.count(),
    )


Url = Callable[[Cast], str]
Data = Callable[[Cast], dict[str, Any]]


class Row(NamedTuple):
    name: str
    method: str
    url: Url
    statuses: tuple[int, ...]  # one per role, in the order of ROLES
    data: Data | None = None  # what a POST sends; nothing by default


def assert_access(cast: Cast, role: str, method: str, url: str, expected: int, data: dict[str, Any] | None = None):
    """Request `url` as `role` and check the status, where a redirect goes and whether anything changed."""
    before = snapshot(cast)
    client = client_as(cast, role)
    response = client.get(url) if method == "GET" else client.post(url, data or {})

    assert response.status_code == expected, f"{role} {method} {url}"
    if expected == 302:
        signing_in = response.url.startswith(reverse("login"))
        assert signing_in == (role == ANONYMOUS), response.url
        if signing_in:
            assert response.url == f"{reverse('login')}?next={url}"
    if method == "POST" and expected == 302 and role != ANONYMOUS:
        assert snapshot(cast) != before, "an allowed POST should have changed something"
    else:
        assert snapshot(cast) == before, "a refused request or a GET must not change anything"
    if expected == 404:
        assert cast.collaboration.title not in response.text
    return response


# --- URLs ------------------------------------------------------------------


def collaboration_detail(cast: Cast) -> str:
    return reverse("collaboration_detail", args=[cast.collaboration.code])


def form_chooser(cast: Cast) -> str:
    return reverse("form_chooser", args=[cast.collaboration.code])


def collaboration_create(cast: Cast) -> str:
    return reverse("collaboration_create")


def organisation_list(cast: Cast) -> str:
    return reverse("organisation_list")


def organisation_create(cast: Cast) -> str:
    return reverse("organisation_create")


def kommun_detail(cast: Cast) -> str:
    return reverse("organisation_detail", args=[cast.kommun.code])


def kommun_invitation_create(cast: Cast) -> str:
    return reverse("invitation_create", args=[cast.kommun.code])


def kommun_officer_membership(cast: Cast) -> str:
    membership = Membership.objects.get(user=cast.officer, organisation=cast.kommun)
    return reverse("membership_edit", args=[cast.kommun.code, membership.code])


def kommun_invitation_revoke(cast: Cast) -> str:
    invitation = Invitation.objects.get(organisation=cast.kommun, email=PENDING_EMAIL)
    return reverse("invitation_revoke", args=[cast.kommun.code, invitation.pk])


# --- what the POSTs send: real requests, so that a missing check would change something ---


def choose_form(cast: Cast) -> dict[str, Any]:
    answers = dict.fromkeys(
        ["temporary", "established", "general_support", "market", "shared_challenge", "input_wanted"], "nej"
    )
    return {**answers, "initiative": "gemensamt", "action": "choose", "chosen_form": "dialog", "reason": "Behörighet"}


def new_collaboration(cast: Cast) -> dict[str, Any]:
    return {"title": "Ny i behörighetstestet", "public_party": cast.kommun.pk, "civil_parties": [cast.forening.pk]}


def new_organisation(cast: Cast) -> dict[str, Any]:
    return {
        "name": "Stiftelsen Behörighet",
        "kind": OrganisationKind.STIFTELSE,
        "sector": Sector.CIVIL,
        "organisation_number": organisation_number(90_100),
    }


def new_invitation(cast: Cast) -> dict[str, Any]:
    return {"email": "inbjuden@exempel.se", "role": Role.COORDINATOR}


def promote_officer(cast: Cast) -> dict[str, Any]:
    return {"role": Role.COORDINATOR, "is_active": "1"}


GET, POST = "GET", "POST"

# fmt: off
ROWS: list[Row] = [
    #                                                         officer board coord civil outsider anonymous
    Row("collaboration_detail", GET,  collaboration_detail,     (200,   200,  200,  200,  404,     302)),
    Row("collaboration_detail", POST, collaboration_detail,     (405,   405,  405,  405,  405,     302)),
    Row("form_chooser",         GET,  form_chooser,             (200,   200,  200,  200,  404,     302)),
    Row("form_chooser",         POST, form_chooser,             (302,   302,  302,  302,  404,     302), choose_form),
    Row("collaboration_create", GET,  collaboration_create,     (200,   200,  200,  200,  200,     302)),
    Row("collaboration_create", POST, collaboration_create,     (302,   302,  302,  302,  302,     302), new_collaboration),
    Row("organisation_list",    GET,  organisation_list,        (200,   200,  200,  200,  200,     302)),
    Row("organisation_list",    POST, organisation_list,        (405,   405,  405,  405,  405,     302)),
    Row("organisation_create",  GET,  organisation_create,      (403,   403,  200,  200,  200,     302)),
    Row("organisation_create",  POST, organisation_create,      (403,   403,  302,  302,  302,     302), new_organisation),
    Row("organisation_detail",  GET,  kommun_detail,            (403,   404,  200,  404,  404,     302)),
    Row("organisation_detail",  POST, kommun_detail,            (405,   405,  405,  405,  405,     302)),
    Row("invitation_create",    GET,  kommun_invitation_create, (403,   404,  200,  404,  404,     302)),
    Row("invitation_create",    POST, kommun_invitation_create, (403,   404,  302,  404,  404,     302), new_invitation),
    Row("membership_edit",      GET,  kommun_officer_membership, (403,  404,  200,  404,  404,     302)),
    Row("membership_edit",      POST, kommun_officer_membership, (403,  404,  302,  404,  404,     302), promote_officer),
    Row("invitation_revoke",    GET,  kommun_invitation_revoke, (405,   405,  405,  405,  405,     302)),
    Row("invitation_revoke",    POST, kommun_invitation_revoke, (403,   404,  302,  404,  404,     302)),
]
# fmt: on

CASES = [
    pytest.param(row, role, expected, id=f"{row.name}-{row.method}-{role}")
    for row in ROWS
    for role, expected in zip(ROLES, row.statuses, strict=True)
]


@pytest.fixture
def world(cast: Cast) -> Cast:
    """The cast, with an invitation to the kommun waiting for an answer."""
    Invitation.issue(organisation=cast.kommun, email=PENDING_EMAIL, role=Role.OFFICER, invited_by=cast.coordinator)
    return cast


@pytest.mark.parametrize(("row", "role", "expected"), CASES)
def test_access(world, row: Row, role: str, expected: int):
    data = row.data(world) if row.data else None
    assert_access(world, role, row.method, row.url(world), expected, data)


def test_the_table_covers_every_collaboration_and_organisation_url():
    covered = {row.name for row in ROWS}
    assert covered >= {
        "collaboration_detail",
        "form_chooser",
        "collaboration_create",
        "organisation_list",
        "organisation_create",
        "organisation_detail",
        "invitation_create",
        "membership_edit",
        "invitation_revoke",
    }


def test_a_former_member_is_treated_as_an_outsider(world):
    Membership.objects.filter(user=world.officer).update(is_active=False)
    assert_access(world, "officer", GET, collaboration_detail(world), 404)
    assert_access(world, "officer", POST, form_chooser(world), 404, choose_form(world))
    assert_access(world, "officer", GET, kommun_detail(world), 404)


def test_a_former_coordinator_cannot_manage_the_organisation(world):
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    assert_access(world, "coordinator", GET, kommun_detail(world), 404)
    assert_access(world, "coordinator", POST, kommun_officer_membership(world), 404, promote_officer(world))
    assert_access(world, "coordinator", POST, kommun_invitation_revoke(world), 404)


def test_a_deactivated_account_is_signed_out_everywhere(world):
    client = client_as(world, "officer")
    type(world.officer).objects.filter(pk=world.officer.pk).update(is_active=False)
    response = client.get(collaboration_detail(world))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={collaboration_detail(world)}"


# --- URLs added for issue 6 items 3 and 7 (wt-structure); kept apart so the resolver-driven rewrite can take them in ---


def draft_discard(cast: Cast) -> str:
    return reverse("draft_discard")


def delete_officers_empty_collaboration(cast: Cast) -> str:
    """The cast's collaboration, as if the officer had started it (nothing is written in it)."""
    Collaboration.objects.filter(pk=cast.collaboration.pk).update(created_by=cast.officer)
    return reverse("collaboration_delete", args=[cast.collaboration.code])


# fmt: off
STRUCTURE_ROWS: list[Row] = [
    #                                                         officer board coord civil outsider anonymous
    # POST is tested in tests/portal/test_drafts.py: it changes only the session, which `snapshot` does not see.
    Row("draft_discard",        GET,  draft_discard,            (405,   405,  405,  405,  405,     302)),
    # Only the creator, only while nothing is written: tests/collaboration/test_delete.py.
    Row("collaboration_delete", GET,  delete_officers_empty_collaboration, (200, 404, 404, 404, 404,   302)),
    Row("collaboration_delete", POST, delete_officers_empty_collaboration, (302, 404, 404, 404, 404,   302)),
]
# fmt: on


@pytest.mark.parametrize(
    ("row", "role", "expected"),
    [
        pytest.param(row, role, expected, id=f"{row.name}-{row.method}-{role}")
        for row in STRUCTURE_ROWS
        for role, expected in zip(ROLES, row.statuses, strict=True)
    ],
)
def test_structure_access(world, row: Row, role: str, expected: int):
    data = row.data(world) if row.data else None
    assert_access(world, role, row.method, row.url(world), expected, data)

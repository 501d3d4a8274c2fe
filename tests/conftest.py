"""The standing cast: an officer at a kommun, a board member at a förening, coordinators, an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from collaboration.models import Collaboration, Organisation, Role
from portal.models import User
from tests.factories import (
    CollaborationFactory,
    MembershipFactory,
    OrganisationFactory,
    PublicOrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: nothing one test's requests remembered (a PDF refused for its
    time, throttling counts) carries over into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _guidance_content(request: pytest.FixtureRequest) -> None:
    """Keep the shipped guidance content in place.

    Migrations load it once; a transactional test (the browser tests) flushes
    every table when it ends, so the content is loaded again when it is missing.
    """
    names = request.fixturenames
    if "live_server" in names or "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    from collaboration.guidance import cache as guidance_cache
    from collaboration.guidance.loader import ensure_loaded

    ensure_loaded()
    # The process keeps a guide's content for a minute; a test's own content (or a flushed and reloaded
    # database, with new ids) must not meet what an earlier test read.
    guidance_cache.forget()


@dataclass
class Cast:
    kommun: Organisation
    forening: Organisation
    other_org: Organisation
    officer: User
    board_member: User
    coordinator: User
    civil_coordinator: User
    outsider: User
    collaboration: Collaboration


def make_cast() -> Cast:
    """The standing cast, created in the database (for fixtures of any scope; most tests take `cast`)."""
    kommun = PublicOrganisationFactory(name="Halmstads kommun")
    forening = OrganisationFactory(name="Föreningen Läxhjälp")
    other_org = OrganisationFactory(name="Föreningen Utanför")
    officer = MembershipFactory(organisation=kommun, role=Role.OFFICER, user__full_name="Tove Tjänsteperson").user
    coordinator = MembershipFactory(organisation=kommun, role=Role.COORDINATOR, user__full_name="Sam Samordnare").user
    board_member = MembershipFactory(organisation=forening, role=Role.BOARD_MEMBER, user__full_name="Bo Styrelse").user
    civil_coordinator = MembershipFactory(
        organisation=forening, role=Role.COORDINATOR, user__full_name="Cia Samordnare"
    ).user
    outsider = MembershipFactory(organisation=other_org, role=Role.COORDINATOR, user__full_name="Otto Utanför").user
    collaboration = CollaborationFactory(title="Läxhjälp i Centrum", parties=[kommun, forening])
    return Cast(
        kommun, forening, other_org, officer, board_member, coordinator, civil_coordinator, outsider, collaboration
    )


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def expired_session_client() -> Client:
    """A browser whose session ran out: it still sends its session cookie, but the session is gone."""
    from django.conf import settings

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "a0expired0session0key0that0is0gone"
    return client


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def officer_client(cast: Cast) -> Client:
    return client_for(cast.officer)


@pytest.fixture
def board_client(cast: Cast) -> Client:
    return client_for(cast.board_member)


@pytest.fixture
def coordinator_client(cast: Cast) -> Client:
    return client_for(cast.coordinator)


@pytest.fixture
def outsider_client(cast: Cast) -> Client:
    return client_for(cast.outsider)


__all__ = ["Cast", "UserFactory", "client_for", "expired_session_client"]

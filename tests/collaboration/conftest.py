"""Fixtures shared by the collaboration app's tests."""

from __future__ import annotations

import pytest

from collaboration.models import PartyState
from tests.conftest import Cast
from tests.factories import OrganisationFactory, PartyFactory


@pytest.fixture
def church(cast: Cast):  # type: ignore[no-untyped-def]
    """Equmeniakyrkan, an accepted party with nobody in the portal."""
    organisation = OrganisationFactory(name="Equmeniakyrkan Halmstad")
    PartyFactory(collaboration=cast.collaboration, organisation=organisation, state=PartyState.ACCEPTED)
    return organisation

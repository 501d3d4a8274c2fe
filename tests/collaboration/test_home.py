"""The start page: a welcome for visitors, the collaborations of the signed-in user's organisations."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.models import CollaborationForm, Phase, Status
from tests.conftest import client_for
from tests.factories import CollaborationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = "/"


def first_phase() -> Phase:
    return Phase.objects.get(guide__slug="samverkansmodellen", slug="identifiera-och-involvera")


def test_the_start_page_is_at_the_root():
    assert reverse("home") == HOME


def test_a_visitor_gets_the_landing_page_with_a_sign_in_link(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Samverkan mellan offentlig och idéburen sektor" in response.text
    assert f'<a class="button" href="{reverse("login")}">Logga in</a>' in response.text
    assert "Min samverkan" not in response.text


def test_a_member_sees_title_partners_form_phase_and_status_of_their_collaboration(cast, officer_client):
    collaboration = cast.collaboration
    collaboration.form = CollaborationForm.objects.get(slug="dialog")
    collaboration.current_phase = first_phase()
    collaboration.status = Status.ONGOING
    collaboration.save()

    response = officer_client.get(HOME)

    assert response.status_code == 200
    html = response.text
    assert "Läxhjälp i Centrum" in html
    assert reverse("collaboration_detail", args=[collaboration.code]) in html
    parties = re.search(r"<dt>Parter</dt>\s*<dd>(.*?)</dd>", html)
    assert parties is not None
    assert sorted(parties.group(1).split(", ")) == ["Föreningen Läxhjälp", "Halmstads kommun"]
    assert collaboration.form.name in html
    assert "Fas 1: Identifiera och involvera" in html
    assert "Pågår" in html
    assert "Du arbetar för Halmstads kommun (tjänsteperson)." in " ".join(html.split())


def test_a_new_collaboration_says_that_no_form_is_chosen_yet(cast, board_client):
    html = board_client.get(HOME).text
    assert "Läxhjälp i Centrum" in html
    assert "Inte vald än" in html
    assert "Planeras" in html


def test_a_member_does_not_see_collaborations_their_organisation_is_not_part_of(cast, board_client):
    elsewhere = OrganisationFactory(name="Föreningen Någon Annan")
    CollaborationFactory(title="Någon annans samverkan", parties=[cast.kommun, elsewhere])
    html = board_client.get(HOME).text
    assert "Läxhjälp i Centrum" in html
    assert "Någon annans samverkan" not in html


def test_a_deactivated_member_no_longer_sees_the_organisations_collaborations(cast, officer_client):
    cast.officer.memberships.update(is_active=False)
    html = officer_client.get(HOME).text
    assert "Läxhjälp i Centrum" not in html
    assert "Du är inte med i någon organisation än." in html


def test_a_user_without_membership_sees_how_to_get_started(cast):
    response = client_for(UserFactory()).get(HOME)
    assert response.status_code == 200
    assert "Du är inte med i någon organisation än." in response.text
    assert "Be samordnaren i din organisation att bjuda in dig" in response.text
    assert "Starta en ny samverkan" not in response.text
    assert "Läxhjälp i Centrum" not in response.text


def test_a_member_of_an_organisation_without_collaborations_sees_an_empty_state(cast, outsider_client):
    response = outsider_client.get(HOME)
    assert response.status_code == 200
    assert "Ingen samverkan än" in response.text
    assert "Starta en ny samverkan" in response.text
    assert "Läxhjälp i Centrum" not in response.text


def test_only_coordinators_get_the_link_to_manage_organisations(cast, officer_client, coordinator_client):
    assert "Hantera organisationer och medlemmar" not in officer_client.get(HOME).text
    assert "Hantera organisationer och medlemmar" in coordinator_client.get(HOME).text


def add_collaborations(cast, count: int) -> None:
    CollaborationFactory.create_batch(
        count,
        parties=[cast.kommun, cast.forening],
        form=CollaborationForm.objects.get(slug="iop"),
        current_phase=first_phase(),
    )


def count_queries(client) -> tuple[int, list[str]]:
    client.get(HOME)  # the process reads the guidance content once and keeps it (collaboration.guidance.cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_the_start_page_issues_as_many_queries_for_300_collaborations_as_for_3(cast, officer_client):
    add_collaborations(cast, 2)
    few, _ = count_queries(officer_client)

    add_collaborations(cast, 297)
    many, many_sql = count_queries(officer_client)

    assert many == few, "\n".join(many_sql)
    response = officer_client.get(HOME)
    assert "299 samverkan" not in response.text
    assert "300 samverkan" in response.text
    assert len(response.context["page"].object_list) == 25


def test_the_start_page_does_not_list_every_collaboration_in_its_queries(cast, officer_client):
    """The queries' text must not grow with the data either: an `IN (...)` of every collaboration's id made
    the start page take over a second for a coordinator of 10,000 collaborations (phases awaiting confirmation)."""
    add_collaborations(cast, 2)
    _, few_sql = count_queries(officer_client)
    add_collaborations(cast, 297)
    _, many_sql = count_queries(officer_client)
    grown = sum(map(len, many_sql)) - sum(map(len, few_sql))
    assert grown < 300, f"the start page's SQL grew by {grown} characters with 297 more collaborations"


def test_the_start_page_shows_25_collaborations_a_page(cast, officer_client):
    CollaborationFactory.create_batch(29, parties=[cast.kommun, cast.forening])

    first = officer_client.get(HOME)
    assert len(first.context["page"].object_list) == 25
    assert "Sida 1 av 2" in first.text
    assert 'href="?sida=2"' in first.text
    assert "Läxhjälp i Centrum" not in first.text  # the oldest comes last

    second = officer_client.get(HOME, {"sida": 2})
    assert second.status_code == 200
    assert len(second.context["page"].object_list) == 5
    assert "Sida 2 av 2" in second.text
    assert 'href="?sida=1"' in second.text
    assert "Läxhjälp i Centrum" in second.text


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("inte-ett-tal", 1), ("0", 2)])
def test_an_unusable_page_number_shows_a_page_instead_of_an_error(cast, officer_client, asked, shown):
    CollaborationFactory.create_batch(29, parties=[cast.kommun, cast.forening])
    response = officer_client.get(HOME, {"sida": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert f"Sida {shown} av 2" in response.text


def test_a_collaboration_appears_once_even_if_the_user_is_in_two_of_its_parties(cast):
    user = MembershipFactory(organisation=cast.kommun).user
    MembershipFactory(user=user, organisation=cast.forening)
    response = client_for(user).get(HOME)
    assert response.text.count("Läxhjälp i Centrum") == 1
    assert "1 samverkan" in response.text

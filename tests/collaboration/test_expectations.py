"""What is expected of the signed-in person now, on the start page and the collaboration page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from collaboration.expectations import expected_of
from collaboration.models import PartyState, Role, StepStatus
from collaboration.models.assignments import today
from tests.collaboration.helpers import MALGRUPP, MODEL, PROBLEM, mark_steps, step_obj
from tests.conftest import client_for
from tests.factories import (
    CollaborationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StepAssignmentFactory,
)

pytestmark = pytest.mark.django_db


def give(cast, user, organisation, where=PROBLEM, collaboration=None, due_on=None):
    return StepAssignmentFactory(
        collaboration=collaboration or cast.collaboration,
        step=step_obj(where),
        responsible=user,
        responsible_organisation=organisation,
        due_on=due_on,
    )


def test_the_responsible_person_is_asked_to_finish_the_step_with_a_link(cast):
    give(cast, cast.board_member, cast.forening, due_on=today() - timedelta(days=1))

    [item] = expected_of(cast.board_member)

    assert item.kind == "assigned"
    assert item.text == "Gör klart steget ”Problem- och behovsformulering” i ”Läxhjälp i Centrum”"
    assert item.url == reverse("step", args=[cast.collaboration.code, *PROBLEM])
    assert item.overdue
    assert item.due_text.startswith("Försenad – skulle vara klar")


def test_colleagues_see_what_their_party_has_taken_on_and_the_other_party_does_not(cast):
    give(cast, cast.board_member, cast.forening)

    [item] = expected_of(cast.civil_coordinator)
    assert item.kind == "party-assigned"
    assert item.text.startswith("Bo Styrelse hos er ansvarar för")
    assert expected_of(cast.officer) == []
    assert expected_of(cast.outsider) == []


def test_a_done_step_or_an_ended_collaboration_expects_nothing(cast):
    give(cast, cast.officer, cast.kommun)
    mark_steps(cast.collaboration, [step_obj(PROBLEM)], StepStatus.DONE)
    other = CollaborationFactory(parties=[cast.kommun, cast.forening])
    give(cast, cast.officer, cast.kommun, collaboration=other)
    other.ended_at = other.created_at
    other.save()
    assert expected_of(cast.officer) == []


def test_an_invitation_to_answer_is_expected_of_the_coordinator(cast):
    invited = OrganisationFactory(name="Föreningen Ny")
    coordinator = MembershipFactory(organisation=invited, role=Role.COORDINATOR).user
    PartyFactory(collaboration=cast.collaboration, organisation=invited, state=PartyState.INVITED)

    [item] = expected_of(coordinator)

    assert item.text == "Svara på inbjudan till ”Läxhjälp i Centrum” för Föreningen Ny"
    assert item.url == reverse("party_invitation", args=[cast.collaboration.code, invited.code])


def test_dated_items_come_first_by_date(cast):
    give(cast, cast.officer, cast.kommun, where=MALGRUPP, due_on=today() + timedelta(days=5))
    give(cast, cast.officer, cast.kommun, due_on=today() + timedelta(days=1))
    assert [e.due_on for e in expected_of(cast.officer)] == [today() + timedelta(days=1), today() + timedelta(days=5)]


def test_the_collaboration_page_shows_only_its_own_expectations(cast, board_client):
    other = CollaborationFactory(title="Idrott för alla", parties=[cast.kommun, cast.forening])
    give(cast, cast.board_member, cast.forening)
    give(cast, cast.board_member, cast.forening, collaboration=other)

    html = board_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text

    assert "Det här väntar på dig" in html
    assert "i ”Läxhjälp i Centrum”" in html
    assert "i ”Idrott för alla”" not in html
    # The start page lists the person's own steps in full under Mina uppgifter, once each.
    start = board_client.get("/").text
    assert "Gör klart steget" not in start
    tasks = start[start.index("Mina uppgifter") :]
    assert "Läxhjälp i Centrum" in tasks
    assert "Idrott för alla" in tasks


def test_the_start_page_shows_a_colleagues_step_and_lists_an_invitation_once(cast):
    give(cast, cast.board_member, cast.forening)
    invited = OrganisationFactory(name="Föreningen Ny")
    MembershipFactory(organisation=invited, role=Role.COORDINATOR, user=cast.civil_coordinator)
    PartyFactory(collaboration=CollaborationFactory(title="Simskola", parties=[cast.kommun]), organisation=invited)

    html = client_for(cast.civil_coordinator).get("/").text

    expected = html[html.index("Det här väntar på dig") : html.index("</section>", html.index("Det här väntar på dig"))]
    assert "Bo Styrelse hos er ansvarar för ”Problem- och behovsformulering” i ”Läxhjälp i Centrum”" in expected
    assert "Simskola" not in expected  # the invitation has its own section below
    assert html.count(">Simskola</a>") == 1


def test_a_phase_ready_for_agreement_asks_each_party_that_has_not_confirmed(cast):
    from collaboration.phases import phase_confirm
    from tests.collaboration.helpers import PHASE_1, PHASE_1_STEPS, phase_review_url

    steps = [step_obj(("samverkansmodellen", PHASE_1, slug)) for slug in PHASE_1_STEPS]
    mark_steps(cast.collaboration, steps)
    asked = [e for e in expected_of(cast.board_member) if e.kind == "confirm-phase"]
    assert [e.url for e in asked] == [phase_review_url(cast.collaboration)]
    assert "Bekräfta för Föreningen Läxhjälp att ni är överens om" in asked[0].text
    phase_confirm(
        collaboration=cast.collaboration, phase=steps[0].phase, user=cast.board_member, organisation=cast.forening
    )
    assert not [e for e in expected_of(cast.board_member) if e.kind == "confirm-phase"]
    # The kommun is still awaited.
    assert [e for e in expected_of(cast.officer) if e.kind == "confirm-phase"]


def test_a_checklist_another_party_shared_is_there_to_read(cast):
    from collaboration.models import Phase
    from collaboration.phases import share_answers
    from tests.collaboration.helpers import CHECKLIST

    checklist = Phase.objects.get(guide__slug=CHECKLIST, slug="checklista")
    share_answers(
        collaboration=cast.collaboration, phase=checklist, organisation=cast.kommun, user=cast.officer, share=True
    )
    [item] = [e for e in expected_of(cast.board_member) if e.kind == "shared"]
    assert item.text == "Läs vad Halmstads kommun har delat i ”Checklista inför första samtalet” (”Läxhjälp i Centrum”)"
    assert item.url == reverse("phase_compare", args=[cast.collaboration.code, CHECKLIST, "checklista"])
    # Not a task for the party that shared it, nor for outsiders.
    assert not [e for e in expected_of(cast.officer) if e.kind == "shared"]
    assert not expected_of(cast.outsider)


def test_the_start_page_lists_a_bounded_number_of_items_and_says_more_are_waiting(cast):
    """A coordinator of an organisation in thousands of collaborations must not get a start page as long."""
    others = [CollaborationFactory(title=f"Samverkan {i:02d}", parties=[cast.kommun, cast.forening]) for i in range(7)]
    for collaboration in others:
        give(cast, cast.board_member, cast.forening, collaboration=collaboration)

    items = expected_of(cast.civil_coordinator)
    assert len(items) == 5
    assert items.more

    html = client_for(cast.civil_coordinator).get("/").text
    assert html.count("Bo Styrelse hos er ansvarar för") == 5
    assert "Här visas högst 5 saker av varje slag. Fler väntar" in html


def test_exactly_the_limit_is_not_said_to_be_more(cast):
    for _ in range(5):
        give(cast, cast.board_member, cast.forening, collaboration=CollaborationFactory(parties=[cast.forening]))

    items = expected_of(cast.civil_coordinator)
    assert len(items) == 5
    assert not items.more
    assert "Fler väntar" not in client_for(cast.civil_coordinator).get("/").text


def test_a_collaborations_page_with_more_waiting_points_to_its_task_list(cast):
    from collaboration.models import AnswerMode, Step

    joint = Step.objects.filter(phase__guide__slug=MODEL, phase__answer_mode=AnswerMode.JOINT).select_related("phase")
    for step in joint[:6]:
        give(cast, cast.board_member, cast.forening, where=(MODEL, step.phase.slug, step.slug))

    html = client_for(cast.civil_coordinator).get(reverse("collaboration_detail", args=[cast.collaboration.code])).text
    assert html.count("Bo Styrelse hos er ansvarar för") == 5
    assert "Fler väntar: alla steg och vem som ansvarar för dem finns i processlistan." in html
    assert "du ser dem i varje samverkan" not in html

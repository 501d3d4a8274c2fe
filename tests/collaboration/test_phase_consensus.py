"""A phase is done when every accepted party has confirmed it; any one party may reopen it, saying why."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from collaboration.models import (
    Activity,
    ActivityKind,
    Party,
    PartyState,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    Step,
    StepStatus,
)
from collaboration.phases import ConfirmOutcome, phase_confirm
from tests.collaboration.helpers import (
    MODEL,
    PHASE_1,
    PHASE_1_STEPS,
    PHASE_2,
    mark_steps,
    phase_review_url,
    step_url,
    task_list_url,
)
from tests.factories import MembershipFactory, OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db

CONFIRM = {"action": "confirm"}


def phase_steps(phase: str = PHASE_1) -> list[Step]:
    return list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=phase).order_by("order"))


def phase_obj(phase: str = PHASE_1) -> Phase:
    return Phase.objects.get(guide__slug=MODEL, slug=phase)


def reopen(reason: str = "Målgruppen behöver ses över") -> dict[str, str]:
    return {"action": "reopen", "reason": reason}


def confirm_both(cast, officer_client, board_client, phase: str = PHASE_1) -> None:
    mark_steps(cast.collaboration, phase_steps(phase))
    officer_client.post(phase_review_url(cast.collaboration, phase), CONFIRM)
    board_client.post(phase_review_url(cast.collaboration, phase), CONFIRM)


def test_a_phase_cannot_be_confirmed_until_all_steps_are_done(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps()[:2])
    response = officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert response.status_code == 302
    assert response.url == phase_review_url(cast.collaboration)
    assert not PhaseConfirmation.objects.exists()
    assert not PhaseCompletion.objects.exists()
    page = officer_client.get(response.url).text
    assert "Markera alla steg i fasen som klara innan ni markerar fasen som klar." in page
    assert step_url(cast.collaboration, (MODEL, PHASE_1, PHASE_1_STEPS[2])) in page  # what is left to do
    assert "Vi är överens om" not in page
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_1


def test_the_review_lists_the_steps_left_to_do(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps()[:1])
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    remaining = html[html.index("Kvar att göra") :]
    assert phase_steps()[1].title in remaining
    assert phase_steps()[2].title in remaining
    assert f">{phase_steps()[0].title}</a> (" not in remaining


def test_the_confirmation_is_reachable_from_the_top_of_the_review(cast, officer_client):
    """A long review: a line at the top says what the page asks and links down to "Är ni överens om fasen?"."""
    mark_steps(cast.collaboration, phase_steps())
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    top = html[: html.index(phase_steps()[0].title, html.index("<h1"))]
    assert 'href="#overens"' in top
    assert "När ni har läst svaren bekräftar ni att er part är överens om fasen." in top
    assert 'id="overens"' in html


def test_one_party_confirming_does_not_complete_the_phase(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    page = officer_client.get(phase_review_url(cast.collaboration)).text
    assert f"Vi är överens om {phase_obj().title}" in page
    response = officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert response.status_code == 302
    confirmation = PhaseConfirmation.objects.get()
    assert (confirmation.organisation, confirmation.confirmed_by) == (cast.kommun, cast.officer)
    assert not PhaseCompletion.objects.exists()
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_1
    # The other party sees who confirmed and that it is awaited; the officer is not offered the button again.
    board_page = board_client.get(phase_review_url(cast.collaboration)).text
    assert "Halmstads kommun (Tove Tjänsteperson," in board_page
    assert "Väntar på</span> Föreningen Läxhjälp" in board_page
    assert 'value="confirm"' in board_page
    assert 'value="confirm"' not in officer_client.get(phase_review_url(cast.collaboration)).text
    # So does the task list.
    task_page = board_client.get(task_list_url(cast.collaboration)).text
    assert "Väntar på</span> Föreningen Läxhjälp" in task_page


def test_the_last_party_completes_the_phase(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    response = board_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert response.status_code == 302
    assert response.url == task_list_url(cast.collaboration)
    completion = PhaseCompletion.objects.get(collaboration=cast.collaboration)
    assert (completion.phase.slug, completion.completed_by, completion.completed_by_organisation) == (
        PHASE_1,
        cast.board_member,
        cast.forening,
    )
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_2
    page = board_client.get(response.url).text
    assert "Fasen är klar" in page
    assert "Alla parter är överens" in page
    kinds = list(Activity.objects.order_by("pk").values_list("kind", "actor"))
    assert kinds == [
        (ActivityKind.PHASE_CONFIRMED, cast.officer.pk),
        (ActivityKind.PHASE_CONFIRMED, cast.board_member.pk),
        (ActivityKind.PHASE_DONE, cast.board_member.pk),
    ]


def test_the_done_phase_shows_every_confirmation(cast, officer_client, board_client):
    confirm_both(cast, officer_client, board_client)
    html = officer_client.get(phase_review_url(cast.collaboration)).text
    assert "Fasen är klar." in html
    assert "Halmstads kommun (Tove Tjänsteperson," in html
    assert "Föreningen Läxhjälp (Bo Styrelse," in html
    assert 'value="confirm"' not in html
    assert 'value="reopen"' in html


def test_completing_the_last_phase_finishes_the_collaboration(cast, officer_client, board_client):
    for phase in [PHASE_1, PHASE_2, "implementera-och-polera"]:
        confirm_both(cast, officer_client, board_client, phase)
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase is None
    assert cast.collaboration.status == "avslutad"


def test_confirming_twice_for_the_same_party_counts_once(cast, officer_client, coordinator_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    coordinator_client.post(phase_review_url(cast.collaboration), CONFIRM)  # same party: nothing to confirm
    assert PhaseConfirmation.objects.count() == 1
    assert not PhaseCompletion.objects.exists()


def test_a_reopened_step_keeps_the_phase_from_being_confirmed(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    mark_steps(cast.collaboration, phase_steps()[1:2], StepStatus.IN_PROGRESS)
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert not PhaseConfirmation.objects.exists()


def test_a_person_in_two_parties_chooses_which_one_confirms(cast, officer_client):
    MembershipFactory(organisation=cast.forening, user=cast.officer)
    mark_steps(cast.collaboration, phase_steps())
    page = officer_client.get(phase_review_url(cast.collaboration)).text
    assert "Du bekräftar för" in page
    response = officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert response.status_code == 400
    assert "Välj vilken part du bekräftar för." in response.text
    officer_client.post(phase_review_url(cast.collaboration), {**CONFIRM, "organisation": cast.forening.code})
    assert PhaseConfirmation.objects.get().organisation == cast.forening
    # Then only the party not yet confirmed is offered, and confirming it completes the phase.
    officer_client.post(phase_review_url(cast.collaboration), {**CONFIRM, "organisation": cast.kommun.code})
    assert PhaseCompletion.objects.exists()


def test_nobody_confirms_for_a_party_they_are_not_a_member_of(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    response = officer_client.post(
        phase_review_url(cast.collaboration), {**CONFIRM, "organisation": cast.forening.code}
    )
    assert response.status_code == 400
    assert "Välj en av parterna i listan." in response.text
    assert not PhaseConfirmation.objects.exists()


def test_an_inactive_member_cannot_confirm_through_the_service(cast):
    mark_steps(cast.collaboration, phase_steps())
    outcome = phase_confirm(
        collaboration=cast.collaboration, phase=phase_obj(), user=cast.outsider, organisation=cast.forening
    )
    assert outcome is ConfirmOutcome.NOT_A_PARTY
    assert not PhaseConfirmation.objects.exists()


def test_a_party_joining_an_open_phase_is_awaited_too(cast, officer_client, board_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    newcomer = OrganisationFactory(name="Föreningen Nykomling")
    PartyFactory(collaboration=cast.collaboration, organisation=newcomer, state=PartyState.ACCEPTED)
    board_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert not PhaseCompletion.objects.exists()
    assert "Väntar på</span> Föreningen Nykomling" in board_client.get(phase_review_url(cast.collaboration)).text


def test_a_completed_phase_stays_completed_when_a_party_joins(cast, officer_client, board_client):
    confirm_both(cast, officer_client, board_client)
    newcomer = OrganisationFactory(name="Föreningen Nykomling")
    PartyFactory(collaboration=cast.collaboration, organisation=newcomer, state=PartyState.ACCEPTED)
    html = board_client.get(phase_review_url(cast.collaboration)).text
    assert PhaseCompletion.objects.exists()
    assert "Fasen är klar." in html
    assert "Väntar på" not in html  # the newcomer is a party now, but nobody awaits it for a finished phase


def test_when_the_awaited_party_leaves_a_confirmed_party_completes_the_phase(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    Party.objects.filter(organisation=cast.forening).update(state=PartyState.LEFT)
    page = officer_client.get(phase_review_url(cast.collaboration)).text
    assert 'value="confirm"' in page
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert PhaseCompletion.objects.exists()


# --- reopening ---------------------------------------------------------------------------------


def test_reopening_needs_a_reason(cast, officer_client, board_client):
    confirm_both(cast, officer_client, board_client)
    response = officer_client.post(phase_review_url(cast.collaboration), reopen("  "))
    assert response.status_code == 400
    assert "Skriv varför ni öppnar fasen igen." in response.text
    assert 'href="#oppna-id_reason"' in response.text or 'href="#oppna-reason"' in response.text
    assert PhaseCompletion.objects.exists()
    assert PhaseConfirmation.objects.count() == 2


def test_one_party_reopens_the_phase_and_clears_the_confirmations(cast, officer_client, board_client):
    confirm_both(cast, officer_client, board_client)
    response = board_client.post(phase_review_url(cast.collaboration), reopen())
    assert response.status_code == 302
    assert not PhaseCompletion.objects.exists()
    assert not PhaseConfirmation.objects.exists()
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.current_phase.slug == PHASE_1
    page = board_client.get(response.url).text
    assert "är öppnad igen" in page
    assert "Väntar på</span> Halmstads kommun" in page  # both parties confirm anew
    assert "Väntar på</span> Föreningen Läxhjälp" in page
    assert 'value="confirm"' in officer_client.get(response.url).text
    entry = Activity.objects.filter(kind=ActivityKind.PHASE_REOPENED).get()
    assert (entry.actor, entry.organisation, entry.data["reason"]) == (
        cast.board_member,
        cast.forening,
        "Målgruppen behöver ses över",
    )
    assert "Målgruppen behöver ses över" in entry.summary


def test_a_partly_confirmed_phase_can_be_reopened(cast, officer_client):
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    officer_client.post(phase_review_url(cast.collaboration), reopen("Vi bekräftade för tidigt"))
    assert not PhaseConfirmation.objects.exists()


# --- two parties at the same moment -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_parties_confirming_at_once_both_count_and_complete_the_phase_once(cast):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the row lock is tested on PostgreSQL (DATABASE_URL)")
    mark_steps(cast.collaboration, phase_steps())
    phase = phase_obj()
    barrier = threading.Barrier(2)
    outcomes: list[ConfirmOutcome] = []

    def confirm(user, organisation) -> None:
        try:
            barrier.wait()
            outcomes.append(
                phase_confirm(collaboration=cast.collaboration, phase=phase, user=user, organisation=organisation)
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(cast.officer, cast.kommun)),
        threading.Thread(target=confirm, args=(cast.board_member, cast.forening)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.value for o in outcomes) == ["completed", "confirmed"]
    assert PhaseConfirmation.objects.count() == 2
    assert PhaseCompletion.objects.count() == 1
    assert Activity.objects.filter(kind=ActivityKind.PHASE_DONE).count() == 1


def test_a_former_member_of_a_party_cannot_confirm_for_it(cast, officer_client):
    membership = MembershipFactory(organisation=cast.forening, user=cast.officer)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    mark_steps(cast.collaboration, phase_steps())
    assert "Du bekräftar för" not in officer_client.get(phase_review_url(cast.collaboration)).text
    response = officer_client.post(
        phase_review_url(cast.collaboration), {**CONFIRM, "organisation": cast.forening.code}
    )
    assert response.status_code == 400
    assert not PhaseConfirmation.objects.exists()


def test_phases_awaiting_a_partys_confirmation_are_listed_for_its_people(cast, officer_client):
    from collaboration.phases import phases_awaiting_confirmation

    assert phases_awaiting_confirmation(cast.board_member) == []  # steps not done yet
    mark_steps(cast.collaboration, phase_steps())
    officer_client.post(phase_review_url(cast.collaboration), CONFIRM)
    assert phases_awaiting_confirmation(cast.officer) == []  # the kommun has confirmed
    [awaited] = phases_awaiting_confirmation(cast.board_member)
    assert (awaited.collaboration, awaited.phase.slug, awaited.organisation) == (
        cast.collaboration,
        PHASE_1,
        cast.forening,
    )
    assert phases_awaiting_confirmation(cast.outsider) == []

"""Attacks on privacy of per-party work, assignments on per-party steps, two-party members."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from collaboration.models import Role, StepAssignment
from tests.collaboration.helpers import (
    CHECKLIST,
    CHECKLIST_WHY,
    PREREQ_STATUS,
    PREREQUISITES,
    questions,
    step_obj,
    step_url,
    task_list_url,
    write_answer,
)
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CANDID = "Nämnden har inte bestämt sig, vi kan inte lova något långsiktigt."


def assign_url(collaboration, where) -> str:
    return reverse("step_assign", args=[collaboration.code, *where])


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- 1. The prerequisites' assignment form is open to the civil-society party ---------------------


def test_a_civil_society_member_gets_404_on_the_prerequisites_assignment_form(cast, board_client):
    """README: civil-society people 'get 404 on every URL' of the public parties' prerequisites."""
    assert board_client.get(reverse("step", args=[cast.collaboration.code, *PREREQ_STATUS])).status_code == 404
    response = board_client.get(assign_url(cast.collaboration, PREREQ_STATUS))
    assert response.status_code == 404, "the förening opens the kommun's prerequisites step (title and responsible)"


def test_a_civil_society_member_cannot_assign_the_kommuns_prerequisites(cast, board_client):
    response = board_client.post(
        assign_url(cast.collaboration, PREREQ_STATUS), {"responsible": cast.board_member.pk, "due_on": "2027-01-01"}
    )
    assert response.status_code == 404
    assert not StepAssignment.objects.filter(collaboration=cast.collaboration).exists()


def test_the_kommun_cannot_make_a_forening_member_responsible_for_its_private_prerequisites(cast, officer_client):
    """Otherwise 'Mina uppgifter' on the förening's start page names the kommun's private step and links to a 404."""
    officer_client.post(
        assign_url(cast.collaboration, PREREQ_STATUS), {"responsible": cast.board_member.pk, "due_on": "2027-01-01"}
    )
    home = text_of(client_for(cast.board_member).get(reverse("home")))
    assert f"/{PREREQUISITES}/" not in home, "the förening member is given a task on a step they may never open"


def test_the_activity_log_does_not_tell_the_forening_about_the_kommuns_prerequisites(
    cast, officer_client, board_client
):
    officer_client.post(
        assign_url(cast.collaboration, PREREQ_STATUS), {"responsible": cast.officer.pk, "due_on": "2027-01-01"}
    )
    log = text_of(board_client.get(reverse("activity_log", args=[cast.collaboration.code])))
    assert f"{step_obj(PREREQ_STATUS).title}: ansvarig" not in log


# --- 2. One assignment per step, although each party has its own checklist ------------------------


def test_a_partys_responsible_person_for_its_own_checklist_does_not_replace_the_other_partys(
    cast, officer_client, board_client
):
    officer_client.post(assign_url(cast.collaboration, CHECKLIST_WHY), {"responsible": cast.officer.pk})
    board_client.post(assign_url(cast.collaboration, CHECKLIST_WHY), {"responsible": cast.board_member.pk})
    kommun_list = text_of(officer_client.get(task_list_url(cast.collaboration, CHECKLIST)))
    assert "Tove Tjänsteperson" in kommun_list, "the kommun's own checklist lost its responsible person"
    assert "Bo Styrelse" not in kommun_list, "the kommun's private checklist names the förening's person"


# --- 3. A person in two parties -------------------------------------------------------------------


# --- 4. Traces of private work on shared pages ----------------------------------------------------


def test_who_is_involved_does_not_reveal_work_in_the_kommuns_private_prerequisites(cast, board_client):
    """Sam has only written the kommun's private prerequisites; the förening's page must not list them."""
    from tests.collaboration.helpers import post_answers

    sam = client_for(cast.coordinator)
    response = post_answers(sam, cast.collaboration, {questions(PREREQ_STATUS)[0]: CANDID}, where=PREREQ_STATUS)
    assert response.status_code == 302
    page = text_of(board_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])))
    section = page.split("Vilka är involverade", 1)[1].split("</ul>", 1)[0]
    assert "Sam Samordnare" not in section, "the förening learns that the kommun works in its private prerequisites"


def test_the_foreningens_first_step_does_not_link_back_into_the_kommuns_prerequisites(cast, board_client):
    """StepPage.previous is taken from every step of the guide, the public parties' own included."""
    from tests.collaboration.helpers import PROBLEM

    page = board_client.get(step_url(cast.collaboration, PROBLEM))
    assert page.status_code == 200
    assert f"/{PREREQUISITES}/" not in page.content.decode(), "'Föregående steg' leads the förening to a 404"


def test_after_unsharing_no_page_or_guessed_revision_shows_the_forenings_text(cast, officer_client, board_client):
    """Holds: compare, review, history and revisions 1..6 read only the kommun's own checklist once unshared."""
    from tests.collaboration.helpers import compare_url, guide_review_url, history_url, revision_url, share_url

    secret = "Styrelsen är oenig om vi ska fortsätta alls."
    question = questions(CHECKLIST_WHY)[0]
    for n in range(3):
        write_answer(
            cast.collaboration, question, f"{secret} ({n})", cast.board_member, cast.forening, party=cast.forening
        )
    board_client.post(share_url(cast.collaboration), {"action": "share"})
    assert secret in text_of(officer_client.get(compare_url(cast.collaboration)))
    board_client.post(share_url(cast.collaboration), {"action": "unshare"})
    urls = [
        compare_url(cast.collaboration),
        guide_review_url(cast.collaboration, CHECKLIST),
        history_url(cast.collaboration, CHECKLIST_WHY),
        step_url(cast.collaboration, CHECKLIST_WHY),
        task_list_url(cast.collaboration, CHECKLIST),
        reverse("activity_log", args=[cast.collaboration.code]),
        reverse("home"),
    ] + [revision_url(cast.collaboration, question, n, CHECKLIST_WHY) for n in range(1, 7)]
    for url in urls:
        response = officer_client.get(url)
        assert response.status_code in (200, 404), url
        assert secret not in text_of(response), url


def test_a_second_public_party_never_sees_the_kommuns_prerequisites(cast):
    """Holds: with two public parties, each one's prerequisites are its own."""
    from collaboration.models import PartyState
    from tests.collaboration.helpers import MODEL, guide_review_url, history_url, revision_url
    from tests.factories import PartyFactory, PublicOrganisationFactory

    region = PublicOrganisationFactory(name="Region Halland")
    person = MembershipFactory(organisation=region, role=Role.OFFICER).user
    PartyFactory(collaboration=cast.collaboration, organisation=region, state=PartyState.ACCEPTED)
    question = questions(PREREQ_STATUS)[0]
    write_answer(cast.collaboration, question, CANDID, cast.officer, cast.kommun, party=cast.kommun)
    client = client_for(person)
    for url in [
        step_url(cast.collaboration, PREREQ_STATUS),
        history_url(cast.collaboration, PREREQ_STATUS),
        revision_url(cast.collaboration, question, 1, PREREQ_STATUS),
        guide_review_url(cast.collaboration),
        reverse("phase_review", args=[cast.collaboration.code, MODEL, PREREQUISITES]),
    ]:
        assert CANDID not in text_of(client.get(url)), url


def test_a_kommun_officer_who_is_also_in_the_forening_still_reaches_the_kommuns_prerequisites(cast, officer_client):
    write_answer(cast.collaboration, questions(PREREQ_STATUS)[0], CANDID, cast.officer, cast.kommun, party=cast.kommun)
    assert officer_client.get(step_url(cast.collaboration, PREREQ_STATUS)).status_code == 200
    # The officer also sits on the förening's board (common in small towns).
    MembershipFactory(organisation=cast.forening, user=cast.officer, role=Role.BOARD_MEMBER)
    response = officer_client.get(step_url(cast.collaboration, PREREQ_STATUS))
    assert response.status_code == 200, "the kommun's own prerequisites are gone for a kommun officer"
    assert CANDID in text_of(response)

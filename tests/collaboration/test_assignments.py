"""Steps with a responsible person and a due date: the form, the task list, "Mina uppgifter" on the start page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.models import Activity, ActivityKind, StepAssignment, StepProgress, StepStatus
from collaboration.models.assignments import today
from tests.collaboration.helpers import (
    MALGRUPP,
    MODEL,
    PHASE_1,
    PREREQ_STATUS,
    PROBLEM,
    mark_steps,
    step_obj,
    task_list_url,
)
from tests.conftest import client_for
from tests.factories import CollaborationFactory, StepAssignmentFactory

pytestmark = pytest.mark.django_db


def assign_url(collaboration, where=PROBLEM) -> str:
    return reverse("step_assign", args=[collaboration.code, *where])


def assign(cast, user, *, where=PROBLEM, due_on=None, collaboration=None):
    collaboration = collaboration or cast.collaboration
    organisation = cast.forening if user in (cast.board_member, cast.civil_coordinator) else cast.kommun
    return StepAssignmentFactory(
        collaboration=collaboration,
        step=step_obj(where),
        responsible=user,
        responsible_organisation=organisation,
        due_on=due_on,
    )


def test_a_member_assigns_a_step_to_someone_of_the_other_party(cast, officer_client):
    due = today() + timedelta(days=14)
    response = officer_client.post(
        assign_url(cast.collaboration), {"responsible": cast.board_member.pk, "due_on": due.isoformat()}
    )

    assert response.status_code == 302
    assert response.url == task_list_url(cast.collaboration)
    assignment = StepAssignment.objects.get(collaboration=cast.collaboration, step=step_obj())
    assert (assignment.responsible, assignment.responsible_organisation, assignment.due_on) == (
        cast.board_member,
        cast.forening,
        due,
    )
    entry = Activity.objects.get(collaboration=cast.collaboration, kind=ActivityKind.ASSIGNED)
    assert (entry.actor, entry.organisation) == (cast.officer, cast.kommun)
    assert "Bo Styrelse" in entry.summary


def test_the_form_goes_back_to_the_step_page_when_opened_from_there(cast, officer_client):
    response = officer_client.post(assign_url(cast.collaboration), {"responsible": cast.officer.pk, "tillbaka": "steg"})
    assert response.url == reverse("step", args=[cast.collaboration.code, *PROBLEM])


def test_only_people_of_accepted_parties_can_be_responsible(cast, officer_client):
    page = officer_client.get(assign_url(cast.collaboration)).text
    assert "Bo Styrelse (Föreningen Läxhjälp)" in page
    assert "Otto Utanför" not in page

    response = officer_client.post(assign_url(cast.collaboration), {"responsible": cast.outsider.pk})

    assert response.status_code == 200
    assert "Välj en person i listan." in response.text
    assert not StepAssignment.objects.exists()


def test_saving_the_same_assignment_again_logs_nothing_new(cast, officer_client):
    data = {"responsible": cast.board_member.pk, "due_on": "2027-03-31"}
    officer_client.post(assign_url(cast.collaboration), data)
    officer_client.post(assign_url(cast.collaboration), data)
    assert Activity.objects.filter(kind=ActivityKind.ASSIGNED).count() == 1


def test_a_bad_date_is_explained(cast, officer_client):
    response = officer_client.post(assign_url(cast.collaboration), {"responsible": "", "due_on": "31/3"})
    assert "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-03-31." in response.text


def test_the_task_list_shows_responsible_and_due_date_with_overdue_in_words(cast, officer_client):
    assign(cast, cast.board_member, due_on=today() - timedelta(days=1))
    assign(cast, cast.officer, where=MALGRUPP, due_on=today() + timedelta(days=3))

    html = " ".join(officer_client.get(task_list_url(cast.collaboration)).text.split())

    assert "Ansvarig: Bo Styrelse (Föreningen Läxhjälp)" in html
    assert "Försenad – skulle vara klar" in html
    # Lateness has its own look, not only a colour: the stylesheet gives it a border and a mark.
    assert '<strong class="tag tag--overdue">Försenad' in html
    assert "Ansvarig: Tove Tjänsteperson (Halmstads kommun)" in html
    assert "klart senast" in html
    assert assign_url(cast.collaboration) in html


def test_mina_uppgifter_lists_open_assigned_steps_by_due_date(cast, board_client):
    later = assign(cast, cast.board_member, where=MALGRUPP, due_on=today() + timedelta(days=10))
    overdue = assign(cast, cast.board_member, due_on=today() - timedelta(days=2))
    done = assign(cast, cast.board_member, where=(MODEL, PHASE_1, "samverkanspartner"))
    mark_steps(cast.collaboration, [done.step], StepStatus.DONE)

    html = board_client.get("/").text
    section = html[html.index("Mina uppgifter") :]

    assert section.index(overdue.step.title) < section.index(later.step.title)
    assert "Försenad" in section
    assert done.step.title not in section.split("</table>")[0]


def test_someone_elses_task_is_not_under_mina_uppgifter(cast, officer_client):
    assign(cast, cast.board_member)
    html = officer_client.get("/").text
    assert "Mina uppgifter" not in html


def start_page_queries(cast, collaborations: int) -> int:
    for n in range(collaborations):
        collaboration = CollaborationFactory(title=f"Uppdrag {n}", parties=[cast.kommun, cast.forening])
        assign(cast, cast.officer, collaboration=collaboration, due_on=today() + timedelta(days=n))
    client = client_for(cast.officer)
    client.get("/")  # warm the session and content caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    tasks = response.text[response.text.index("Mina uppgifter") :]
    assert tasks.count("Problem- och behovsformulering</a>") == min(20, StepAssignment.objects.count())
    return len(queries)


def test_the_start_page_makes_the_same_number_of_queries_for_21_and_40_collaborations(cast):
    few = start_page_queries(cast, 21)  # one more task than Mina uppgifter shows: it counts them
    many = start_page_queries(cast, 19)  # 40 in all
    assert few == many


def test_the_step_page_shows_the_responsible_and_links_to_the_form_and_back(cast, officer_client):
    assign(cast, cast.board_member, due_on=today() + timedelta(days=3))
    html = " ".join(officer_client.get(reverse("step", args=[cast.collaboration.code, *PROBLEM])).text.split())
    assert "Ansvarig: Bo Styrelse (Föreningen Läxhjälp)" in html
    assert f"{assign_url(cast.collaboration)}?tillbaka=steg" in html


def test_mina_uppgifter_shows_the_twenty_due_first_and_says_how_many_there_are(cast):
    """Someone responsible for hundreds of steps gets a start page of the same size, and is told so."""
    for n in range(23):
        collaboration = CollaborationFactory(title=f"Uppdrag {n:02d}", parties=[cast.kommun, cast.forening])
        assign(cast, cast.officer, collaboration=collaboration, due_on=today() + timedelta(days=n))

    html = client_for(cast.officer).get("/").text
    tasks = html[html.index("Mina uppgifter") : html.index("</section>", html.index("Mina uppgifter"))]

    assert tasks.count("Problem- och behovsformulering</a>") == 20
    assert "Uppdrag 19" in tasks  # the earliest due first
    assert "Uppdrag 20" not in tasks
    assert "Du ansvarar för 23 steg som inte är klara. Här visas de 20 som ska vara klara först" in tasks


def test_an_assignment_in_a_phase_that_became_per_party_leaves_my_tasks_once_the_party_is_done(cast):
    """Assignments made while the prerequisites were answered together (before migration 0016 made them the
    public parties' own, or an admin changed a phase's answer mode) are done when the party's own step is:
    they cannot be cleared by hand any more (steps of per-party phases take no assignment)."""
    step = step_obj(PREREQ_STATUS)
    StepAssignmentFactory(
        collaboration=cast.collaboration, step=step, responsible=cast.officer, responsible_organisation=cast.kommun
    )
    StepProgress.objects.create(
        collaboration=cast.collaboration, step=step, party_organisation=cast.kommun, status=StepStatus.DONE
    )
    assert not StepAssignment.objects.open().filter(collaboration=cast.collaboration, step=step).exists()
    response = client_for(cast.officer).get(reverse("home"))
    assert response.status_code == 200
    assert "Mina uppgifter" not in response.text


def test_lateness_is_shown_by_more_than_colour() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    rule = css[css.index(".tag--overdue {") :].split("}", 1)[0]
    assert "border:" in rule
    assert ".tag--overdue::before" in css

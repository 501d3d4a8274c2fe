"""Who does what, in a real browser: assign a step, find it under Mina uppgifter, edit and end the collaboration.

axe and the 320 px reflow check run on every page visited.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.models import Activity, ActivityKind, Collaboration, Status, StepAssignment
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_assign_a_step_see_it_under_mina_uppgifter_then_edit_and_end(page, cast):
    collaboration = cast.collaboration
    sign_in(page, cast.officer.email, PASSWORD)

    # The task list: give the first step a responsible person and an overdue date.
    page.goto(reverse("task_list", args=[collaboration.code, "samverkansmodellen"]))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Ge steget en ansvarig – Problem- och behovsformulering")).click()
    page.wait_for_url("**/ansvar/")
    assert_accessible(page)
    page.get_by_label("Ansvarig").select_option(label="Tove Tjänsteperson (Halmstads kommun)")
    page.get_by_label(re.compile("Klart senast")).fill("2020-01-31")
    page.get_by_role("button", name="Spara ansvar").click()
    page.wait_for_url(re.compile(r"/samverkansmodellen/$"))
    expect(page.get_by_text("Ansvarig: Tove Tjänsteperson (Halmstads kommun)")).to_be_visible()
    assert_accessible(page)
    assert StepAssignment.objects.get(collaboration=collaboration).responsible == cast.officer

    # The start page: the step under Mina uppgifter, overdue said in words.
    page.goto("/")
    tasks = page.locator("section", has=page.get_by_role("heading", name="Mina uppgifter"))
    expect(tasks.get_by_role("link", name="Problem- och behovsformulering")).to_be_visible()
    expect(tasks.get_by_text("Försenad")).to_be_visible()
    assert_accessible(page)

    # The collaboration page: what is expected of you here, then edit the collaboration.
    page.goto(reverse("collaboration_detail", args=[collaboration.code]))
    expected = page.locator("section", has=page.get_by_role("heading", name="Det här väntar på dig"))
    expect(
        expected.get_by_role("link", name=re.compile("Gör klart steget ”Problem- och behovsformulering”"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ändra titel, beskrivning, period och kontaktpersoner").click()
    page.wait_for_url("**/andra/")
    assert_accessible(page)
    page.get_by_label("Titel").fill("Läxhjälp i hela Halmstad")
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Läxhjälp i hela Halmstad")

    # End it with a closing note.
    page.get_by_role("link", name="Avsluta samverkan").click()
    page.wait_for_url("**/avsluta/")
    assert_accessible(page)
    page.get_by_role("button", name="Avsluta samverkan").click()  # without a note: the error summary
    expect(page.get_by_role("link", name="Skriv en avslutande anteckning.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Avslutande anteckning").fill("Läxhjälpen fortsätter i skolans regi.")
    page.get_by_role("button", name="Avsluta samverkan").click()
    expect(page.get_by_text("Samverkan är avslutad.")).to_be_visible()
    assert_accessible(page)
    collaboration.refresh_from_db()
    assert collaboration.status == Status.FINISHED

    # The activity log shows all of it.
    page.get_by_role("link", name="Händelser – vem gjorde vad och när").click()
    page.wait_for_url("**/handelser/")
    assert_accessible(page)
    expect(page.get_by_text("Samverkan avslutad:")).to_be_visible()
    assert set(Activity.objects.filter(collaboration=collaboration).values_list("kind", flat=True)) == {
        ActivityKind.ASSIGNED,
        ActivityKind.COLLABORATION_EDITED,
        ActivityKind.COLLABORATION_ENDED,
    }
    assert Collaboration.objects.get(pk=collaboration.pk).title == "Läxhjälp i hela Halmstad"

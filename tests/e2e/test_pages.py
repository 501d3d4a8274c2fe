"""Every page of the portal, signed in as each role, checked by axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.models import Invitation, Role
from tests.e2e.conftest import allow_status, assert_accessible, sign_in, visit
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_are_accessible(page, cast):
    for path in [
        reverse("home"),
        reverse("login"),
        reverse("password_reset"),
        reverse("form_list"),
        reverse("form_detail", args=["iop"]),
        reverse("principle_list"),
    ]:
        visit(page, path)
    page.goto(reverse("password_reset"))
    page.get_by_label("E-postadress").fill("okand@exempel.se")
    page.get_by_role("button", name="Skicka länk").click()
    page.wait_for_url("**/skickat/")
    assert_accessible(page)


def test_the_missing_page_is_accessible(page, cast):
    allow_status(page, 404)
    response = page.goto("/finns-inte/")
    assert response is not None
    assert response.status == 404
    assert "Sidan finns inte" in page.content()
    assert_accessible(page)


def test_a_failed_sign_in_shows_an_accessible_error(page, cast):
    page.goto(reverse("login"))
    page.get_by_label("E-postadress").fill(cast.officer.email)
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    assert page.title().startswith("Fel:")
    assert "stämmer inte" in page.locator(".error-summary").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("role", ["officer", "board_member", "coordinator"])
def test_collaboration_pages_are_accessible_for_each_role(page, cast, role):
    sign_in(page, getattr(cast, role).email, PASSWORD)
    assert_accessible(page)
    assert "Läxhjälp i Centrum" in page.content()
    code = cast.collaboration.code
    for path in [
        reverse("collaboration_create"),
        reverse("collaboration_detail", args=[code]),
        reverse("form_chooser", args=[code]),
        reverse("task_list", args=[code, "samverkansmodellen"]),
        reverse("task_list", args=[code, "infor-forsta-samtalet"]),
        reverse("step", args=[code, "samverkansmodellen", "identifiera-och-involvera", "malgrupp"]),
        reverse("step", args=[code, "infor-forsta-samtalet", "checklista", "varfor"]),
        reverse("phase_review", args=[code, "samverkansmodellen", "identifiera-och-involvera"]),
        reverse("guide_review", args=[code, "samverkansmodellen"]),
        reverse("step_history", args=[code, "samverkansmodellen", "identifiera-och-involvera", "malgrupp"]),
        reverse("organisation_list"),
    ]:
        visit(page, path)


def test_creating_a_collaboration_with_errors_is_accessible(page, cast):
    sign_in(page, cast.officer.email, PASSWORD)
    page.goto(reverse("collaboration_create"))
    page.get_by_role("button", name="Skapa samverkan").click()
    summary = page.locator(".error-summary")
    assert "Ange en titel för samverkan." in summary.inner_text()
    assert page.title().startswith("Fel:")
    assert_accessible(page)


def test_coordinator_pages_are_accessible(page, cast):
    member = MembershipFactory(organisation=cast.kommun, role=Role.OFFICER)
    sign_in(page, cast.coordinator.email, PASSWORD)
    code = cast.kommun.code
    for path in [
        reverse("organisation_list"),
        reverse("organisation_create"),
        reverse("organisation_detail", args=[code]),
        reverse("invitation_create", args=[code]),
        reverse("membership_edit", args=[code, member.code]),
    ]:
        visit(page, path)
    page.goto(reverse("organisation_create"))
    page.get_by_label("Organisationsnummer").fill("802002-8712")
    page.get_by_role("button", name="Registrera").click()
    assert "stämmer inte" in page.locator(".error-summary").inner_text()
    assert_accessible(page)


def test_the_invitation_page_is_accessible(page, cast):
    _invitation, token = Invitation.issue(
        organisation=cast.forening, email="ny@exempel.se", role=Role.BOARD_MEMBER, invited_by=cast.civil_coordinator
    )
    visit(page, reverse("invitation_accept", args=[token]))
    page.get_by_label("Ditt namn").fill("Nora Ny")
    page.get_by_label("Välj lösenord").fill("ett-bra-losenord-2026")
    page.get_by_label("Upprepa lösenordet").fill("ett-bra-losenord-2026")
    page.get_by_role("button", name="Skapa konto").click()
    page.wait_for_url("**/")
    assert "Föreningen Läxhjälp" in page.content()
    assert_accessible(page)


def test_history_and_an_earlier_version_are_accessible(page, cast):
    from collaboration.cowriting.contract import Base, Edit, text_digest
    from collaboration.models import Question, Step
    from collaboration.steps import step_save

    step = Step.objects.get(slug="malgrupp")
    question = Question.objects.filter(group__step=step).order_by("group__order", "order").first()
    step_save(
        collaboration=cast.collaboration,
        step=step,
        edits=[Edit(slot=question, text="Första versionen.", base=Base(0, text_digest("")))],
        writer="e2e-board-page",
        user=cast.board_member,
        organisation=cast.forening,
    )
    sign_in(page, cast.officer.email, PASSWORD)
    args = [cast.collaboration.code, "samverkansmodellen", step.phase.slug, step.slug]
    visit(page, reverse("step_history", args=args))
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(f"**/{question.code}/1/")
    assert "Första versionen." in page.locator(".answer-text").inner_text()
    assert_accessible(page)


def test_the_locked_out_page_is_accessible(page, cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page.allowed_statuses.update({403, 429})
    for _ in range(2):
        page.goto(reverse("login"))
        page.get_by_label("E-postadress").fill(cast.officer.email)
        page.get_by_label("Lösenord").fill("fel-lösenord")
        page.get_by_role("button", name="Logga in").click()
    assert "För många misslyckade inloggningar" in page.content()
    assert_accessible(page)


def test_an_existing_user_accepts_an_invitation_after_signing_in(page, cast):
    _invitation, token = Invitation.issue(
        organisation=cast.forening, email=cast.officer.email, role=Role.BOARD_MEMBER, invited_by=cast.civil_coordinator
    )
    visit(page, reverse("invitation_accept", args=[token]))
    page.get_by_role("link", name="Logga in").last.click()
    page.get_by_label("E-postadress").fill(cast.officer.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**/inbjudan/{token}/")
    assert_accessible(page)
    page.get_by_role("button", name="Tacka ja").click()
    page.wait_for_url("**/")
    assert "Föreningen Läxhjälp" in page.locator("main").inner_text()


def test_an_invitation_opened_by_someone_else_is_explained(page, cast):
    _invitation, token = Invitation.issue(
        organisation=cast.forening, email=cast.officer.email, role=Role.BOARD_MEMBER, invited_by=cast.civil_coordinator
    )
    sign_in(page, cast.board_member.email, PASSWORD)
    allow_status(page, 403)
    response = page.goto(reverse("invitation_accept", args=[token]))
    assert response is not None
    assert response.status == 403
    assert "Inbjudan är till någon annan" in page.content()
    assert_accessible(page)


def test_the_party_and_claim_pages_are_accessible(page, cast):
    """Inviting another organisation, leaving, and claiming an organisation someone else registered."""
    from tests.factories import OrganisationFactory

    registered = OrganisationFactory(name="Föreningen Registrerad av kommunen", registered_by=cast.kommun)
    sign_in(page, cast.civil_coordinator.email, PASSWORD)
    code = cast.collaboration.code
    for path in [
        reverse("party_invite", args=[code]),
        reverse("party_leave", args=[code, cast.forening.code]),
        reverse("organisation_claim", args=[registered.code]),
    ]:
        visit(page, path)
    # The claim form's error state too.
    page.get_by_role("button", name="Skicka begäran").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)


def test_an_edit_that_met_a_colleagues_change_is_accessible(page, cast, browser, live_server):
    """The 409 page of "Ändra samverkan": a colleague changed the description while this page was open."""
    url = reverse("collaboration_edit", args=[cast.collaboration.code])
    sign_in(page, cast.officer.email, PASSWORD)
    visit(page, url)
    other = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    sign_in(other, cast.board_member.email, PASSWORD)
    other.goto(url)
    other.get_by_label("Kort beskrivning (frivillig)").fill("Styrelsens nya beskrivning.")
    other.get_by_role("button", name="Spara ändringarna").click()
    other.wait_for_url("**/samverkan/*/")
    other.context.close()
    page.get_by_label("Kort beskrivning (frivillig)").fill("Kommunens beskrivning.")
    allow_status(page, 409)
    page.get_by_role("button", name="Spara ändringarna").click()
    page.wait_for_load_state()
    assert "Någon annan har ändrat samma uppgifter" in page.content()
    assert page.get_by_label("Kort beskrivning (frivillig)").input_value() == "Kommunens beskrivning."
    assert_accessible(page)

"""A collaboration is edited, ended with a closing note, archived and reopened; every change is logged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import Activity, ActivityKind, Collaboration, Party, Status
from tests.factories import CollaborationFactory
from tests.portal.test_drafts import token_from_page

pytestmark = pytest.mark.django_db


def url(name: str, collaboration: Collaboration) -> str:
    return reverse(name, args=[collaboration.code])


def kinds(collaboration: Collaboration) -> list[str]:
    return list(Activity.objects.filter(collaboration=collaboration).values_list("kind", flat=True))


def test_a_member_edits_title_period_and_the_other_partys_contact(cast, officer_client):
    collaboration = cast.collaboration
    forening = Party.objects.get(collaboration=collaboration, organisation=cast.forening)
    response = officer_client.post(
        url("collaboration_edit", collaboration),
        {
            "title": "Läxhjälp i hela Halmstad",
            "description": "Nu i fler stadsdelar.",
            "starts_on": "2027-01-10",
            "ends_on": "2027-12-20",
            f"contact_{forening.pk}": cast.civil_coordinator.pk,
        },
    )

    assert response.status_code == 302
    collaboration.refresh_from_db()
    forening.refresh_from_db()
    assert collaboration.title == "Läxhjälp i hela Halmstad"
    assert str(collaboration.starts_on) == "2027-01-10"
    assert forening.contact == cast.civil_coordinator
    entry = Activity.objects.get(collaboration=collaboration, kind=ActivityKind.COLLABORATION_EDITED)
    assert entry.actor == cast.officer
    assert "titel" in entry.summary
    assert "kontaktperson för Föreningen Läxhjälp" in entry.summary


def test_the_edit_form_offers_only_the_partys_own_people_as_its_contact(cast, officer_client):
    forening = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    response = officer_client.post(
        url("collaboration_edit", cast.collaboration),
        {"title": "X", f"contact_{forening.pk}": cast.officer.pk},
    )
    assert response.status_code == 200
    assert "Välj en person i listan." in response.text
    assert kinds(cast.collaboration) == []


def test_an_edit_that_changes_nothing_logs_nothing(cast, officer_client):
    collaboration = cast.collaboration
    officer_client.post(
        url("collaboration_edit", collaboration),
        {"title": collaboration.title, "description": collaboration.description},
    )
    assert kinds(collaboration) == []


def test_the_edit_page_links_to_the_chooser_for_the_form(cast, officer_client):
    html = officer_client.get(url("collaboration_edit", cast.collaboration)).text
    assert url("form_chooser", cast.collaboration) in html


def test_ending_needs_a_closing_note(cast, board_client):
    response = board_client.post(url("collaboration_end", cast.collaboration), {"closing_note": ""})
    assert response.status_code == 200
    assert "Skriv en avslutande anteckning." in response.text
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.ended_at is None


def test_ending_sets_avslutad_keeps_the_note_and_stays_readable(cast, board_client, officer_client):
    response = board_client.post(
        url("collaboration_end", cast.collaboration), {"closing_note": "Läxhjälpen fortsätter i skolans regi."}
    )

    assert response.status_code == 302
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.status == Status.FINISHED
    page = officer_client.get(url("collaboration_detail", cast.collaboration))
    assert page.status_code == 200
    assert "Samverkan är avslutad." in page.text
    assert "Läxhjälpen fortsätter i skolans regi." in page.text
    assert kinds(cast.collaboration) == [ActivityKind.COLLABORATION_ENDED]


def test_an_archived_collaboration_leaves_the_start_page_but_is_under_visa_arkiverade(cast, officer_client):
    other = CollaborationFactory(title="Idrott för alla", parties=[cast.kommun, cast.forening])
    officer_client.post(url("collaboration_end", cast.collaboration), {"closing_note": "Klart."})
    officer_client.post(url("collaboration_archive", cast.collaboration), follow=True)

    start = officer_client.get("/").text
    assert other.title in start
    assert "Läxhjälp i Centrum" not in start
    assert 'href="/?arkiverade=1">Visa arkiverade</a>' in start
    archived = officer_client.get("/?arkiverade=1").text
    assert "Läxhjälp i Centrum" in archived
    assert other.title not in archived
    detail = officer_client.get(url("collaboration_detail", cast.collaboration))
    assert detail.status_code == 200
    assert "Samverkan är arkiverad." in detail.text


def test_reopening_brings_it_back_and_every_step_is_logged(cast, officer_client):
    collaboration = cast.collaboration
    officer_client.post(url("collaboration_end", collaboration), {"closing_note": "Klart."})
    officer_client.post(url("collaboration_archive", collaboration))
    response = officer_client.post(url("collaboration_reopen", collaboration), follow=True)

    assert response.redirect_chain[-1][0] == url("collaboration_detail", collaboration)
    collaboration.refresh_from_db()
    assert (collaboration.ended_at, collaboration.archived_at, collaboration.status) == (None, None, Status.ONGOING)
    assert "Läxhjälp i Centrum" in officer_client.get("/").text
    assert kinds(collaboration) == [
        ActivityKind.COLLABORATION_REOPENED,
        ActivityKind.COLLABORATION_ARCHIVED,
        ActivityKind.COLLABORATION_ENDED,
    ]


def test_ending_twice_logs_once(cast, officer_client):
    officer_client.post(url("collaboration_end", cast.collaboration), {"closing_note": "Klart."})
    officer_client.post(url("collaboration_end", cast.collaboration), {"closing_note": "Igen."})
    assert kinds(cast.collaboration) == [ActivityKind.COLLABORATION_ENDED]


def test_an_outsider_can_do_none_of_it(cast, outsider_client):
    for name in ["collaboration_edit", "collaboration_end", "collaboration_archive", "collaboration_reopen"]:
        assert (
            outsider_client.post(url(name, cast.collaboration), {"title": "X", "closing_note": "X"}).status_code == 404
        )
    assert kinds(cast.collaboration) == []


def test_a_closing_note_typed_while_signed_out_comes_back_after_signing_in(cast):
    """The drafts mechanism, as on the create form: nothing is ended, the text waits for its writer."""
    end = url("collaboration_end", cast.collaboration)
    client = Client()  # the session expired while they wrote
    response = client.post(
        end, {"closing_note": "Vi tackar alla volontärer.", "draft_owner": token_from_page(cast.board_member, end)}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={end}"
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.ended_at is None

    client.force_login(cast.board_member)
    assert "Vi tackar alla volontärer." in client.get(end).text


def test_a_closing_note_written_while_a_colleague_ended_it_is_shown_not_dropped(cast, officer_client, board_client):
    url = reverse("collaboration_end", args=[cast.collaboration.code])
    board_client.post(url, {"closing_note": "Föreningens slutord."})
    page = officer_client.post(url, {"closing_note": "Kommunens slutord, skrivna samtidigt."})
    assert page.status_code == 409
    assert "Någon annan avslutade samverkan medan du skrev" in page.text
    assert "Kommunens slutord, skrivna samtidigt." in page.text
    assert "Föreningens slutord." in page.text
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.closing_note == "Föreningens slutord."

"""The page "Ändra samverkan" writes back every field the page was loaded with (no base, no conflict)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def as_loaded(page) -> dict:
    form = page.context["form"]
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_changing_only_the_dates_does_not_erase_a_colleagues_new_description(cast):
    url = reverse("collaboration_edit", args=[cast.collaboration.code])
    officer, board = client_for(cast.officer), client_for(cast.board_member)
    officer_form = as_loaded(officer.get(url))  # the officer opens "Ändra" first
    board_form = as_loaded(board.get(url))

    board_form["description"] = "Styrelsens nya beskrivning, skriven med omsorg."
    assert board.post(url, board_form).status_code == 302

    officer_form["ends_on"] = "2027-12-20"  # touches only the end date
    officer.post(url, officer_form)

    cast.collaboration.refresh_from_db()
    assert cast.collaboration.description == "Styrelsens nya beskrivning, skriven med omsorg.", (
        "the board member's description was silently replaced by the text the officer's page was loaded with"
    )


def test_the_person_is_told_and_may_save_their_value_again_with_both_in_view(cast):
    url = reverse("collaboration_edit", args=[cast.collaboration.code])
    officer, board = client_for(cast.officer), client_for(cast.board_member)
    officer_form = as_loaded(officer.get(url))
    board_form = as_loaded(board.get(url))
    board_form["description"] = "Styrelsens text."
    board.post(url, board_form)
    officer_form["description"] = "Kommunens text."
    officer_form["ends_on"] = "2027-12-20"
    page = officer.post(url, officer_form)
    assert page.status_code == 409
    assert "Någon annan har ändrat samma uppgifter" in page.text
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.description == "Styrelsens text."
    assert str(cast.collaboration.ends_on) == "2027-12-20"  # the officer's other change is saved
    # Saving again from this page is a decision made with the colleague's change known.
    again = officer.post(url, as_loaded(page))
    assert again.status_code == 302
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.description == "Kommunens text."

"""Starting a new collaboration between a public and one or more civil-society parties."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from collaboration.models import Collaboration, CollaborationForm, Party
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE = "/samverkan/ny/"
TITLE = "Sommarlovsaktiviteter i Andersberg"


def valid_data(cast, **changes):
    data = {
        "title": TITLE,
        "description": "Aktiviteter för barn och unga under sommarlovet.",
        "public_party": cast.kommun.pk,
        "civil_parties": [cast.forening.pk],
        "form": CollaborationForm.objects.get(slug="iop").pk,
        "starts_on": "2027-06-01",
        "ends_on": "2027-08-31",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_create_page_is_where_the_start_page_links(cast, officer_client):
    assert reverse("collaboration_create") == CREATE
    assert f'href="{CREATE}"' in officer_client.get("/").text


def test_the_form_starts_with_the_users_own_organisation_as_a_party(cast, officer_client, board_client):
    officer_form = officer_client.get(CREATE).context["form"]
    assert officer_form["public_party"].value() == cast.kommun.pk
    board_form = board_client.get(CREATE).context["form"]
    assert board_form["civil_parties"].value() == [cast.forening.pk]
    assert "Du startar samverkan för Föreningen Läxhjälp, som blir part automatiskt." in board_client.get(CREATE).text
    # The parties' fields say what they are for, and that the creator's own is chosen already.
    page = officer_client.get(CREATE).text
    assert "Kommunen, regionen eller myndigheten som är part från start." in page
    assert "Startar du för en idéburen organisation är den redan vald." in page


def test_an_officer_creates_a_collaboration(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast))

    collaboration = Collaboration.objects.get(title=TITLE)
    assert response.status_code == 302
    assert response.url == reverse("collaboration_detail", args=[collaboration.code])
    assert collaboration.description == "Aktiviteter för barn och unga under sommarlovet."
    assert collaboration.form.slug == "iop"
    assert collaboration.starts_on == date(2027, 6, 1)
    assert collaboration.ends_on == date(2027, 8, 31)
    assert collaboration.created_by == cast.officer
    parties = {p.organisation: p.contact for p in Party.objects.filter(collaboration=collaboration)}
    assert parties == {cast.kommun: cast.officer, cast.forening: None}

    page = officer_client.get(response.url)
    assert page.status_code == 200
    assert f"Samverkan ”{TITLE}” är skapad." in page.text
    assert "Halmstads kommun (Kommun) – kontaktperson Tove Tjänsteperson" in page.text
    # The förening is only invited until its coordinator or board accepts.
    assert "Föreningen Läxhjälp</td>" in page.text
    assert "Inbjuden, har inte svarat" in page.text
    assert "Fas 1: Identifiera och involvera" in page.text


def test_the_new_collaboration_shows_on_the_start_page_of_both_parties(cast, officer_client, board_client):
    officer_client.post(CREATE, valid_data(cast))
    assert TITLE in officer_client.get("/").text
    assert TITLE in board_client.get("/").text
    assert TITLE not in client_for(cast.outsider).get("/").text


def test_the_creators_organisation_always_becomes_a_party_with_the_creator_as_contact(cast, board_client):
    response = board_client.post(CREATE, valid_data(cast, civil_parties=[cast.other_org.pk]))
    assert response.status_code == 302

    collaboration = Collaboration.objects.get(title=TITLE)
    parties = {p.organisation: p.contact for p in Party.objects.filter(collaboration=collaboration)}
    assert parties == {cast.kommun: None, cast.other_org: None, cast.forening: cast.board_member}


def test_only_the_title_and_parties_are_required(cast, officer_client):
    data = valid_data(cast, description=None, form=None, starts_on=None, ends_on=None)
    response = officer_client.post(CREATE, data)
    assert response.status_code == 302
    collaboration = Collaboration.objects.get(title=TITLE)
    assert collaboration.form is None
    assert collaboration.starts_on is None
    assert "Inte planerad än" in officer_client.get(response.url).text


def assert_refused(response, field: str, code: str, message: str) -> None:
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code), response.context["form"].errors.as_data()
    assert message in response.text
    assert "Det finns problem att rätta" in response.text
    assert response.text.count(message) == 2  # in the summary and next to the field


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        ({"title": ""}, "title", "required", "Ange en titel för samverkan."),
        ({"title": "   "}, "title", "required", "Ange en titel för samverkan."),
        ({"civil_parties": None}, "civil_parties", "required", "Välj minst en idéburen part."),
        ({"public_party": None}, "public_party", "required", "Välj den offentliga parten."),
        (
            {"starts_on": "2027-08-31", "ends_on": "2027-06-01"},
            "ends_on",
            "ends_before_start",
            "Slutdatumet kan inte vara före startdatumet.",
        ),
        (
            {"starts_on": "1 juni"},
            "starts_on",
            "invalid",
            "Ange startdatumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-15.",
        ),
    ],
    ids=["no-title", "blank-title", "no-civil-party", "no-public-party", "ends-before-start", "bad-date"],
)
def test_it_refuses_an_incomplete_collaboration_and_stores_nothing(cast, officer_client, changes, field, code, message):
    before = Collaboration.objects.count()
    response = officer_client.post(CREATE, valid_data(cast, **changes))

    assert_refused(response, field, code, message)
    assert Collaboration.objects.count() == before
    assert not Party.objects.exclude(collaboration=cast.collaboration).exists()


def test_what_was_typed_is_still_in_the_form_after_an_error(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast, civil_parties=None))
    assert response.status_code == 200
    assert f'value="{TITLE}"' in response.text
    assert "Aktiviteter för barn och unga under sommarlovet.</textarea>" in response.text
    assert 'value="2027-06-01"' in response.text


def test_it_refuses_a_civil_organisation_as_the_public_party(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast, public_party=cast.other_org.pk))
    assert_refused(response, "public_party", "invalid_choice", "Välj en offentlig organisation i listan.")
    assert not Collaboration.objects.filter(title=TITLE).exists()


def test_it_refuses_a_public_organisation_as_a_civil_party(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast, civil_parties=[cast.kommun.pk]))
    assert_refused(response, "civil_parties", "invalid_choice", "Välj idéburna organisationer i listan.")
    assert not Collaboration.objects.filter(title=TITLE).exists()


def test_it_refuses_a_title_longer_than_200_characters(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast, title="a" * 201))
    assert_refused(response, "title", "max_length", "Titeln får vara högst 200 tecken (nu 201).")
    assert Collaboration.objects.count() == 1


def test_it_accepts_a_title_of_exactly_200_characters(cast, officer_client):
    response = officer_client.post(CREATE, valid_data(cast, title="å" * 200))
    assert response.status_code == 302
    assert Collaboration.objects.filter(title="å" * 200).exists()


def test_markup_in_the_title_is_shown_as_text(cast, officer_client):
    title = '<script>alert("hej")</script><b>Fet</b>'
    response = officer_client.post(CREATE, valid_data(cast, title=title), follow=True)

    assert response.status_code == 200
    assert Collaboration.objects.filter(title=title).exists()
    assert "<script>alert" not in response.text
    assert "<b>Fet</b>" not in response.text
    assert "<h1>&lt;script&gt;alert(&quot;hej&quot;)&lt;/script&gt;&lt;b&gt;Fet&lt;/b&gt;</h1>" in response.text
    assert "<script>alert" not in officer_client.get("/").text


def test_a_user_without_membership_cannot_create_a_collaboration(cast):
    client = client_for(UserFactory())
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, valid_data(cast))
    assert response.status_code == 403
    assert not Collaboration.objects.filter(title=TITLE).exists()


def test_a_visitor_is_sent_to_sign_in(cast, client):
    response = client.post(CREATE, valid_data(cast))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={CREATE}"
    assert not Collaboration.objects.filter(title=TITLE).exists()

"""Coordinators register partner organisations and manage the members of their own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stdnum import luhn

from collaboration.models import Membership, Organisation, OrganisationKind, Role, Sector
from tests.conftest import client_for
from tests.factories import MembershipFactory, organisation_number

pytestmark = pytest.mark.django_db

CREATE = reverse("organisation_create")
NUMBER = organisation_number(90_001)


def valid_data(**changes):
    data = {
        "name": "Stiftelsen Sommarljus",
        "kind": OrganisationKind.STIFTELSE.value,
        "sector": Sector.CIVIL.value,
        "organisation_number": NUMBER,
        "municipality": "Halmstad",
        "contact_email": "info@sommarljus.se",
    }
    data.update(changes)
    return data


def with_bad_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def assert_refused(response, field: str, code: str, message: str) -> None:
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code), response.context["form"].errors.as_data()
    assert message in response.text


def test_a_coordinator_registers_an_organisation(cast, coordinator_client):
    digits = NUMBER.replace("-", "")
    response = coordinator_client.post(CREATE, valid_data(organisation_number=f"{digits[:6]} {digits[6:]}"))

    organisation = Organisation.objects.get(name="Stiftelsen Sommarljus")
    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[organisation.code])
    assert organisation.organisation_number == NUMBER
    assert organisation.kind == OrganisationKind.STIFTELSE
    assert organisation.sector == Sector.CIVIL
    assert organisation.municipality == "Halmstad"
    assert organisation.registered_by == cast.kommun

    page = coordinator_client.get(response.url)
    assert page.status_code == 200
    assert "Stiftelsen Sommarljus är registrerad och kan nu bjudas in som part." in page.text
    assert NUMBER in page.text
    assert "Bjud in organisationens samordnare" in page.text


@pytest.mark.parametrize("written", ["{d}", "{d6}-{d4}", " {d6} – {d4} ", "{d6}\u2212{d4}", "16{d}", "16{d6}-{d4}"])
def test_it_stores_the_number_as_nnnnnn_dash_nnnn_however_it_is_written(cast, coordinator_client, written):
    digits = NUMBER.replace("-", "")
    typed = written.format(d=digits, d6=digits[:6], d4=digits[6:])
    response = coordinator_client.post(CREATE, valid_data(organisation_number=typed))
    assert response.status_code == 302
    assert Organisation.objects.get(name="Stiftelsen Sommarljus").organisation_number == NUMBER


def test_the_registered_organisation_can_then_be_chosen_as_a_party(cast, coordinator_client):
    coordinator_client.post(CREATE, valid_data())
    form = coordinator_client.get(reverse("collaboration_create")).context["form"]
    assert "Stiftelsen Sommarljus" in [o.name for o in form.fields["civil_parties"].queryset]


def test_the_registered_organisation_is_listed_for_the_coordinator(cast, coordinator_client):
    coordinator_client.post(CREATE, valid_data())
    html = coordinator_client.get(reverse("organisation_list")).text
    assert f'Stiftelsen Sommarljus</a> <span class="tag">ej verifierad</span> (Stiftelse, {NUMBER})' in html


PERSONNUMMER_BODY = "800101123"


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (
            with_bad_check_digit(NUMBER),
            "checksum",
            "Organisationsnumret stämmer inte. Kontrollera siffrorna, särskilt den sista.",
        ),
        (
            f"{PERSONNUMMER_BODY[:6]}-{PERSONNUMMER_BODY[6:]}{luhn.calc_check_digit(PERSONNUMMER_BODY)}",
            "personnummer",
            "Det här ser ut som ett personnummer. Ange organisationens organisationsnummer.",
        ),
        ("802090-12", "format", "Ange organisationsnumret med tio siffror, till exempel 802480-1238."),
        (NUMBER + "1", "format", "Ange organisationsnumret med tio siffror, till exempel 802480-1238."),
        ("80209O-1234", "format", "Ange organisationsnumret med tio siffror, till exempel 802480-1238."),
        ("", "required", "Ange organisationsnumret."),
        (
            "19121212-1212",
            "personnummer",
            "Det här ser ut som ett personnummer. Ange organisationens organisationsnummer.",
        ),
        (
            "201212121212",
            "personnummer",
            "Det här ser ut som ett personnummer. Ange organisationens organisationsnummer.",
        ),
        (
            "17" + NUMBER.replace("-", ""),
            "format",
            "Ange organisationsnumret med tio siffror, till exempel 802480-1238.",
        ),
    ],
    ids=[
        "checksum",
        "personnummer",
        "too-short",
        "too-long",
        "letter",
        "missing",
        "personnummer-12-digits",
        "personnummer-12-digits-2000s",
        "12-digits-wrong-prefix",
    ],
)
def test_it_refuses_a_wrong_organisation_number_and_stores_nothing(cast, coordinator_client, number, code, message):
    before = Organisation.objects.count()
    response = coordinator_client.post(CREATE, valid_data(organisation_number=number))
    assert_refused(response, "organisation_number", code, message)
    assert Organisation.objects.count() == before
    assert 'value="Stiftelsen Sommarljus"' in response.text


@pytest.mark.parametrize("written", ["same", "digits-only"])
def test_it_refuses_a_number_already_in_the_portal(cast, coordinator_client, written):
    existing = cast.forening.organisation_number
    typed = existing if written == "same" else existing.replace("-", "")
    before = Organisation.objects.count()
    response = coordinator_client.post(CREATE, valid_data(organisation_number=typed))
    assert_refused(
        response,
        "organisation_number",
        "taken",
        f"Organisationsnummer {existing} finns redan i portalen som Föreningen Läxhjälp. "
        "Hör du till den organisationen kan du be dess samordnare att bjuda in dig, "
        "eller begära att få företräda den.",
    )
    assert Organisation.objects.count() == before
    # ... and it shows the way to claim it.
    assert reverse("organisation_claim", args=[cast.forening.code]) in response.text


@pytest.mark.parametrize(
    ("kind", "sector", "message"),
    [
        ("kommun", "ideburen", "En kommun, region eller myndighet hör till offentlig sektor."),
        ("ideell-forening", "offentlig", "Den organisationsformen hör till idéburen sektor."),
    ],
)
def test_it_refuses_a_kind_that_does_not_belong_to_the_sector(cast, coordinator_client, kind, sector, message):
    before = Organisation.objects.count()
    response = coordinator_client.post(CREATE, valid_data(kind=kind, sector=sector))
    assert_refused(response, "sector", "sector_mismatch", message)
    assert Organisation.objects.count() == before


def test_it_refuses_an_organisation_without_a_name(cast, coordinator_client):
    response = coordinator_client.post(CREATE, valid_data(name=""))
    assert_refused(response, "name", "required", "Ange organisationens namn.")
    assert not Organisation.objects.filter(organisation_number=NUMBER).exists()


@pytest.mark.parametrize("role", ["officer", "board_member"])
def test_only_coordinators_may_register_organisations(cast, role):
    client = client_for(getattr(cast, role))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, valid_data()).status_code == 403
    assert not Organisation.objects.filter(organisation_number=NUMBER).exists()


def test_a_coordinator_sees_the_members_of_their_organisation(cast, coordinator_client):
    response = coordinator_client.get(reverse("organisation_detail", args=[cast.kommun.code]))
    assert response.status_code == 200
    html = response.text
    assert "Halmstads kommun" in html
    for user, role in [(cast.officer, "Tjänsteperson"), (cast.coordinator, "Samordnare")]:
        assert f"<td>{user.full_name}</td>" in html
        assert f"<td>{user.email}</td>" in html
        membership = user.memberships.get(organisation=cast.kommun)
        assert reverse("membership_edit", args=[cast.kommun.code, membership.code]) in html
        assert f"<td>{role}</td>" in html
    assert "Bo Styrelse" not in html
    assert "Läxhjälp i Centrum" in html


def edit_url(cast, user) -> str:
    membership = Membership.objects.get(user=user, organisation=cast.kommun)
    return reverse("membership_edit", args=[cast.kommun.code, membership.code])


def test_a_coordinator_changes_a_members_role(cast, coordinator_client):
    response = coordinator_client.post(edit_url(cast, cast.officer), {"role": Role.COORDINATOR, "is_active": "1"})

    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[cast.kommun.code])
    membership = Membership.objects.get(user=cast.officer, organisation=cast.kommun)
    assert membership.role == Role.COORDINATOR
    assert membership.is_active
    assert "Ändringen för Tove Tjänsteperson är sparad." in coordinator_client.get(response.url).text
    # The new coordinator can now manage the organisation.
    assert client_for(cast.officer).get(response.url).status_code == 200


def test_a_deactivated_member_loses_access_to_the_collaboration(cast, coordinator_client):
    detail = reverse("collaboration_detail", args=[cast.collaboration.code])
    officer_client = client_for(cast.officer)
    assert officer_client.get(detail).status_code == 200

    response = coordinator_client.post(edit_url(cast, cast.officer), {"role": Role.OFFICER, "is_active": "0"})

    assert response.status_code == 302
    assert not Membership.objects.get(user=cast.officer, organisation=cast.kommun).is_active
    assert "<td>Avaktiverad</td>" in coordinator_client.get(response.url).text
    assert officer_client.get(detail).status_code == 404
    assert "Läxhjälp i Centrum" not in officer_client.get("/").text


def test_a_reactivated_member_gets_access_back(cast, coordinator_client):
    Membership.objects.filter(user=cast.officer).update(is_active=False)
    coordinator_client.post(edit_url(cast, cast.officer), {"role": Role.OFFICER, "is_active": "1"})
    detail = reverse("collaboration_detail", args=[cast.collaboration.code])
    assert client_for(cast.officer).get(detail).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"role": Role.OFFICER, "is_active": "1"}, {"role": Role.COORDINATOR, "is_active": "0"}],
    ids=["demote", "deactivate"],
)
def test_the_last_active_coordinator_cannot_be_removed(cast, coordinator_client, change):
    response = coordinator_client.post(edit_url(cast, cast.coordinator), change)

    assert response.status_code == 200
    message = "Halmstads kommun måste ha minst en aktiv samordnare. Utse en ny samordnare först."
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.text
    membership = Membership.objects.get(user=cast.coordinator, organisation=cast.kommun)
    assert membership.role == Role.COORDINATOR
    assert membership.is_active


def test_a_coordinator_can_step_down_once_there_is_another_after_confirming(cast, coordinator_client):
    MembershipFactory(organisation=cast.kommun, role=Role.COORDINATOR)
    change = {"role": Role.OFFICER, "is_active": "1"}

    asked = coordinator_client.post(edit_url(cast, cast.coordinator), change)

    assert asked.status_code == 200
    assert "Vill du sluta vara samordnare för Halmstads kommun?" in asked.text
    assert "Du blir Tjänsteperson och kan fortsätta arbeta i samverkan." in asked.text
    assert "Bara en annan samordnare kan ändra tillbaka det." in asked.text
    assert Membership.objects.get(user=cast.coordinator, organisation=cast.kommun).role == Role.COORDINATOR

    response = coordinator_client.post(edit_url(cast, cast.coordinator), {**change, "confirm": "1"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert Membership.objects.get(user=cast.coordinator, organisation=cast.kommun).role == Role.OFFICER


def test_a_coordinator_deactivating_themselves_is_told_they_lose_access(cast, coordinator_client):
    MembershipFactory(organisation=cast.kommun, role=Role.COORDINATOR)
    asked = coordinator_client.post(edit_url(cast, cast.coordinator), {"role": Role.COORDINATOR, "is_active": "0"})
    assert "Vill du avaktivera dig själv i Halmstads kommun?" in asked.text
    assert "Du kan inte längre arbeta för Halmstads kommun i portalen" in asked.text
    assert Membership.objects.get(user=cast.coordinator, organisation=cast.kommun).is_active


def test_changing_someone_else_is_not_asked_twice(cast, coordinator_client):
    response = coordinator_client.post(edit_url(cast, cast.officer), {"role": Role.COORDINATOR, "is_active": "1"})
    assert response.status_code == 302


def test_a_deactivated_coordinator_does_not_count_as_the_other_coordinator(cast, coordinator_client):
    MembershipFactory(organisation=cast.kommun, role=Role.COORDINATOR, is_active=False)
    response = coordinator_client.post(edit_url(cast, cast.coordinator), {"role": Role.OFFICER, "is_active": "1"})
    assert response.status_code == 200
    assert Membership.objects.get(user=cast.coordinator, organisation=cast.kommun).role == Role.COORDINATOR


def test_it_refuses_an_unknown_role(cast, coordinator_client):
    response = coordinator_client.post(edit_url(cast, cast.officer), {"role": "chef", "is_active": "1"})
    assert_refused(response, "role", "invalid_choice", "Välj en roll i listan.")
    assert Membership.objects.get(user=cast.officer, organisation=cast.kommun).role == Role.OFFICER


def test_a_coordinator_cannot_edit_a_membership_of_another_organisation(cast, coordinator_client):
    other = Membership.objects.get(user=cast.board_member)
    url = reverse("membership_edit", args=[cast.kommun.code, other.code])
    response = coordinator_client.post(url, {"role": Role.COORDINATOR, "is_active": "1"})
    assert response.status_code == 404
    assert Membership.objects.get(pk=other.pk).role == Role.BOARD_MEMBER


def test_the_hint_and_the_error_give_the_same_example_and_it_is_no_demo_organisation(cast, coordinator_client):
    from collaboration.devtools.management.commands import load_demo_data

    page = coordinator_client.get(CREATE).text
    assert "Tio siffror, till exempel 802480-1238." in page
    response = coordinator_client.post(CREATE, valid_data(organisation_number="12345"))
    assert "Ange organisationsnumret med tio siffror, till exempel 802480-1238." in response.text
    with open(load_demo_data.__file__, encoding="utf-8") as demo:
        assert "802480-1238" not in demo.read()

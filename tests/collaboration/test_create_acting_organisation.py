"""People who belong to several organisations say which one they start a collaboration for."""

from django.urls import reverse

from collaboration.models import Collaboration, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory


def test_a_person_in_two_organisations_chooses_which_one_becomes_a_party(cast):
    MembershipFactory(user=cast.officer, organisation=cast.other_org, role=Role.BOARD_MEMBER)
    client = client_for(cast.officer)
    page = client.get(reverse("collaboration_create"))
    assert "Du startar samverkan för" in page.text

    response = client.post(
        reverse("collaboration_create"),
        {
            "acting_organisation": cast.other_org.pk,
            "title": "Ny samverkan",
            "public_party": cast.kommun.pk,
            "civil_parties": [cast.forening.pk],
        },
    )

    assert response.status_code == 302
    collaboration = Collaboration.objects.get(title="Ny samverkan")
    names = set(collaboration.parties.values_list("organisation__name", flat=True))
    assert names == {"Halmstads kommun", "Föreningen Läxhjälp", "Föreningen Utanför"}
    assert collaboration.parties.get(organisation=cast.other_org).contact == cast.officer


def test_a_person_cannot_act_for_an_organisation_they_do_not_belong_to(cast):
    MembershipFactory(user=cast.officer, organisation=cast.other_org, role=Role.BOARD_MEMBER)
    response = client_for(cast.officer).post(
        reverse("collaboration_create"),
        {
            "acting_organisation": cast.forening.pk,
            "title": "Ny samverkan",
            "public_party": cast.kommun.pk,
            "civil_parties": [cast.forening.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("acting_organisation", "invalid_choice")
    assert "Välj en av dina organisationer." in response.text
    assert not Collaboration.objects.filter(title="Ny samverkan").exists()

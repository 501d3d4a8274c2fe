"""No organisation is pulled into a collaboration without consent.

The creator's organisation takes part from the start; every other organisation
is invited, sees only the invitation until its coordinator (or a board member of
a civil-society organisation) accepts, and can decline or later leave.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from collaboration.access import acting_organisation
from collaboration.models import Answer, Collaboration, CollaborationForm, Party, PartyState, Role
from collaboration.parties import LastPartyError, PartyStateError, party_answer, party_invite, party_leave
from tests.collaboration.helpers import questions, step_url, task_list_url, write_answer
from tests.conftest import Cast, client_for
from tests.factories import MembershipFactory, PartyFactory, PublicOrganisationFactory

pytestmark = pytest.mark.django_db

TITLE = "Sommarlovsaktiviteter"


def create_as_officer(cast: Cast) -> Collaboration:
    response = client_for(cast.officer).post(
        reverse("collaboration_create"),
        {
            "title": TITLE,
            "description": "Gratis aktiviteter för barn under sommarlovet.",
            "public_party": cast.kommun.pk,
            "civil_parties": [cast.forening.pk],
            "form": CollaborationForm.objects.get(slug="projektmedel").pk,
        },
    )
    assert response.status_code == 302
    return Collaboration.objects.get(title=TITLE)


def invitation_url(collaboration: Collaboration, party_organisation) -> str:
    return reverse("party_invitation", args=[collaboration.code, party_organisation.code])


def detail_url(collaboration: Collaboration) -> str:
    return reverse("collaboration_detail", args=[collaboration.code])


def test_only_the_creators_organisation_takes_part_at_once(cast):
    collaboration = create_as_officer(cast)
    states = dict(Party.objects.filter(collaboration=collaboration).values_list("organisation__name", "state"))
    assert states == {"Halmstads kommun": PartyState.ACCEPTED, "Föreningen Läxhjälp": PartyState.INVITED}
    invited = Party.objects.get(collaboration=collaboration, organisation=cast.forening)
    assert invited.invited_by == cast.officer
    assert invited.invited_by_organisation == cast.kommun
    assert invited.contact is None


@pytest.mark.parametrize("role", ["civil_coordinator", "board_member"])
def test_the_invited_organisation_sees_the_invitation_and_nothing_else(cast, role):
    collaboration = create_as_officer(cast)
    client = client_for(getattr(cast, role))

    home = client.get(reverse("home"))
    assert "Inbjudningar som väntar på ert svar" in home.text
    assert invitation_url(collaboration, cast.forening) in home.text
    assert "Tove Tjänsteperson på Halmstads kommun bjuder in Föreningen Läxhjälp." in home.text
    assert "Gratis aktiviteter för barn under sommarlovet." in home.text
    assert "Projektmedel" in home.text
    assert f'href="{detail_url(collaboration)}"' not in home.text
    assert collaboration not in home.context["page"].object_list

    page = client.get(invitation_url(collaboration, cast.forening))
    assert page.status_code == 200
    assert TITLE in page.text
    assert "Acceptera" in page.text
    assert "Tacka nej" in page.text

    for url in [detail_url(collaboration), task_list_url(collaboration), step_url(collaboration)]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert TITLE not in response.text


def test_the_invitation_shows_the_planned_period(cast):
    collaboration = create_as_officer(cast)
    client = client_for(cast.civil_coordinator)
    assert "Inte bestämd än" in client.get(invitation_url(collaboration, cast.forening)).text
    Collaboration.objects.filter(pk=collaboration.pk).update(starts_on=date(2027, 6, 15), ends_on=date(2027, 8, 15))
    page = client.get(invitation_url(collaboration, cast.forening)).text
    assert "Planerad period" in page
    assert "2027-06-15–2027-08-15" in page


def test_officers_of_an_invited_public_organisation_see_nothing(cast):
    """Only coordinators answer for a public organisation; its officers see no invitation and no collaboration."""
    region = PublicOrganisationFactory(name="Region Halland")
    region_officer = MembershipFactory(organisation=region, role=Role.OFFICER).user
    region_coordinator = MembershipFactory(organisation=region, role=Role.COORDINATOR).user
    PartyFactory(collaboration=cast.collaboration, organisation=region, invited_by=cast.officer)

    officer = client_for(region_officer)
    assert "Inbjudningar som väntar" not in officer.get(reverse("home")).text
    assert officer.get(invitation_url(cast.collaboration, region)).status_code == 404
    assert officer.get(detail_url(cast.collaboration)).status_code == 404
    assert client_for(region_coordinator).get(invitation_url(cast.collaboration, region)).status_code == 200


def test_accepting_makes_the_organisation_a_party(cast):
    collaboration = create_as_officer(cast)
    client = client_for(cast.board_member)
    response = client.post(invitation_url(collaboration, cast.forening), {"action": "accept", "message": "Gärna!"})
    assert response.status_code == 302
    assert response.url == detail_url(collaboration)

    party = Party.objects.get(collaboration=collaboration, organisation=cast.forening)
    assert party.state == PartyState.ACCEPTED
    assert party.answered_by == cast.board_member
    assert party.message == "Gärna!"
    assert party.contact == cast.board_member
    assert client.get(detail_url(collaboration)).status_code == 200
    assert client_for(cast.civil_coordinator).get(task_list_url(collaboration)).status_code == 200
    assert collaboration in client.get(reverse("home")).context["page"].object_list


def test_a_double_click_on_acceptera_is_harmless(cast):
    collaboration = create_as_officer(cast)
    client = client_for(cast.civil_coordinator)
    url = invitation_url(collaboration, cast.forening)
    client.post(url, {"action": "accept", "message": "Första"})
    first = Party.objects.get(collaboration=collaboration, organisation=cast.forening)

    again = client.post(url, {"action": "accept", "message": "Andra"})
    assert again.status_code == 302
    assert again.url == detail_url(collaboration)
    second = Party.objects.get(collaboration=collaboration, organisation=cast.forening)
    assert (second.state, second.answered_at, second.message) == (PartyState.ACCEPTED, first.answered_at, "Första")


def test_declining_hides_it_for_good_and_the_inviting_side_sees_why(cast):
    collaboration = create_as_officer(cast)
    client = client_for(cast.civil_coordinator)
    response = client.post(
        invitation_url(collaboration, cast.forening), {"action": "decline", "message": "Vi har inte tid i sommar."}
    )
    assert response.status_code == 302
    assert Party.objects.get(collaboration=collaboration, organisation=cast.forening).state == PartyState.DECLINED

    assert client.get(invitation_url(collaboration, cast.forening)).status_code == 404
    assert client.get(detail_url(collaboration)).status_code == 404
    assert "Inbjudningar som väntar" not in client.get(reverse("home")).text
    # Accepting after declining is no longer possible.
    late = client.post(invitation_url(collaboration, cast.forening), {"action": "accept"})
    assert late.status_code == 404
    assert Party.objects.get(collaboration=collaboration, organisation=cast.forening).state == PartyState.DECLINED

    seen = client_for(cast.officer).get(detail_url(collaboration)).text
    assert "Har tackat nej" in seen
    assert "Vi har inte tid i sommar." in seen


def test_the_inviting_side_sees_who_has_not_answered(cast):
    collaboration = create_as_officer(cast)
    page = client_for(cast.officer).get(detail_url(collaboration))
    assert "Inbjudna och tidigare parter" in page.text
    assert "Inbjuden, har inte svarat" in page.text
    # Not counted as a party: the civil-society list says nobody has joined yet.
    assert "Ingen idéburen part är med än." in page.text


def test_an_invited_party_is_not_listed_as_a_party(cast):
    collaboration = create_as_officer(cast)
    home = client_for(cast.officer).get(reverse("home"))
    card = next(c for c in home.context["page"].object_list if c.pk == collaboration.pk)
    assert [p.organisation.name for p in card.parties.all()] == ["Halmstads kommun"]


def test_an_invited_organisation_does_not_count_as_the_acting_one(cast):
    """Someone in both an invited and an accepted organisation acts for the accepted one."""
    collaboration = create_as_officer(cast)
    MembershipFactory(user=cast.officer, organisation=cast.forening, role=Role.BOARD_MEMBER)
    # "Föreningen …" sorts before "Halmstads kommun": only the state can make this right.
    assert acting_organisation(cast.officer, collaboration) == cast.kommun


def test_the_organisation_page_lists_only_collaborations_it_has_accepted(cast):
    collaboration = create_as_officer(cast)
    page = client_for(cast.civil_coordinator).get(reverse("organisation_detail", args=[cast.forening.code]))
    assert cast.collaboration.title in page.text
    assert collaboration.title not in page.text


def test_a_party_invites_another_organisation_later(cast):
    client = client_for(cast.officer)
    url = reverse("party_invite", args=[cast.collaboration.code])
    form = client.get(url).context["form"]
    choices = list(form.fields["organisation"].queryset)
    assert cast.other_org in choices
    assert cast.forening not in choices  # already a party

    response = client.post(url, {"organisation": cast.other_org.pk})
    assert response.status_code == 302
    party = Party.objects.get(collaboration=cast.collaboration, organisation=cast.other_org)
    assert (party.state, party.invited_by, party.invited_by_organisation) == (
        PartyState.INVITED,
        cast.officer,
        cast.kommun,
    )
    outsider = client_for(cast.outsider)
    assert invitation_url(cast.collaboration, cast.other_org) in outsider.get(reverse("home")).text
    assert outsider.get(detail_url(cast.collaboration)).status_code == 404

    again = client.post(url, {"organisation": cast.other_org.pk})
    assert again.status_code == 200
    assert again.context["form"].has_error("organisation", "invalid_choice")


def test_a_declined_organisation_can_be_invited_again(cast):
    party = PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.DECLINED)
    response = client_for(cast.board_member).post(
        reverse("party_invite", args=[cast.collaboration.code]), {"organisation": cast.other_org.pk}
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.state, party.invited_by, party.invited_by_organisation) == (
        PartyState.INVITED,
        cast.board_member,
        cast.forening,
    )


def test_an_organisation_that_said_no_is_left_in_peace_for_a_month(cast):
    from datetime import timedelta

    from django.utils import timezone

    party = PartyFactory(
        collaboration=cast.collaboration,
        organisation=cast.other_org,
        state=PartyState.DECLINED,
        answered_at=timezone.now() - timedelta(days=3),
    )
    url = reverse("party_invite", args=[cast.collaboration.code])
    response = client_for(cast.board_member).post(url, {"organisation": cast.other_org.pk}, follow=True)
    assert "tackade nej nyligen" in response.text
    party.refresh_from_db()
    assert party.state == PartyState.DECLINED
    party.answered_at = timezone.now() - timedelta(days=31)
    party.save(update_fields=["answered_at"])
    client_for(cast.board_member).post(url, {"organisation": cast.other_org.pk})
    party.refresh_from_db()
    assert party.state == PartyState.INVITED


def test_a_party_leaves_and_its_texts_stay(cast):
    question = questions()[0]
    write_answer(cast.collaboration, question, "Föreningens tankar om behovet", cast.board_member, cast.forening)
    client = client_for(cast.civil_coordinator)
    url = reverse("party_leave", args=[cast.collaboration.code, cast.forening.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"message": "Vi lägger ner verksamheten."})
    assert response.status_code == 302

    party = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    assert (party.state, party.left_by) == (PartyState.LEFT, cast.civil_coordinator)
    for person in (cast.civil_coordinator, cast.board_member):
        assert client_for(person).get(detail_url(cast.collaboration)).status_code == 404
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question)
    assert (answer.text, answer.updated_by, answer.updated_by_organisation) == (
        "Föreningens tankar om behovet",
        cast.board_member,
        cast.forening,
    )
    officer = client_for(cast.officer)
    assert "Föreningens tankar om behovet" in officer.get(step_url(cast.collaboration)).text
    assert "Har lämnat samverkan" in officer.get(detail_url(cast.collaboration)).text


def test_the_last_party_cannot_leave(cast):
    Party.objects.filter(collaboration=cast.collaboration, organisation=cast.forening).update(state=PartyState.LEFT)
    client = client_for(cast.coordinator)
    url = reverse("party_leave", args=[cast.collaboration.code, cast.kommun.code])
    page = client.get(url)
    assert "Den sista parten kan inte lämna samverkan." in page.text
    assert "Lämna samverkan</button>" not in page.text
    response = client.post(url)
    assert response.status_code == 200
    assert "Den sista parten kan inte lämna samverkan." in response.text
    assert Party.objects.get(collaboration=cast.collaboration, organisation=cast.kommun).state == PartyState.ACCEPTED


def test_only_coordinators_and_civil_board_members_answer_for_their_organisation(cast):
    # The kommun's officer cannot take the kommun out; the förening's board member can take the förening out.
    assert (
        client_for(cast.officer)
        .post(reverse("party_leave", args=[cast.collaboration.code, cast.kommun.code]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.board_member)
        .get(reverse("party_leave", args=[cast.collaboration.code, cast.forening.code]))
        .status_code
        == 200
    )
    # Nobody answers for another organisation.
    assert (
        client_for(cast.coordinator)
        .post(reverse("party_leave", args=[cast.collaboration.code, cast.forening.code]))
        .status_code
        == 404
    )
    assert Party.objects.filter(collaboration=cast.collaboration, state=PartyState.ACCEPTED).count() == 2


def test_services_refuse_changes_that_do_not_follow_from_the_state(cast):
    party = Party.objects.get(collaboration=cast.collaboration, organisation=cast.forening)
    with pytest.raises(PartyStateError):
        party_invite(
            collaboration=cast.collaboration,
            organisation=cast.forening,
            user=cast.officer,
            inviting_organisation=cast.kommun,
        )
    party_leave(party=party, user=cast.civil_coordinator)
    with pytest.raises(PartyStateError):
        party_answer(party=party, user=cast.civil_coordinator, accept=True)
    with pytest.raises(LastPartyError):
        party_leave(
            party=Party.objects.get(collaboration=cast.collaboration, organisation=cast.kommun), user=cast.coordinator
        )

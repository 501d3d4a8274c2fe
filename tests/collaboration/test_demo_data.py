"""The demo data shows consent at work and can be loaded again without duplicates."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from collaboration.models import Answer, Collaboration, Organisation, Party, PartyState, SharedPhase
from portal.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def load() -> None:
    call_command("load_demo_data", stdout=io.StringIO())


def test_the_demo_has_accepted_collaborations_and_one_invitation_and_loads_twice():
    load()
    load()
    assert Collaboration.objects.count() == 4
    invited = Party.objects.exclude(state=PartyState.ACCEPTED)
    assert [(p.collaboration.title, p.organisation.name, p.state) for p in invited] == [
        ("Sommarlovsaktiviteter i Halmstad", "Föreningen Läxhjälp Halmstad", PartyState.INVITED)
    ]
    for title in ["Läxhjälp i Centrum", "Samråd om ny kulturstrategi", "Gröna gårdar för unga vuxna"]:
        states = set(Party.objects.filter(collaboration__title=title).values_list("state", flat=True))
        assert states == {PartyState.ACCEPTED}, title

    coordinator = client_for(User.objects.get(email="samordnare@laxhjalp.demo.se"))
    home = coordinator.get(reverse("home"))
    assert "Inbjudningar som väntar på ert svar" in home.text
    assert "Sommarlovsaktiviteter i Halmstad" in home.text
    assert {c.title for c in home.context["page"].object_list} == {"Läxhjälp i Centrum", "Samråd om ny kulturstrategi"}


def test_the_demo_shows_a_shared_checklist_and_the_kommuns_own_prerequisites():
    load()
    load()
    collaboration = Collaboration.objects.get(title="Läxhjälp i Centrum")
    kommun = Organisation.objects.get(name="Halmstads kommun")
    forening = Organisation.objects.get(name="Föreningen Läxhjälp Halmstad")
    own = Answer.objects.filter(collaboration=collaboration, party_organisation__isnull=False)
    assert set(
        own.filter(question__group__step__phase__slug="checklista").values_list("party_organisation", flat=True)
    ) == {
        kommun.pk,
        forening.pk,
    }
    assert own.filter(question__group__step__phase__slug="forutsattningar", party_organisation=kommun).count() == 1
    assert SharedPhase.objects.filter(collaboration=collaboration).count() == 2

    board = client_for(User.objects.get(email="styrelse@laxhjalp.demo.se"))
    compare = board.get(reverse("phase_compare", args=[collaboration.code, "infor-forsta-samtalet", "checklista"]))
    assert "pengar för ett år" in compare.text
    assert "långsiktigt, inte som ett projekt" in compare.text
    assert "Svaren skiljer sig" in compare.text
    review = board.get(reverse("guide_review", args=[collaboration.code, "samverkansmodellen"]))
    assert "förankra det hos nämnden" not in review.text
    officer = client_for(User.objects.get(email="handlaggare@halmstad.demo.se"))
    review = officer.get(reverse("guide_review", args=[collaboration.code, "samverkansmodellen"]))
    assert "förankra det hos nämnden" in review.text

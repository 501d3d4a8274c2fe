"""The demo data shows consent at work and can be loaded again without duplicates."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from collaboration.models import (
    Activity,
    ActivityKind,
    Answer,
    Collaboration,
    Organisation,
    Party,
    PartyState,
    SharedPhase,
    Status,
    StepAssignment,
)
from portal.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def load() -> None:
    call_command("load_demo_data", stdout=io.StringIO())


def test_the_demo_has_accepted_collaborations_and_one_invitation_and_loads_twice():
    load()
    load()
    assert Collaboration.objects.count() == 6
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


def test_the_demo_shows_phases_agreed_and_awaited_and_principles_rated():
    from collaboration.models import PhaseCompletion, PhaseConfirmation, PrincipleRating
    from collaboration.principle_check import principle_lines

    load()
    load()
    laxhjalp = Collaboration.objects.get(title="Läxhjälp i Centrum")
    assert set(
        PhaseConfirmation.objects.filter(collaboration=laxhjalp).values_list("organisation__name", flat=True)
    ) == {"Halmstads kommun", "Föreningen Läxhjälp Halmstad"}
    assert PhaseCompletion.objects.filter(collaboration=laxhjalp, phase__slug="identifiera-och-involvera").exists()
    assert PrincipleRating.objects.filter(collaboration=laxhjalp).count() == 12  # loaded twice, kept once
    assert [line.principle.slug for line in principle_lines(laxhjalp) if line.differ] == ["langsiktighet"]

    grona = Collaboration.objects.get(title="Gröna gårdar för unga vuxna")
    assert not PhaseCompletion.objects.filter(collaboration=grona).exists()
    region = client_for(User.objects.get(email="samordnare@region.demo.se"))
    html = region.get(
        reverse("phase_review", args=[grona.code, "samverkansmodellen", "identifiera-och-involvera"])
    ).text
    assert "Väntar på</span> Stiftelsen Gröna Gårdar" in html


def test_the_demo_has_assignments_one_overdue_and_an_ended_and_an_archived_collaboration():
    load()
    load()
    assert StepAssignment.objects.count() == 3
    officer = client_for(User.objects.get(email="handlaggare@halmstad.demo.se"))
    home = officer.get(reverse("home")).text
    tasks = home[home.index("Mina uppgifter") :]
    assert "Rollfördelning" in tasks
    assert "Försenad" in tasks
    ended = Collaboration.objects.get(title="Språkcafé på biblioteket")
    assert ended.status == Status.FINISHED
    assert ended.archived_at is None
    assert "Språkcafé på biblioteket" in home
    archived = Collaboration.objects.get(title="Julmarknad på gården 2025")
    assert archived.archived_at is not None
    region = client_for(User.objects.get(email="samordnare@region.demo.se"))
    assert "Julmarknad på gården 2025" not in region.get(reverse("home")).text
    assert "Julmarknad på gården 2025" in region.get(reverse("home") + "?arkiverade=1").text
    assert Activity.objects.filter(collaboration=archived, kind=ActivityKind.COLLABORATION_ARCHIVED).count() == 1


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


def test_each_demo_account_is_told_what_is_expected_of_it():
    from collaboration.expectations import expected_of

    load()
    kinds = {
        user.email: sorted({e.kind for e in expected_of(user)})
        for user in User.objects.filter(email__endswith=".demo.se")
    }
    assert kinds == {
        "handlaggare@halmstad.demo.se": ["assigned", "shared"],
        "samordnare@halmstad.demo.se": ["party-assigned", "shared"],
        "styrelse@laxhjalp.demo.se": ["assigned", "invitation", "shared"],
        "samordnare@laxhjalp.demo.se": ["invitation", "party-assigned", "shared"],
        "samordnare@region.demo.se": [],  # its phase waits for the stiftelse, not for the region
    }
    officer = client_for(User.objects.get(email="handlaggare@halmstad.demo.se"))
    laxhjalp = Collaboration.objects.get(title="Läxhjälp i Centrum")
    page = officer.get(reverse("collaboration_detail", args=[laxhjalp.code])).text
    assert "Gör klart steget ”Rollfördelning”" in page

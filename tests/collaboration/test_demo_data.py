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
    Approval,
    Collaboration,
    Organisation,
    Party,
    PartyState,
    SharedPhase,
    Status,
    StepAssignment,
    Support,
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
        "styrelse@laxhjalp.demo.se": ["approve-agreement", "assigned", "invitation", "shared"],
        "samordnare@laxhjalp.demo.se": ["approve-agreement", "invitation", "party-assigned", "shared"],
        "samordnare@region.demo.se": [],  # its phase waits for the stiftelse, not for the region
    }
    officer = client_for(User.objects.get(email="handlaggare@halmstad.demo.se"))
    laxhjalp = Collaboration.objects.get(title="Läxhjälp i Centrum")
    page = officer.get(reverse("collaboration_detail", args=[laxhjalp.code])).text
    assert "Gör klart steget ”Rollfördelning”" in page


def agreement_counts() -> dict[str, int]:
    from collaboration.models import (
        Agreement,
        AgreementComment,
        AgreementText,
        AgreementTextRevision,
        AgreementVersion,
        Approval,
        ChangeRequest,
    )

    models = [
        Agreement,
        AgreementText,
        AgreementTextRevision,
        AgreementVersion,
        Approval,
        ChangeRequest,
        AgreementComment,
        Activity,
        Answer,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_shows_an_adopted_agreement_one_under_review_and_a_draft_and_loads_twice():
    from collaboration.models import AgreementState, Membership, may_approve

    load()
    counts = agreement_counts()
    load()
    assert agreement_counts() == counts
    kommun = Organisation.objects.get(name="Halmstads kommun")
    forening = Organisation.objects.get(name="Föreningen Läxhjälp Halmstad")

    # Läxhjälp i Centrum: fastställd after two versions, approved by the board and by the delegated officer.
    agreement = Collaboration.objects.get(title="Läxhjälp i Centrum").agreement
    assert agreement.state == AgreementState.FASTSTALLD
    assert agreement.drafted_from_process_at is not None
    version_1, version_2 = agreement.versions.order_by("number")
    assert (version_1.number, version_2.number) == (1, 2)
    assert agreement.adopted_version == agreement.latest_version == version_2
    assert version_1.hash_matches()
    assert version_2.hash_matches()
    assert version_1.sha256 != version_2.sha256
    assert not version_1.approvals.exists()
    approvals = {a.organisation.name: a for a in version_2.approvals.all()}
    assert set(approvals) == {"Halmstads kommun", "Föreningen Läxhjälp Halmstad"}
    assert all(a.is_bound for a in approvals.values())
    assert approvals["Föreningen Läxhjälp Halmstad"].approved_by_name == "Britt Styrelseledamot"
    assert approvals["Föreningen Läxhjälp Halmstad"].decision_reference == "Styrelsemöte 2026-11-24, § 7"
    assert approvals["Halmstads kommun"].approved_by_name == "Tomas Tjänsteperson"
    officer = Membership.objects.get(user__email="handlaggare@halmstad.demo.se", organisation=kommun)
    assert officer.approves_agreements
    assert may_approve(officer)
    [thread] = version_1.comments.filter(parent__isnull=True)
    assert thread.section_slug == "resurser-och-ekonomi"
    assert thread.is_resolved
    assert thread.author.full_name == "Britt Styrelseledamot"
    assert [r.author.full_name for r in thread.replies.all()] == ["Tomas Tjänsteperson"]
    assert [c.organisation for c in version_1.change_requests.all()] == [forening]
    texts_1 = {s["slug"]: s["text"] for s in version_1.sections}
    texts_2 = {s["slug"]: s["text"] for s in version_2.sections}
    assert "en månads varsel" in texts_1["giltighetstid-andringar-och-uppsagning"]
    assert "tre månaders varsel" in texts_2["giltighetstid-andringar-och-uppsagning"]
    assert [slug for slug in texts_1 if texts_1[slug] != texts_2[slug]] == [
        "resurser-och-ekonomi",
        "giltighetstid-andringar-och-uppsagning",
    ]
    assert all(text.strip() for text in texts_2.values())
    parties = {p["name"]: p for p in version_2.parties}
    assert parties["Halmstads kommun"]["reference"] == "BUN 2026/0187"
    assert parties["Halmstads kommun"]["contact"]["name"] == "Tomas Tjänsteperson"
    assert parties["Föreningen Läxhjälp Halmstad"]["contact"]["name"] == "Samir Samordnare"
    kinds = list(
        Activity.objects.filter(collaboration=agreement.collaboration, kind__startswith="avtal-")
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    drafted = Activity.objects.get(collaboration=agreement.collaboration, kind=ActivityKind.AGREEMENT_DRAFTED)
    assert {"Bakgrund och problembild", "Principer"} <= set(drafted.data["sections"])
    principles = agreement.texts.get(section__slug="principer")
    drafted_principles = principles.revisions.order_by("number").first()
    assert "Vi får bara besked ett år i taget" in drafted_principles.text  # the ratings' comments, then rewritten
    assert kinds == [
        ActivityKind.AGREEMENT_DRAFTED,
        ActivityKind.AGREEMENT_EDITED,  # the officer's sections
        ActivityKind.AGREEMENT_EDITED,  # the förening's coordinator writes Principer
        ActivityKind.AGREEMENT_SENT,
        ActivityKind.AGREEMENT_COMMENTED,
        ActivityKind.AGREEMENT_COMMENTED,
        ActivityKind.AGREEMENT_CHANGES_REQUESTED,
        ActivityKind.AGREEMENT_EDITED,
        ActivityKind.AGREEMENT_SENT,
        ActivityKind.AGREEMENT_APPROVED,
        ActivityKind.AGREEMENT_APPROVED,
        ActivityKind.AGREEMENT_ADOPTED,
    ]

    # Samråd om ny kulturstrategi: version 1 under review, approved by the kommun, changes asked by the förening.
    agreement = Collaboration.objects.get(title="Samråd om ny kulturstrategi").agreement
    assert agreement.state == AgreementState.GRANSKNING
    [version] = agreement.versions.all()
    assert version.hash_matches()
    assert agreement.latest_version == version
    assert agreement.adopted_version is None
    approvals = {a.organisation.name: a for a in version.approvals.all()}
    assert approvals["Halmstads kommun"].approved_by_name == "Sara Samordnare"
    assert not approvals["Halmstads kommun"].is_registered
    # Equmeniakyrkan has nobody in the portal: its paper decision was registered by the kommun's coordinator.
    paper = approvals["Equmeniakyrkan Halmstad"]
    assert paper.is_registered
    assert paper.registered_by_name == "Sara Samordnare"
    assert paper.approved_by is None
    assert paper.decision_reference.startswith("Församlingsrådets protokoll ")
    assert paper.version_sha256 == version.sha256
    assert set(approvals) == {"Halmstads kommun", "Equmeniakyrkan Halmstad"}
    [request] = version.change_requests.all()
    assert request.organisation == forening
    assert request.requested_by.full_name == "Britt Styrelseledamot"
    [comment] = version.comments.all()
    assert comment.section_slug == "atgarder-och-tidsplan"
    assert not comment.is_resolved
    assert {p["name"]: p["reference"] for p in version.parties}["Halmstads kommun"] == "KFN 2026/0093"

    # Gröna gårdar för unga vuxna: a draft from the region's process answers, partly written, never sent.
    agreement = Collaboration.objects.get(title="Gröna gårdar för unga vuxna").agreement
    assert agreement.state == AgreementState.UTKAST
    assert agreement.drafted_from_process_at is not None
    assert not agreement.versions.exists()
    texts = {t.section.slug: t for t in agreement.texts.select_related("section")}
    assert texts["bakgrund-och-problembild"].filled_from  # came from the process
    assert "långt från arbete och studier" in texts["bakgrund-och-problembild"].text
    assert "19–29 år" in texts["malgrupp"].text
    assert "Syftet är att unga vuxna" in texts["malbild-och-syfte"].text
    assert "kvalitetskrav" not in texts  # partly written: some sections are still empty
    grona = agreement.collaboration
    region_party = Party.objects.get(collaboration=grona, organisation__name="Region Halland")
    assert region_party.reference == "RS 2026-00871"
    assert region_party.contact.email == "samordnare@region.demo.se"


def test_a_demo_database_from_before_the_agreements_gets_them_and_keeps_its_confirmations():
    from unittest import mock

    from collaboration.devtools.management.commands import load_demo_data
    from collaboration.models import Agreement, PhaseConfirmation

    with (
        mock.patch.object(load_demo_data, "grona_process_answers"),
        mock.patch.object(load_demo_data, "load_agreements"),
    ):
        load()
    assert not Agreement.objects.exists()
    load()
    assert Agreement.objects.count() == 3
    grona = Collaboration.objects.get(title="Gröna gårdar för unga vuxna")
    # The region's new answers took back its confirmation of phase 1 (logged); the loader confirms again.
    assert list(PhaseConfirmation.objects.filter(collaboration=grona).values_list("organisation__name", flat=True)) == [
        "Region Halland"
    ]
    assert grona.agreement.texts.get(section__slug="malgrupp").filled_from


def test_an_install_whose_demo_predates_registered_approvals_gets_the_paper_decision_on_the_next_load():
    load()
    registered = Approval.objects.filter(registered_by_name__gt="")
    assert registered.count() == 1
    registered.delete()  # as an install loaded before registered approvals existed
    load()
    load()
    assert Approval.objects.filter(registered_by_name__gt="").count() == 1


def test_the_demo_shows_support_granted_a_year_at_a_time_once():
    load()
    load()
    laxhjalp = Collaboration.objects.get(title="Läxhjälp i Centrum")
    supports = list(Support.objects.filter(collaboration=laxhjalp))
    assert len(supports) == 3
    assert len({s.starts_on.year for s in supports}) == 3
    board = client_for(User.objects.get(email="styrelse@laxhjalp.demo.se"))
    page = board.get(reverse("support_list", args=[laxhjalp.code])).text
    assert "Skolans bibliotek två kvällar i veckan" in page
    assert f"KS {max(s.starts_on.year for s in supports)}/114" in page

"""`seed_scale`: a realistic data set at scale, repeatable, consistent with the workflows' rules."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from collaboration.devtools.management.commands._seed_scale import PASSWORD, seeded_collaborations
from collaboration.models import (
    Activity,
    ActivityKind,
    Adoption,
    Agreement,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Answer,
    AnswerRevision,
    Approval,
    Collaboration,
    Membership,
    Organisation,
    Party,
    PartyState,
    PhaseCompletion,
    PhaseConfirmation,
    Role,
    Sector,
    Support,
    may_approve,
)
from collaboration.validators import validate_organisation_number
from portal.models import User

pytestmark = pytest.mark.django_db

SMALL = {"organisations": 12, "people": 40, "collaborations": 30, "agreements": 10}
KOMMUN_COORDINATOR = "samordnare@alla.skala.example.se"
KOMMUN_OFFICER = "handlaggare@alla.skala.example.se"
FORENING_COORDINATOR = "samordnare@tvatusen.skala.example.se"
FORENING_BOARD = "styrelse@tvatusen.skala.example.se"


def seed(**options: object) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def signed_in(email: str) -> Client:
    """Signed in through the sign-in page with the shared password, as the load benchmark does."""
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, email
    assert response["Location"] == reverse("home")
    return client


def seeded_organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(contact_email__endswith=".skala.example.se").order_by("name"))


def test_it_makes_as_many_as_the_options_ask():
    output = seed()
    assert len(seeded_organisations()) == 12
    assert User.objects.filter(email__endswith=".skala.example.se").count() == 40
    assert Collaboration.objects.count() == 30
    assert Agreement.objects.count() == 10
    assert "Seeded" in output
    kommun = Organisation.objects.get(name="Skalkommunen")
    forening = Organisation.objects.get(name="Skalföreningen Tvåtusen")
    accepted = Party.objects.filter(state=PartyState.ACCEPTED)
    assert accepted.filter(organisation=kommun).count() == 30
    # A fifth of the collaborations (2,000 of the full 10,000) are shared with the förening.
    assert accepted.filter(organisation=forening).count() == 6
    assert {p.state for p in Party.objects.all()} >= {PartyState.ACCEPTED}
    assert {o.sector for o in seeded_organisations()} == {Sector.PUBLIC, Sector.CIVIL}


def test_organisations_have_valid_numbers_and_sectors():
    seed(organisations=40, people=90)
    for organisation in seeded_organisations():
        validate_organisation_number(organisation.organisation_number)
        organisation.full_clean()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    def snapshot() -> tuple[list[str], list[str], list[str], list[str]]:
        return (
            list(Collaboration.objects.order_by("title").values_list("title", flat=True)),
            [o.organisation_number for o in seeded_organisations()],
            sorted(User.objects.values_list("email", flat=True)),
            sorted(AgreementVersion.objects.values_list("sha256", flat=True)),
        )

    seed()
    first = snapshot()
    seed(replace=True)
    assert snapshot() == first
    seed(replace=True, seed=7)
    assert snapshot()[0] != first[0]
    assert snapshot()[1] != first[1]


def test_a_second_run_without_replace_changes_nothing():
    seed()
    counts = [m.objects.count() for m in (Organisation, User, Collaboration, Answer, Activity, Agreement)]
    output = seed(collaborations=40)
    assert "Nothing changed" in output
    assert [m.objects.count() for m in (Organisation, User, Collaboration, Answer, Activity, Agreement)] == counts


def test_replace_leaves_other_data_alone(cast):
    seed()
    seed(replace=True)
    assert Collaboration.objects.filter(pk=cast.collaboration.pk).exists()
    assert Collaboration.objects.count() == 31
    assert seeded_collaborations().distinct().count() == 30


def test_every_version_hash_matches_and_approvals_name_their_version_hash():
    seed()
    versions = list(AgreementVersion.objects.all())
    assert versions
    assert all(v.hash_matches() for v in versions)
    approvals = list(Approval.objects.select_related("version", "organisation"))
    assert approvals
    for approval in approvals:
        assert approval.version_sha256 == approval.version.sha256
        membership = Membership.objects.get(user=approval.approved_by, organisation=approval.organisation)
        assert may_approve(membership)
        assert membership.role == approval.role


def test_agreements_are_adopted_under_review_and_drafts_consistently():
    seed(collaborations=60, agreements=40, organisations=16, people=60)
    states = set(Agreement.objects.values_list("state", flat=True))
    assert states == {AgreementState.UTKAST, AgreementState.GRANSKNING, AgreementState.FASTSTALLD}
    for agreement in Agreement.objects.select_related("latest_version", "adopted_version"):
        texts = {t.section.slug: t.text for t in AgreementText.objects.filter(agreement=agreement)}
        if agreement.state == AgreementState.FASTSTALLD:
            assert agreement.adopted_version is not None
            assert agreement.adopted_version_id == agreement.latest_version_id
            approved = set(
                Approval.objects.filter(version=agreement.adopted_version).values_list("organisation__name", flat=True)
            )
            assert {p["name"] for p in agreement.adopted_version.parties} <= approved
            # Adopted like the workflow adopts: recorded, and named by the version's own parties.
            adoption = Adoption.objects.get(version=agreement.adopted_version)
            assert adoption.version_sha256 == agreement.adopted_version.sha256
            assert len(agreement.adopted_version.named_organisations()) == len(agreement.adopted_version.parties)
        if agreement.state == AgreementState.GRANSKNING:
            assert agreement.latest_version is not None
            # Under review: the draft is the version sent, and somebody still in has not approved it.
            assert {s["slug"]: s["text"] for s in agreement.latest_version.sections} == texts
            in_now = set(
                Party.objects.filter(collaboration=agreement.collaboration, state=PartyState.ACCEPTED).values_list(
                    "organisation_id", flat=True
                )
            )
            approved_ids = set(
                Approval.objects.filter(version=agreement.latest_version).values_list("organisation_id", flat=True)
            )
            assert not in_now <= approved_ids
        if agreement.latest_version is not None:
            assert agreement.latest_version.number == agreement.versions.count()


def test_answers_versions_agree_with_their_revisions():
    seed()
    answers = list(Answer.objects.all())
    assert answers
    revisions: dict[int, list[AnswerRevision]] = {}
    for revision in AnswerRevision.objects.order_by("number"):
        revisions.setdefault(revision.answer_id, []).append(revision)
    for answer in answers:
        history = revisions[answer.pk]
        assert [r.number for r in history] == list(range(1, len(history) + 1))
        assert history[-1].version == answer.version
        assert history[-1].text == answer.text
        assert answer.updated_by_id == history[-1].author_id


def test_completed_phases_are_confirmed_by_every_party_that_was_in():
    seed()
    completions = list(PhaseCompletion.objects.all())
    assert completions
    for completion in completions:
        confirmed = set(
            PhaseConfirmation.objects.filter(
                collaboration=completion.collaboration, phase=completion.phase
            ).values_list("organisation_id", flat=True)
        )
        were_in = set(
            Party.objects.filter(
                collaboration=completion.collaboration, state__in=[PartyState.ACCEPTED, PartyState.LEFT]
            ).values_list("organisation_id", flat=True)
        )
        assert confirmed == were_in


def test_support_is_recorded_a_year_at_a_time_by_a_public_party_and_logged():
    seed()
    supports = list(Support.objects.select_related("organisation"))
    assert supports
    assert all(s.organisation.sector == Sector.PUBLIC for s in supports)
    assert all((s.starts_on.month, s.starts_on.day, s.ends_on.month, s.ends_on.day) == (1, 1, 12, 31) for s in supports)
    assert all(s.amount is not None or s.in_kind for s in supports)
    assert Activity.objects.filter(kind=ActivityKind.SUPPORT_RECORDED).count() == len(supports)
    by_collaboration = {(s.collaboration_id, s.starts_on.year) for s in supports}
    assert len(by_collaboration) == len(supports)  # one period a year per collaboration


def test_the_log_tells_the_story_with_times_spread_out():
    seed()
    times = list(Activity.objects.values_list("created_at", flat=True))
    assert len(times) > 30 * 5
    assert (max(times) - min(times)).days > 30
    assert all(json.dumps(a) for a in Activity.objects.values_list("data", flat=True))


def test_the_fixed_accounts_sign_in_and_their_pages_answer():
    seed()
    kommun = Organisation.objects.get(name="Skalkommunen")
    forening = Organisation.objects.get(name="Skalföreningen Tvåtusen")
    roles = {
        m.user.email: m.role
        for m in Membership.objects.filter(organisation__in=[kommun, forening]).select_related("user")
    }
    assert roles[KOMMUN_COORDINATOR] == Role.COORDINATOR
    assert roles[KOMMUN_OFFICER] == Role.OFFICER
    assert roles[FORENING_COORDINATOR] == Role.COORDINATOR
    assert roles[FORENING_BOARD] == Role.BOARD_MEMBER
    assert Membership.objects.get(user__email=KOMMUN_OFFICER).approves_agreements

    shared = Collaboration.objects.filter(parties__organisation=forening, parties__state=PartyState.ACCEPTED)
    # Among the shared ones: an agreement with two versions or more, and one under review the board may approve.
    assert Agreement.objects.filter(collaboration__in=shared, latest_version__number__gte=2).exists()
    awaiting = [
        a
        for a in Agreement.objects.filter(collaboration__in=shared, state=AgreementState.GRANSKNING)
        if not Approval.objects.filter(version_id=a.latest_version_id, organisation=forening).exists()
    ]
    assert awaiting
    collaboration = awaiting[0].collaboration
    answer = (
        Answer.objects.filter(
            collaboration=collaboration,
            party_organisation__isnull=True,
            question__group__step__phase__guide__slug="samverkansmodellen",
        )
        .select_related("question__group__step__phase")
        .first()
    )
    assert answer is not None
    step = answer.question.group.step
    pages = [
        reverse("home"),
        reverse("collaboration_detail", args=[collaboration.code]),
        reverse("task_list", args=[collaboration.code, "samverkansmodellen"]),
        reverse("step", args=[collaboration.code, "samverkansmodellen", step.phase.slug, step.slug]),
        reverse("agreement_detail", args=[collaboration.code]),
        reverse("activity_log", args=[collaboration.code]),
    ]
    for email, organisation in [
        (KOMMUN_COORDINATOR, kommun),
        (KOMMUN_OFFICER, kommun),
        (FORENING_COORDINATOR, forening),
        (FORENING_BOARD, forening),
    ]:
        client = signed_in(email)
        for url in [*pages, reverse("overview", args=[organisation.code])]:
            assert client.get(url).status_code == 200, (email, url)
    board = signed_in(FORENING_BOARD)
    latest = awaiting[0].latest_version
    assert latest is not None
    version_page = board.get(reverse("agreement_version", args=[collaboration.code, latest.number]))
    assert version_page.status_code == 200
    assert "Godkänn" in version_page.text


@pytest.mark.parametrize(
    "options",
    [{"organisations": 3}, {"people": 10}, {"collaborations": 0}, {"agreements": 31}],
)
def test_it_refuses_sizes_it_cannot_make(options):
    with pytest.raises(CommandError):
        seed(**options)
    assert not seeded_organisations()

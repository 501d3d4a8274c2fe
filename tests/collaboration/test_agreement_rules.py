"""The shared agreement's rules, through its workflows: what each party would notice.

Drafting from the process, the mapping from questions to sections (data), the frozen
versions and their SHA-256, who may approve, adoption and the lock, comments, the
activity log, and saving through the one save contract.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any
from unittest import mock

import pytest

from collaboration.access import approvers
from collaboration.agreement import approval, drafting, review, versions
from collaboration.agreement.approval import ApproveOutcome
from collaboration.agreement.drafting import AgreementLocked
from collaboration.agreement.versions import SendOutcome
from collaboration.cowriting.contract import Base, Edit, Outcome
from collaboration.guidance.loader import CONTENT_DIR
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementVersion,
    Approval,
    Membership,
    Party,
    PartyState,
    PrincipleRating,
    Question,
    Role,
    SectionKind,
    SectionSource,
)
from collaboration.models.agreements import ImmutableError, canonical_json
from collaboration.parties import party_leave
from principles.models import Principle
from tests.collaboration.helpers import (
    CHECKLIST_WHY,
    NEW_BASE,
    PREREQ_STATUS,
    questions,
    section,
    section_text,
    send_version,
    write_answer,
    write_sections,
)
from tests.conftest import Cast
from tests.factories import AgreementFactory, MembershipFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db

BACKGROUND = "bakgrund-och-problembild"


def q(code: str) -> Question:
    return Question.objects.get(code=code)


def start(cast: Cast, *, from_process: bool = True) -> Agreement:
    return drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=from_process
    )


def kinds(cast: Cast) -> list[str]:
    """The agreement's entries in the activity log, oldest first."""
    return list(
        Activity.objects.filter(collaboration=cast.collaboration, kind__startswith="avtal-")
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def approve(version: AgreementVersion, user: Any, organisation: Any, reference: str = "") -> ApproveOutcome:
    return approval.agreement_approve(
        version=version, user=user, organisation=organisation, decision_reference=reference
    )


def approve_all(cast: Cast, version: AgreementVersion) -> None:
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.ADOPTED


def agreement_of(cast: Cast) -> Agreement:
    return Agreement.objects.get(collaboration=cast.collaboration)


# --- Drafting from the process --------------------------------------------------------------


def test_a_draft_from_the_process_fills_the_sections_that_have_joint_answers(cast: Cast):
    problem = write_answer(
        cast.collaboration, q("problem-och-behov-problem"), "Många barn får inte läxhjälp.", cast.officer, cast.kommun
    )
    need = write_answer(
        cast.collaboration,
        q("problem-och-behov-behov"),
        "En lugn plats efter skolan.",
        cast.board_member,
        cast.forening,
    )
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Barn i årskurs 4–9 i Centrum.", cast.officer, cast.kommun)

    agreement = start(cast)

    # In the mapping's order, one answer per paragraph.
    assert section_text(agreement, BACKGROUND) == "Många barn får inte läxhjälp.\n\nEn lugn plats efter skolan."
    assert section_text(agreement, "malgrupp") == "Barn i årskurs 4–9 i Centrum."
    # Where the text came from, so the page can offer answers written later.
    background = AgreementText.objects.get(agreement=agreement, section__slug=BACKGROUND)
    assert background.filled_from == {problem.question.code: problem.version, need.question.code: need.version}
    assert background.filled_at is not None
    # A section with no answers stays empty (no made-up text).
    assert not section_text(agreement, "kvalitetskrav")
    assert agreement.drafted_from_process_at is not None
    entry = Activity.objects.get(collaboration=cast.collaboration, kind=ActivityKind.AGREEMENT_DRAFTED)
    assert entry.data["sections"] == ["Bakgrund och problembild", "Målgrupp"]


def test_the_draft_is_written_through_the_save_contract_with_its_history(cast: Cast):
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Barn i årskurs 4–9.", cast.officer, cast.kommun)
    agreement = start(cast)
    text = AgreementText.objects.get(agreement=agreement, section__slug="malgrupp")
    assert text.version == 1
    assert text.updated_by == cast.officer
    assert list(text.revisions.values_list("text", flat=True)) == ["Barn i årskurs 4–9."]


def test_a_partys_own_answers_never_go_into_the_draft(cast: Cast):
    """Prerequisites and the first-conversation checklist are per party: never copied into a shared text."""
    # Even if a site admin maps their questions to a section.
    malgrupp = section("malgrupp")
    prereq, why = questions(PREREQ_STATUS)[0], questions(CHECKLIST_WHY)[0]
    SectionSource.objects.create(section=malgrupp, question=prereq, order=90)
    SectionSource.objects.create(section=malgrupp, question=why, order=91)
    write_answer(cast.collaboration, prereq, "Budgeten är inte beslutad.", cast.officer, cast.kommun, party=cast.kommun)
    write_answer(cast.collaboration, why, "Vi vill växa.", cast.board_member, cast.forening, party=cast.forening)
    # A party's own answer to a question that is mapped (as a per-party phase would store it).
    write_answer(
        cast.collaboration, q("malgrupp-vilken"), "Internt: bara pojkar.", cast.officer, cast.kommun, party=cast.kommun
    )

    agreement = start(cast)

    written = " ".join(AgreementText.objects.filter(agreement=agreement).values_list("text", flat=True))
    assert "Budgeten" not in written
    assert "växa" not in written
    assert "pojkar" not in written
    assert not section_text(agreement, "malgrupp")


def test_a_second_draft_from_the_process_never_writes_over_text(cast: Cast):
    write_answer(cast.collaboration, q("problem-och-behov-problem"), "Första svaret.", cast.officer, cast.kommun)
    agreement = start(cast)
    write_sections(agreement, {BACKGROUND: "Vår egen formulering."}, cast.board_member, cast.forening)
    write_answer(cast.collaboration, q("problem-och-behov-problem"), "Ändrat svar.", cast.officer, cast.kommun)
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Svar skrivet efter utkastet.", cast.officer, cast.kommun)

    start(cast)

    assert section_text(agreement, BACKGROUND) == "Vår egen formulering."
    # A section that was still empty takes the answers written since.
    assert section_text(agreement, "malgrupp") == "Svar skrivet efter utkastet."
    # The changed answer is offered, not pulled in.
    sources = drafting.section_sources(cast.collaboration)[section(BACKGROUND).pk]
    text = AgreementText.objects.get(agreement=agreement, section__slug=BACKGROUND)
    assert [a.text for a in sources.newer_than(text.filled_from)] == ["Ändrat svar."]


def test_the_principles_section_takes_the_parties_comments(cast: Cast):
    principle = Principle.objects.order_by("order").first()
    assert principle is not None
    PrincipleRating.objects.create(
        collaboration=cast.collaboration,
        principle=principle,
        organisation=cast.forening,
        rating=PrincipleRating._meta.get_field("rating").choices[0][0],  # type: ignore[index]
        comment="Vi får vara en kritisk röst.",
        rated_by=cast.board_member,
    )
    agreement = start(cast)
    principles = AgreementSection.objects.get(prefill_principles=True)
    assert (
        section_text(agreement, principles.slug)
        == f"{principle.name}\nFöreningen Läxhjälp: Vi får vara en kritisk röst."
    )


def test_a_draft_from_the_process_while_a_version_is_reviewed_makes_a_new_draft(cast: Cast):
    """Filling a section after sending changes the text: approvals of the version under review no longer count."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Barn i årskurs 4–9.", cast.officer, cast.kommun)

    agreement = start(cast)

    assert section_text(agreement, "malgrupp") == "Barn i årskurs 4–9."
    assert agreement_of(cast).state == AgreementState.UTKAST
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.OUTDATED


def test_an_adopted_agreement_is_not_drafted_again_from_the_process(cast: Cast):
    approve_all(cast, send_version(cast.collaboration, cast.officer, cast.kommun))
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Barn i årskurs 4–9.", cast.officer, cast.kommun)
    with pytest.raises(AgreementLocked):
        start(cast)
    assert not section_text(agreement_of(cast), "malgrupp")


def test_starting_twice_makes_one_agreement(cast: Cast):
    first = start(cast, from_process=False)
    second = start(cast, from_process=False)
    assert first.pk == second.pk
    assert kinds(cast) == [ActivityKind.AGREEMENT_DRAFTED]


# --- The mapping is data --------------------------------------------------------------------


def shipped() -> list[dict[str, Any]]:
    with (CONTENT_DIR / "agreement_v1.json").open(encoding="utf-8") as handle:
        sections: list[dict[str, Any]] = json.load(handle)["sections"]
    return sections


def test_every_question_the_shipped_mapping_names_exists():
    """A typo or a renamed question in agreement_v1.json would silently fill nothing (the loader skips it)."""
    codes = [code for item in shipped() for code in item["sources"]]
    assert codes, "the shipped mapping names no questions"
    known = set(Question.objects.filter(code__in=codes).values_list("code", flat=True))
    assert sorted(set(codes) - known) == []


def test_every_shipped_section_and_source_is_loaded_in_order():
    items = shipped()
    loaded = list(AgreementSection.objects.order_by("order", "pk"))
    assert [s.slug for s in loaded] == [item["slug"] for item in items]
    for stored, item in zip(loaded, items, strict=True):
        assert stored.title == item["title"]
        assert stored.kind == item.get("kind", SectionKind.TEXT)
        assert stored.guidance.strip()
        assert (
            list(
                SectionSource.objects.filter(section=stored).order_by("order").values_list("question__code", flat=True)
            )
            == item["sources"]
        )


def test_the_mapping_takes_only_questions_that_the_parties_answer_together():
    per_party = SectionSource.objects.exclude(question__group__step__phase__answer_mode="gemensamt")
    assert list(per_party.values_list("question__code", flat=True)) == []


# --- Versions and their hash ----------------------------------------------------------------


def test_the_hash_recomputes_from_the_stored_snapshot(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    stored = AgreementVersion.objects.get(pk=version.pk)
    assert stored.hash_matches()
    assert stored.sha256 == hashlib.sha256(stored.content.encode("utf-8")).hexdigest()
    assert len(stored.sha256) == 64
    assert stored.content == canonical_json(json.loads(stored.content))
    assert stored.short_hash == stored.sha256[:12]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c.replace("läxhjälp", "läxhjälp och lunch"),
        # The same data written differently is not the text the hash was computed over.
        lambda c: json.dumps(json.loads(c), sort_keys=True, ensure_ascii=False, indent=1),
    ],
    ids=["changed-text", "not-canonical"],
)
def test_a_tampered_snapshot_no_longer_matches_its_hash(cast: Cast, tamper):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    AgreementVersion.objects.filter(pk=version.pk).update(content=tamper(version.content))
    assert not AgreementVersion.objects.get(pk=version.pk).hash_matches()


def test_a_version_cannot_be_changed_once_written(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    version.content = version.content.replace("läxhjälp", "lunch")
    with pytest.raises(ImmutableError):
        version.save()
    assert AgreementVersion.objects.get(pk=version.pk).hash_matches()


def test_the_snapshot_holds_the_parties_sections_title_and_dates(cast: Cast):
    collaboration = cast.collaboration
    collaboration.starts_on, collaboration.ends_on = date(2027, 1, 1), date(2027, 12, 31)
    collaboration.save()
    Party.objects.filter(collaboration=collaboration, organisation=cast.kommun).update(
        contact=cast.officer, reference="KS 2026/123"
    )
    Party.objects.filter(collaboration=collaboration, organisation=cast.forening).update(contact=cast.board_member)
    # Only accepted parties are in it: not one that is invited, nor one that left.
    PartyFactory(collaboration=collaboration, organisation=cast.other_org, state=PartyState.INVITED)
    gone = PartyFactory(collaboration=collaboration, state=PartyState.LEFT)

    version = send_version(
        collaboration, cast.officer, cast.kommun, {"malgrupp": "Barn 10–15 år.", BACKGROUND: "Behovet är stort."}
    )
    snapshot = version.snapshot

    assert snapshot["collaboration"]["title"] == "Läxhjälp i Centrum"
    assert snapshot["period"] == {"starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    assert snapshot["version"] == 1
    parties = {p["name"]: p for p in snapshot["parties"]}
    assert set(parties) == {"Halmstads kommun", "Föreningen Läxhjälp"}
    assert gone.organisation.name not in parties
    assert parties["Halmstads kommun"]["organisation_number"] == cast.kommun.organisation_number
    assert parties["Halmstads kommun"]["reference"] == "KS 2026/123"
    assert parties["Halmstads kommun"]["contact"] == {"name": "Tove Tjänsteperson", "email": cast.officer.email}
    assert parties["Föreningen Läxhjälp"]["contact"]["name"] == "Bo Styrelse"
    assert parties["Föreningen Läxhjälp"]["reference"] == ""
    # Every text section, in the sections' order; the parties are not a text section.
    text_slugs = [s.slug for s in AgreementSection.objects.filter(kind=SectionKind.TEXT).order_by("order")]
    assert [s["slug"] for s in snapshot["sections"]] == text_slugs
    texts = {s["slug"]: s["text"] for s in snapshot["sections"]}
    assert texts["malgrupp"] == "Barn 10–15 år."
    assert texts[BACKGROUND] == "Behovet är stort."
    assert texts["kvalitetskrav"] == ""


def test_the_snapshot_names_no_contact_who_has_left_the_organisation(cast: Cast):
    """A party's contact person who is no longer one of its people is not printed as its contact."""
    former = MembershipFactory(organisation=cast.forening, role=Role.BOARD_MEMBER, user__full_name="Fia Före")
    Party.objects.filter(collaboration=cast.collaboration, organisation=cast.forening).update(contact=former.user)
    Membership.objects.filter(pk=former.pk).update(is_active=False)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    forening = next(p for p in version.parties if p["name"] == "Föreningen Läxhjälp")
    assert forening["contact"] is None
    assert "Fia Före" not in version.content


def test_sending_twice_makes_one_version(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    again = versions.agreement_send(agreement=agreement_of(cast), user=cast.board_member, organisation=cast.forening)
    assert again == (SendOutcome.IN_REVIEW, version)
    assert AgreementVersion.objects.filter(agreement__collaboration=cast.collaboration).count() == 1
    assert kinds(cast).count(ActivityKind.AGREEMENT_SENT) == 1


def test_an_empty_agreement_is_not_sent(cast: Cast):
    agreement = start(cast, from_process=False)
    assert versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun) == (
        SendOutcome.EMPTY,
        None,
    )
    assert not AgreementVersion.objects.exists()


# --- Approval -------------------------------------------------------------------------------


def test_an_approval_is_bound_to_the_versions_hash(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    outcome = approve(version, cast.board_member, cast.forening, "  Styrelsemöte 2026-11-20, § 7 ")
    assert outcome is ApproveOutcome.APPROVED
    approval = Approval.objects.get()
    assert approval.version_sha256 == version.sha256
    assert approval.is_bound
    assert approval.organisation == cast.forening
    assert approval.approved_by_name == "Bo Styrelse"
    assert approval.role == Role.BOARD_MEMBER
    assert approval.decision_reference == "Styrelsemöte 2026-11-20, § 7"
    assert agreement_of(cast).state == AgreementState.GRANSKNING


def test_an_edit_after_sending_makes_a_new_draft_and_earlier_approvals_stop_counting(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    agreement = agreement_of(cast)

    report = write_sections(agreement, {BACKGROUND: "Ny text efter granskningen."}, cast.board_member, cast.forening)

    assert report.saved
    assert agreement_of(cast).state == AgreementState.UTKAST
    # The version under review is unchanged; the last party's approval of it is refused and not counted.
    assert AgreementVersion.objects.get(pk=version.pk).hash_matches()
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.OUTDATED
    assert not Approval.objects.filter(organisation=cast.forening).exists()
    assert agreement_of(cast).adopted_version is None
    assert kinds(cast)[-1] == ActivityKind.AGREEMENT_EDITED

    # The next version needs every party again: the kommun's approval of version 1 does not carry over.
    _, second = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert second is not None
    assert second.number == 2
    assert second.sha256 != version.sha256
    assert approve(second, cast.board_member, cast.forening) is ApproveOutcome.APPROVED
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.OUTDATED
    assert approve(second, cast.coordinator, cast.kommun) is ApproveOutcome.ADOPTED
    assert agreement_of(cast).adopted_version == second


def test_approving_an_old_version_again_says_it_is_outdated_not_already_approved(cast: Cast):
    """The party's approval of version 1 no longer counts: it must not be told it has approved."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    write_sections(agreement_of(cast), {BACKGROUND: "Ändrad."}, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.OUTDATED


def test_approving_twice_is_already(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED
    # A colleague of the same party, or a double click.
    assert approve(version, cast.officer, cast.kommun) is not ApproveOutcome.APPROVED
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.ALREADY
    assert Approval.objects.count() == 1
    assert kinds(cast).count(ActivityKind.AGREEMENT_APPROVED) == 1
    # After adoption, the last party's double click is still "already".
    assert approve(version, cast.board_member, cast.forening) is ApproveOutcome.ADOPTED
    assert approve(version, cast.civil_coordinator, cast.forening) is ApproveOutcome.ALREADY


def _member(organisation, role, **extra):
    return MembershipFactory(organisation=organisation, role=role, **extra)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("civil-board-member", True),
        ("civil-coordinator", True),
        ("civil-officer", False),
        ("public-coordinator", True),
        ("public-officer-delegated", True),
        ("public-officer", False),
        ("public-board-member", False),
        ("inactive-coordinator", False),
        ("coordinator-of-the-other-party", False),
    ],
)
def test_only_the_roles_the_rule_names_approve_for_their_party(cast: Cast, who: str, allowed: bool):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    people = {
        "civil-board-member": (cast.board_member, cast.forening),
        "civil-coordinator": (cast.civil_coordinator, cast.forening),
        "civil-officer": (_member(cast.forening, Role.OFFICER).user, cast.forening),
        "public-coordinator": (cast.coordinator, cast.kommun),
        "public-officer-delegated": (_member(cast.kommun, Role.OFFICER, approves_agreements=True).user, cast.kommun),
        "public-officer": (cast.officer, cast.kommun),
        "public-board-member": (_member(cast.kommun, Role.BOARD_MEMBER).user, cast.kommun),
        "inactive-coordinator": (_member(cast.kommun, Role.COORDINATOR, is_active=False).user, cast.kommun),
        # A samordnare of the kommun is not a member of the förening.
        "coordinator-of-the-other-party": (cast.coordinator, cast.forening),
    }
    user, organisation = people[who]
    outcome = approve(version, user, organisation)
    assert (outcome is ApproveOutcome.APPROVED) is allowed, outcome
    assert Approval.objects.filter(organisation=organisation).exists() is allowed
    assert (organisation in approvers(user, cast.collaboration)) is allowed


def test_a_delegated_officer_can_no_longer_approve_when_the_delegation_is_taken_back(cast: Cast):
    membership = _member(cast.kommun, Role.OFFICER, approves_agreements=True)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    Membership.objects.filter(pk=membership.pk).update(approves_agreements=False)
    assert approve(version, membership.user, cast.kommun) is ApproveOutcome.NOT_ALLOWED


def test_an_organisation_that_is_not_an_accepted_party_cannot_approve(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    # Invited, not yet accepted.
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.INVITED)
    assert approve(version, cast.outsider, cast.other_org) is ApproveOutcome.NOT_ALLOWED
    # Not a party at all.
    stranger = _member(PartyFactory().organisation, Role.COORDINATOR)
    assert approve(version, stranger.user, stranger.organisation) is ApproveOutcome.NOT_ALLOWED
    assert not Approval.objects.exists()
    assert approvers(cast.outsider, cast.collaboration) == []


def test_a_party_that_left_cannot_approve(cast: Cast):
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.ACCEPTED)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    party_leave(
        party=Party.objects.get(collaboration=cast.collaboration, organisation=cast.other_org), user=cast.outsider
    )
    assert approve(version, cast.outsider, cast.other_org) is ApproveOutcome.NOT_ALLOWED


def test_a_person_in_two_parties_approves_for_the_one_they_choose(cast: Cast):
    both = _member(cast.kommun, Role.COORDINATOR)
    _member(cast.forening, Role.BOARD_MEMBER, user=both.user)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    assert approvers(both.user, cast.collaboration) == [cast.forening, cast.kommun]
    assert approve(version, both.user, cast.forening) is ApproveOutcome.APPROVED
    assert list(Approval.objects.values_list("organisation", flat=True)) == [cast.forening.pk]
    assert agreement_of(cast).state == AgreementState.GRANSKNING


# --- Adoption and the lock -----------------------------------------------------------------


def test_when_every_accepted_party_has_approved_the_version_is_adopted_and_locked(cast: Cast):
    # An invited party is not waited for.
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.INVITED)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve_all(cast, version)

    agreement = agreement_of(cast)
    assert agreement.state == AgreementState.FASTSTALLD
    assert agreement.is_locked
    assert agreement.adopted_version == version
    assert agreement.adopted_at is not None
    assert kinds(cast).count(ActivityKind.AGREEMENT_ADOPTED) == 1

    with pytest.raises(AgreementLocked):
        write_sections(agreement, {BACKGROUND: "Ändrat i smyg."}, cast.officer, cast.kommun)
    assert section_text(agreement, BACKGROUND) == "Barn i Centrum behöver läxhjälp."
    assert versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun) == (
        SendOutcome.LOCKED,
        None,
    )


def test_a_new_version_of_an_adopted_agreement_leaves_the_adopted_one_in_force(cast: Cast):
    first = send_version(cast.collaboration, cast.officer, cast.kommun)
    approve_all(cast, first)
    agreement = agreement_of(cast)

    assert drafting.agreement_revise(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert not drafting.agreement_revise(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert agreement_of(cast).state == AgreementState.UTKAST
    assert write_sections(agreement, {BACKGROUND: "Version två."}, cast.officer, cast.kommun).saved
    _, second = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert second is not None
    assert second.number == 2

    assert agreement_of(cast).adopted_version == first
    assert approve(first, cast.coordinator, cast.kommun) is ApproveOutcome.OUTDATED
    approve_all(cast, second)
    assert agreement_of(cast).adopted_version == second
    assert kinds(cast).count(ActivityKind.AGREEMENT_REOPENED) == 1


# --- Comments and change requests ------------------------------------------------------------


def comment(version, cast, text, *, parent=None, slug=BACKGROUND, user=None, organisation=None):
    return review.agreement_comment(
        version=version,
        user=user or cast.board_member,
        organisation=organisation or cast.forening,
        section_slug=slug,
        text=text,
        parent=parent,
    )


def test_comments_are_threads_and_a_reply_to_a_reply_joins_the_thread(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    first = comment(version, cast, "Vem betalar resorna?")
    reply = comment(version, cast, "Kommunen.", parent=first, user=cast.officer, organisation=cast.kommun)
    deeper = comment(version, cast, "Skriv det i texten.", parent=reply, slug="malgrupp")
    whole = comment(version, cast, "Bra helhet.", slug="")

    assert reply.parent == first
    assert deeper.parent == first
    # A reply belongs to its thread's section, whatever the page posted.
    assert deeper.section_slug == BACKGROUND
    threads = review.comment_threads(version)
    assert [t.pk for t in threads[BACKGROUND]] == [first.pk]
    assert [r.text for r in threads[BACKGROUND][0].replies.all()] == ["Kommunen.", "Skriv det i texten."]
    assert [t.pk for t in threads[""]] == [whole.pk]
    assert kinds(cast).count(ActivityKind.AGREEMENT_COMMENTED) == 4
    entry = Activity.objects.filter(kind=ActivityKind.AGREEMENT_COMMENTED).order_by("pk").first()
    assert entry is not None
    assert "Bakgrund och problembild" in entry.summary


def test_a_thread_is_resolved_from_any_comment_and_a_reply_opens_it_again(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    first = comment(version, cast, "Vem betalar resorna?")
    reply = comment(version, cast, "Kommunen.", parent=first, user=cast.officer, organisation=cast.kommun)

    review.comment_resolve(comment=reply, user=cast.officer)
    first.refresh_from_db()
    assert first.is_resolved
    assert first.resolved_by == cast.officer

    comment(version, cast, "Men inte parkeringen.", parent=reply)
    first.refresh_from_db()
    assert not first.is_resolved
    assert first.resolved_by is None


def test_a_reply_cannot_join_a_thread_of_another_version(cast: Cast):
    """A posted parent from another agreement's (or version's) thread must not pull the reply across."""
    elsewhere = send_version(PartyFactory(state=PartyState.ACCEPTED).collaboration, cast.outsider, cast.other_org)
    foreign = comment(elsewhere, cast, "Hemlig tråd.", user=cast.outsider, organisation=cast.other_org)
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    with pytest.raises(ValueError, match="same version"):
        comment(version, cast, "Svar.", parent=foreign)
    assert not AgreementComment.objects.filter(version=version).exists()
    assert AgreementComment.objects.filter(parent=foreign).count() == 0


def test_a_reply_opens_a_thread_resolved_after_the_page_was_loaded(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    first = comment(version, cast, "Vem betalar resorna?")
    loaded = AgreementComment.objects.get(pk=first.pk)
    review.comment_resolve(comment=first, user=cast.officer)
    comment(version, cast, "En sak till.", parent=loaded)
    first.refresh_from_db()
    assert not first.is_resolved


def test_a_party_asks_for_changes_with_a_message(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    request = review.agreement_request_changes(
        version=version, user=cast.board_member, organisation=cast.forening, message="Lägg till lokalhyran."
    )
    assert request.version == version
    assert request.organisation == cast.forening
    assert request.message == "Lägg till lokalhyran."
    entry = Activity.objects.get(kind=ActivityKind.AGREEMENT_CHANGES_REQUESTED)
    assert entry.actor == cast.board_member
    assert entry.organisation == cast.forening


# --- The activity log -------------------------------------------------------------------------


def test_every_workflow_writes_the_activity_log(cast: Cast):
    agreement = start(cast, from_process=False)
    write_sections(agreement, {BACKGROUND: "Text."}, cast.officer, cast.kommun)
    # Autosave while typing: one entry, not one per pause.
    write_sections(agreement, {BACKGROUND: "Text, mer."}, cast.officer, cast.kommun)
    _, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert version is not None
    comment(version, cast, "En fråga.")
    review.agreement_request_changes(
        version=version, user=cast.board_member, organisation=cast.forening, message="Ändra."
    )
    approve_all(cast, version)
    drafting.agreement_revise(agreement=agreement, user=cast.officer, organisation=cast.kommun)

    assert kinds(cast) == [
        ActivityKind.AGREEMENT_DRAFTED,
        ActivityKind.AGREEMENT_EDITED,
        ActivityKind.AGREEMENT_SENT,
        ActivityKind.AGREEMENT_COMMENTED,
        ActivityKind.AGREEMENT_CHANGES_REQUESTED,
        ActivityKind.AGREEMENT_APPROVED,
        ActivityKind.AGREEMENT_APPROVED,
        ActivityKind.AGREEMENT_ADOPTED,
        ActivityKind.AGREEMENT_REOPENED,
    ]
    sent = Activity.objects.get(kind=ActivityKind.AGREEMENT_SENT)
    assert sent.data == {"version": 1, "sha256": version.sha256}
    assert sent.actor == cast.officer
    assert sent.organisation == cast.kommun
    approvals = Activity.objects.filter(kind=ActivityKind.AGREEMENT_APPROVED).order_by("pk")
    assert [a.organisation for a in approvals] == [cast.kommun, cast.forening]


# --- Who is told ------------------------------------------------------------------------------


def test_the_people_of_the_accepted_parties_are_told_not_outsiders(cast: Cast):
    PartyFactory(collaboration=cast.collaboration, organisation=cast.other_org, state=PartyState.INVITED)
    former = _member(cast.forening, Role.BOARD_MEMBER, is_active=False).user
    calls: list[dict[str, Any]] = []
    with mock.patch("portal.notifications.notify", side_effect=lambda **kw: calls.append(kw) or 0):
        version = send_version(cast.collaboration, cast.officer, cast.kommun)
        approve_all(cast, version)
    assert [c["kind"] for c in calls] == ["granskning", "godkand", "faststalld"]
    sent = calls[0]
    assert set(sent["recipients"]) == {
        cast.officer,
        cast.coordinator,
        cast.board_member,
        cast.civil_coordinator,
    }
    assert cast.outsider not in sent["recipients"]
    assert former not in sent["recipients"]
    assert sent["exclude"] == cast.officer
    assert sent["path"] == versions.version_url(version)


# --- Saving through the save contract ----------------------------------------------------------


def test_two_writers_on_the_same_section_the_second_gets_a_conflict(cast: Cast):
    agreement = start(cast, from_process=False)
    empty = Base.parse(NEW_BASE)
    first = drafting.agreement_save(
        agreement=agreement,
        edits=[Edit(slot=section(BACKGROUND), text="Kommunens text.", base=empty)],
        writer="sida-kommun",
        user=cast.officer,
        organisation=cast.kommun,
    )
    second = drafting.agreement_save(
        agreement=agreement,
        edits=[Edit(slot=section(BACKGROUND), text="Föreningens text.", base=empty)],
        writer="sida-forening",
        user=cast.board_member,
        organisation=cast.forening,
    )
    assert first.results[section(BACKGROUND).pk].outcome is Outcome.SAVED
    assert second.conflicts == [section(BACKGROUND).pk]
    assert section_text(agreement, BACKGROUND) == "Kommunens text."
    # What the conflict view shows: the colleague's text.
    assert second.results[section(BACKGROUND).pk].answer.text == "Kommunens text."


def test_a_section_left_as_loaded_never_writes_over_a_colleagues_text(cast: Cast):
    agreement = start(cast, from_process=False)
    write_sections(agreement, {BACKGROUND: "Bakgrund.", "malgrupp": "Barn."}, cast.officer, cast.kommun)
    loaded = {
        t.section.slug: t.base for t in AgreementText.objects.filter(agreement=agreement).select_related("section")
    }
    # A colleague changes the target group after the page was loaded.
    write_sections(agreement, {"malgrupp": "Barn och föräldrar."}, cast.board_member, cast.forening)

    report = drafting.agreement_save(
        agreement=agreement,
        edits=[
            Edit(slot=section(BACKGROUND), text="Bakgrund, utvecklad.", base=loaded[BACKGROUND]),
            Edit(slot=section("malgrupp"), text="Barn.", base=loaded["malgrupp"]),
        ],
        writer="sida-kommun",
        user=cast.officer,
        organisation=cast.kommun,
    )
    assert report.saved == [section(BACKGROUND).pk]
    assert report.stale == [section("malgrupp").pk]
    assert section_text(agreement, "malgrupp") == "Barn och föräldrar."
    assert section_text(agreement, BACKGROUND) == "Bakgrund, utvecklad."


def test_a_save_that_changes_nothing_keeps_the_version_under_review(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    write_sections(agreement_of(cast), {BACKGROUND: "Barn i Centrum behöver läxhjälp."}, cast.officer, cast.kommun)
    assert agreement_of(cast).state == AgreementState.GRANSKNING
    assert approve(version, cast.coordinator, cast.kommun) is ApproveOutcome.APPROVED


def test_a_draft_from_the_process_fills_an_agreement_started_empty(cast: Cast):
    agreement = AgreementFactory(collaboration=cast.collaboration)
    write_answer(cast.collaboration, q("malgrupp-vilken"), "Barn i årskurs 4–9.", cast.officer, cast.kommun)
    assert start(cast).pk == agreement.pk
    assert section_text(agreement, "malgrupp") == "Barn i årskurs 4–9."


def test_a_person_without_a_membership_is_not_an_approver(cast: Cast):
    assert approvers(UserFactory(), cast.collaboration) == []

"""The agreement's workflows are race-safe: parties acting at the same moment (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from collaboration.agreement import approval, drafting, versions
from collaboration.agreement.approval import ApproveOutcome
from collaboration.agreement.versions import SendOutcome
from collaboration.models import (
    Activity,
    ActivityKind,
    Agreement,
    AgreementState,
    AgreementVersion,
    Approval,
    Collaboration,
    Question,
)
from tests.collaboration.helpers import section_text, send_version, write_answer, write_sections
from tests.collaboration.test_consent_concurrency import at_once
from tests.conftest import Cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


def test_two_parties_approving_at_once_both_count_and_adopt_once(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    results = at_once(
        lambda: approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun),
        lambda: approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening),
    )
    assert sorted(r.value for r in results) == [ApproveOutcome.ADOPTED.value, ApproveOutcome.APPROVED.value], results
    assert set(Approval.objects.values_list("organisation", flat=True)) == {cast.kommun.pk, cast.forening.pk}
    agreement = Agreement.objects.get(collaboration=cast.collaboration)
    assert agreement.state == AgreementState.FASTSTALLD
    assert agreement.adopted_version == version
    assert Activity.objects.filter(kind=ActivityKind.AGREEMENT_ADOPTED).count() == 1


def test_the_same_party_approving_twice_at_once_approves_once(cast: Cast):
    version = send_version(cast.collaboration, cast.officer, cast.kommun)
    results = at_once(
        lambda: approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening),
        lambda: approval.agreement_approve(version=version, user=cast.civil_coordinator, organisation=cast.forening),
    )
    assert sorted(r.value for r in results) == [ApproveOutcome.ALREADY.value, ApproveOutcome.APPROVED.value], results
    assert Approval.objects.count() == 1
    assert Activity.objects.filter(kind=ActivityKind.AGREEMENT_APPROVED).count() == 1


def test_two_sends_at_once_make_one_version(cast: Cast):
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, {"bakgrund-och-problembild": "Barn behöver läxhjälp."}, cast.officer, cast.kommun)
    results = at_once(
        lambda: versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun),
        lambda: versions.agreement_send(agreement=agreement, user=cast.board_member, organisation=cast.forening),
    )
    assert sorted(r[0].value for r in results) == [SendOutcome.IN_REVIEW.value, SendOutcome.SENT.value], results
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1
    assert Activity.objects.filter(kind=ActivityKind.AGREEMENT_SENT).count() == 1


def test_two_first_clicks_at_once_make_one_agreement(cast: Cast):
    def start(user: Any, organisation: Any) -> Agreement:
        return drafting.agreement_start(
            collaboration=cast.collaboration, user=user, organisation=organisation, from_process=True
        )

    results = at_once(lambda: start(cast.officer, cast.kommun), lambda: start(cast.board_member, cast.forening))
    assert all(isinstance(r, Agreement) for r in results), results
    assert Agreement.objects.filter(collaboration=cast.collaboration).count() == 1


def test_a_draft_from_the_process_and_a_send_at_once_do_not_deadlock(cast: Cast):
    """Both take the agreement's lock first: one waits for the other instead of each holding what the other needs.

    The interleaving is forced: the send stops just before it touches the collaboration,
    the draft just after it has begun (holding whatever it locks first), each until the
    other has got there or a short wait runs out.
    """
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write_sections(agreement, {"bakgrund-och-problembild": "Barn behöver läxhjälp."}, cast.officer, cast.kommun)
    write_answer(
        cast.collaboration, Question.objects.get(code="malgrupp-vilken"), "Barn 10–15 år.", cast.officer, cast.kommun
    )

    who = threading.local()
    send_waits, draft_waits = threading.Event(), threading.Event()
    touch, sources = Collaboration.touch, drafting.section_sources

    def touch_in_between(self: Collaboration) -> None:
        if getattr(who, "name", "") == "send":
            send_waits.set()
            draft_waits.wait(timeout=3)
        touch(self)

    def sources_in_between(collaboration: Collaboration) -> Any:
        if getattr(who, "name", "") == "draft":
            send_waits.wait(timeout=3)
            draft_waits.set()
        return sources(collaboration)

    def as_(name: str, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            who.name = name
            return call()

        return run

    with (
        mock.patch.object(Collaboration, "touch", touch_in_between),
        mock.patch.object(drafting, "section_sources", sources_in_between),
    ):
        results = at_once(
            as_(
                "send",
                lambda: versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun),
            ),
            as_(
                "draft",
                lambda: drafting.agreement_start(
                    collaboration=cast.collaboration,
                    user=cast.board_member,
                    organisation=cast.forening,
                    from_process=True,
                ),
            ),
        )

    assert not any(isinstance(r, Exception) for r in results), results
    assert section_text(agreement, "malgrupp") == "Barn 10–15 år."
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1
    # Whichever went first, the text now differs from what was sent only if the draft came second:
    # then the agreement is a new draft, never "under review" with text nobody sent.
    version = AgreementVersion.objects.get(agreement=agreement)
    sent_target_group = next(s["text"] for s in version.sections if s["slug"] == "malgrupp")
    state = Agreement.objects.get(pk=agreement.pk).state
    assert state == (AgreementState.GRANSKNING if sent_target_group else AgreementState.UTKAST)

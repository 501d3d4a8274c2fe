"""The agreement's pages run a fixed number of queries, however many versions, comments and approvals exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.agreement import approval, drafting, review, versions
from collaboration.cowriting.contract import EMPTY_BASE, Edit
from collaboration.models import AgreementSection, AgreementText
from tests.conftest import Cast


def grow(cast: Cast, rounds: int) -> None:
    """`rounds` versions, each with comment threads, replies, a change request and an approval."""
    agreement = drafting.get_agreement(cast.collaboration) or drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    for i in range(rounds):
        for slug in ("malgrupp", "organisation", "kvalitetskrav"):
            section = AgreementSection.objects.get(slug=slug)
            current = AgreementText.objects.filter(agreement=agreement, section=section).first()
            drafting.agreement_save(
                agreement=agreement,
                # A new text every round, also in a second call: each round sends a new version.
                edits=[
                    Edit(
                        slot=section,
                        text=f"{slug} {agreement.versions.count()}-{i}",
                        base=current.base if current else EMPTY_BASE,
                    )
                ],
                writer=f"growing-{i}-{slug}",
                user=cast.officer,
                organisation=cast.kommun,
            )
        _, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
        assert version is not None
        for slug in ("malgrupp", "organisation", ""):
            root = review.agreement_comment(
                version=version, user=cast.board_member, organisation=cast.forening, section_slug=slug, text="Fråga"
            )
            review.agreement_comment(
                version=version,
                user=cast.officer,
                organisation=cast.kommun,
                section_slug=slug,
                text="Svar",
                parent=root,
            )
        review.agreement_request_changes(
            version=version, user=cast.board_member, organisation=cast.forening, message="Ändra"
        )
        approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)


def count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["agreement_detail", "agreement_edit", "agreement_diff", "agreement_version", "home"])
def test_query_count_does_not_grow(cast: Cast, officer_client: Client, page: str) -> None:
    def path() -> str:
        if page == "home":
            return reverse("home")
        if page == "agreement_version":
            latest = drafting.get_agreement(cast.collaboration).latest_version  # type: ignore[union-attr]
            return reverse(page, args=[cast.collaboration.code, latest.number])  # type: ignore[union-attr]
        return reverse(page, args=[cast.collaboration.code])

    grow(cast, 1)
    officer_client.get(path())  # warm caches (sessions, content types)
    few = count(officer_client, path())
    grow(cast, 4)
    many = count(officer_client, path())
    assert many <= few, f"{page}: {few} queries with one version, {many} with five"

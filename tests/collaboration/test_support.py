"""The support on record: the public party writes what it gives, period by period; every party reads it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.followup import support as support_workflows
from collaboration.models import Activity, ActivityKind, PartyState, Role, Support
from tests.conftest import Cast, client_for
from tests.factories import MembershipFactory, PartyFactory, PublicOrganisationFactory

pytestmark = pytest.mark.django_db


def url(cast: Cast) -> str:
    return reverse("support_list", args=[cast.collaboration.code])


def form(cast: Cast, **changes: str) -> dict[str, str]:
    data = {
        "organisation": str(cast.kommun.pk),
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "kind": "projekt",
        "amount": "250000",
        "other_support": "",
        "decision_reference": "KS 2026/114",
    }
    data.update(changes)
    return data


def once_token(client, page: str) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'name="once_token" value="([^"]+)"', client.get(page).text)
    assert match is not None
    return match.group(1)


def recorded(cast: Cast, **fields: object) -> Support:
    values: dict[str, object] = {
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "kind": "verksamhet",
        "amount": 120_000,
    }
    values.update(fields)
    return support_workflows.support_add(
        collaboration=cast.collaboration,
        organisation=cast.kommun,
        user=cast.officer,
        **values,  # type: ignore[arg-type]
    )


def test_an_officer_records_a_period_and_every_party_reads_it(cast: Cast, officer_client, board_client) -> None:  # type: ignore[no-untyped-def]
    response = officer_client.post(url(cast), form(cast, premises="on"), follow=True)
    assert response.status_code == 200
    assert "Stödet är registrerat" in response.text
    support = Support.objects.get()
    assert (support.organisation, support.amount, support.kind) == (cast.kommun, 250_000, "projekt")
    assert support.premises
    assert support.created_by == cast.officer
    entry = Activity.objects.get(kind=ActivityKind.SUPPORT_RECORDED)
    assert "Halmstads kommun" in entry.summary
    assert "2027-01-01–2027-12-31" in entry.summary
    # The association's board member reads it, without a form to write.
    page = board_client.get(url(cast)).text
    assert "Projektmedel, 2027-01-01–2027-12-31" in page
    assert re.search(r"250\s000 kr", page)
    assert "lokaler" in page
    assert "KS 2026/114" in page
    assert "Registrera en period" not in page
    assert reverse("support_edit", args=[cast.collaboration.code, support.pk]) not in page


def test_the_association_cannot_record_support_for_the_public_side(cast: Cast, board_client) -> None:  # type: ignore[no-untyped-def]
    assert board_client.post(url(cast), form(cast)).status_code == 404
    assert not Support.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2026-12-31"}, "Perioden kan inte sluta före den börjar."),
        ({"ends_on": "2033-01-01"}, "En period kan vara högst fem år."),
        ({"amount": "", "other_support": ""}, "Skriv ett belopp eller markera vilket annat stöd än pengar som ges."),
        ({"amount": "-5"}, "Beloppet kan inte vara negativt."),
        ({"amount": "99999999999"}, "Beloppet är orimligt stort."),
        ({"amount": "250.000"}, "utan decimaler"),
        ({"amount": "250 000,00"}, "utan decimaler"),
        ({"amount": "1e5"}, "Skriv beloppet i hela kronor med siffror"),
        ({"amount": "٢٥٠"}, "Skriv beloppet i hela kronor med siffror"),
        ({"starts_on": "0001-01-01", "ends_on": "0001-12-31"}, "Ange ett datum mellan år 1990 och"),
        ({"ends_on": "2207-12-31"}, "Ange ett datum mellan år 1990 och"),
        ({"starts_on": "1 januari"}, "Ange datumet som ÅÅÅÅ-MM-DD"),
        ({"other_support": "x" * 501}, "Skriv högst 500 tecken (nu 501)."),
        ({"organisation": str(10**9)}, "Välj en av de offentliga parterna i listan."),
    ],
)
def test_bad_input_is_refused_in_swedish_and_kept_as_typed(cast: Cast, officer_client, changes, message) -> None:  # type: ignore[no-untyped-def]
    data = form(cast, **changes)
    response = officer_client.post(url(cast), data)
    assert response.status_code == 200
    assert message in response.text
    assert not Support.objects.exists()
    for name in ("starts_on", "ends_on", "decision_reference"):
        assert f'value="{data[name]}"' in response.text


@pytest.mark.parametrize(("typed", "stored"), [("250 000 kr", 250_000), ("250\u00a0000:-", 250_000), (" 1200 ", 1200)])
def test_an_amount_is_read_as_people_write_it(cast: Cast, officer_client, typed, stored) -> None:  # type: ignore[no-untyped-def]
    assert officer_client.post(url(cast), form(cast, amount=typed)).status_code == 302
    assert Support.objects.get().amount == stored


def test_zero_kronor_is_no_money(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    officer_client.post(url(cast), form(cast, amount="0", premises="on"))
    assert Support.objects.get().amount is None
    assert (
        officer_client.post(url(cast), form(cast, amount="0", starts_on="2028-01-01", ends_on="2028-12-31")).status_code
        == 200
    )
    assert Support.objects.count() == 1  # zero and nothing else is no support at all


def test_money_is_not_required_when_other_support_is_given(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    officer_client.post(url(cast), form(cast, amount="", kind="verksamhet", staff_time="on", expertise="on"))
    support = Support.objects.get()
    assert support.amount is None
    assert support.in_kind == ["kompetens", "personalens tid"]


def test_a_double_click_records_one_period(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    data = form(cast) | {"once_token": once_token(officer_client, url(cast))}
    first = officer_client.post(url(cast), data)
    second = officer_client.post(url(cast), data, follow=True)
    assert first.status_code == 302
    assert "Stödet är redan registrerat" in second.text
    assert Support.objects.count() == 1


def test_a_period_a_year_keeps_one_collaboration_with_its_history(cast: Cast) -> None:
    for year in (2025, 2026, 2027):
        recorded(cast, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), amount=100_000 + year)
    supports = list(Support.objects.filter(collaboration=cast.collaboration))
    assert [s.starts_on.year for s in supports] == [2027, 2026, 2025]  # newest first


def test_two_colleagues_correcting_the_same_amount_lose_nothing(cast: Cast, officer_client, coordinator_client) -> None:  # type: ignore[no-untyped-def]
    support = recorded(cast)
    edit = reverse("support_edit", args=[cast.collaboration.code, support.pk])
    loaded = re.search(r'name="loaded" value="([^"]+)"', officer_client.get(edit).text).group(1)  # type: ignore[union-attr]
    # The coordinator corrects the amount first, from a page loaded at the same time.
    base = form(cast, starts_on="2026-01-01", ends_on="2026-12-31", kind="verksamhet", decision_reference="")
    assert coordinator_client.post(edit, base | {"amount": "150000", "loaded": loaded}).status_code == 302
    # The officer changes the amount too, and the decision reference: the reference is saved, the amount kept.
    response = officer_client.post(
        edit, base | {"amount": "130000", "decision_reference": "KS 2026/9", "loaded": loaded}
    )
    assert response.status_code == 409
    assert "En kollega har rättat samma period" in response.text
    assert "Belopp i kronor" in response.text
    assert 'value="130000"' in response.text  # what the officer typed stays in the form
    assert "Så står det nu:" in response.text
    assert re.search(r"150\s000 kr", response.text)  # and what the colleague saved is shown
    support.refresh_from_db()
    assert (support.amount, support.decision_reference) == (150_000, "KS 2026/9")
    # Saving again from the page as shown now is a decision, and writes.
    fresh = re.search(r'name="loaded" value="([^"]+)"', response.text).group(1)  # type: ignore[union-attr]
    officer_client.post(edit, base | {"amount": "130000", "decision_reference": "KS 2026/9", "loaded": fresh})
    support.refresh_from_db()
    assert support.amount == 130_000
    changed = Activity.objects.filter(kind=ActivityKind.SUPPORT_CHANGED).order_by("pk")
    assert [e.data["changed"] for e in changed] == [["belopp (kronor)"], ["beslut (diarienummer)"], ["belopp (kronor)"]]


def test_two_corrections_that_together_break_the_period_save_neither(
    cast: Cast, officer_client, coordinator_client
) -> None:  # type: ignore[no-untyped-def]
    support = recorded(cast, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), amount=120_000, premises=True)
    edit = reverse("support_edit", args=[cast.collaboration.code, support.pk])
    loaded = re.search(r'name="loaded" value="([^"]+)"', officer_client.get(edit).text).group(1)  # type: ignore[union-attr]
    base = form(cast, kind="verksamhet", amount="120000", premises="on", decision_reference="")
    # One moves the start to July, the other the end to March: each is a valid period on its own.
    assert coordinator_client.post(edit, base | {"starts_on": "2027-07-01", "loaded": loaded}).status_code == 302
    response = officer_client.post(edit, base | {"ends_on": "2027-03-31", "loaded": loaded})
    assert response.status_code == 409
    assert "En kollega har rättat samma period" in response.text
    assert "Från och med" in response.text
    assert 'value="2027-03-31"' in response.text
    support.refresh_from_db()
    assert (support.starts_on, support.ends_on) == (date(2027, 7, 1), date(2027, 12, 31))
    # Money taken away by one, the premises by the other: no period without any support is left behind.
    loaded = re.search(r'name="loaded" value="([^"]+)"', officer_client.get(edit).text).group(1)  # type: ignore[union-attr]
    base = base | {"starts_on": "2027-07-01"}
    assert coordinator_client.post(edit, base | {"amount": "", "loaded": loaded}).status_code == 302
    no_premises = {k: v for k, v in base.items() if k != "premises"}
    assert officer_client.post(edit, no_premises | {"loaded": loaded}).status_code == 409
    support.refresh_from_db()
    assert support.amount is None
    assert support.premises


def test_a_correction_to_a_period_removed_meanwhile_comes_back_as_a_new_one(
    cast: Cast, officer_client, coordinator_client
) -> None:  # type: ignore[no-untyped-def]
    support = recorded(cast)
    edit = reverse("support_edit", args=[cast.collaboration.code, support.pk])
    loaded = re.search(r'name="loaded" value="([^"]+)"', officer_client.get(edit).text).group(1)  # type: ignore[union-attr]
    coordinator_client.post(reverse("support_delete", args=[cast.collaboration.code, support.pk]))
    typed = form(
        cast, starts_on="2026-01-01", ends_on="2026-12-31", kind="verksamhet", decision_reference="KS 2026/999"
    )
    response = officer_client.post(edit, typed | {"loaded": loaded})
    assert response.status_code == 409
    assert "Perioden du ändrade har tagits bort av någon annan" in response.text
    assert 'value="KS 2026/999"' in response.text
    assert 'name="once_token"' in response.text  # the form registers it as a new period
    assert not Support.objects.exists()


def test_a_period_removed_and_recorded_again_is_recorded(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    data = form(cast)
    officer_client.post(url(cast), data)
    support = Support.objects.get()
    officer_client.post(reverse("support_delete", args=[cast.collaboration.code, support.pk]))
    response = officer_client.post(url(cast), data, follow=True)
    assert "Stödet är registrerat" in response.text
    assert Support.objects.count() == 1


def test_removing_a_period_keeps_what_it_said_in_the_log(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    support = recorded(cast)
    delete = reverse("support_delete", args=[cast.collaboration.code, support.pk])
    assert "Ta bort stödet?" in officer_client.get(delete).text
    response = officer_client.post(delete, follow=True)
    assert "Stödet är borttaget" in response.text
    assert not Support.objects.exists()
    assert re.search(r"120\s000 kr", Activity.objects.get(kind=ActivityKind.SUPPORT_REMOVED).summary)
    # A second click, or the other tab: it is gone, as asked.
    again = officer_client.post(delete, follow=True)
    assert again.status_code == 200
    assert "Stödet är redan borttaget" in again.text
    assert officer_client.get(delete).status_code == 404


def test_another_public_partys_support_is_not_this_officers_to_change(cast: Cast) -> None:
    region = PublicOrganisationFactory(name="Region Halland")
    PartyFactory(collaboration=cast.collaboration, organisation=region, state=PartyState.ACCEPTED)
    region_officer = MembershipFactory(organisation=region, role=Role.OFFICER).user
    theirs = support_workflows.support_add(
        collaboration=cast.collaboration,
        organisation=region,
        user=region_officer,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        kind="projekt",
        amount=50_000,
    )
    kommun_officer = client_for(cast.officer)
    for name in ("support_edit", "support_delete"):
        target = reverse(name, args=[cast.collaboration.code, theirs.pk])
        assert kommun_officer.get(target).status_code == 404
        assert kommun_officer.post(target, {"amount": "1"}).status_code == 404
    assert Support.objects.get().amount == 50_000
    # The kommun officer reads it, and may record the kommun's own support beside it.
    page = kommun_officer.get(reverse("support_list", args=[cast.collaboration.code])).text
    assert "Region Halland" in page
    assert "Registrera en period" in page


def test_a_period_of_another_collaboration_is_not_found_by_its_number(cast: Cast, officer_client) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import CollaborationFactory

    elsewhere = CollaborationFactory(title="Annan", parties=[cast.kommun])
    other = support_workflows.support_add(
        collaboration=elsewhere,
        organisation=cast.kommun,
        user=cast.officer,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        kind="projekt",
        amount=1,
    )
    assert officer_client.get(reverse("support_edit", args=[cast.collaboration.code, other.pk])).status_code == 404


def test_the_support_page_reads_a_fixed_number_of_queries(cast: Cast, board_client) -> None:  # type: ignore[no-untyped-def]
    recorded(cast)
    board_client.get(url(cast))
    with CaptureQueriesContext(connection) as few:
        board_client.get(url(cast))
    for year in range(2010, 2025):
        recorded(cast, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
    with CaptureQueriesContext(connection) as many:
        assert board_client.get(url(cast)).status_code == 200
    assert len(many) == len(few)


def test_the_collaboration_page_leads_to_the_support(cast: Cast, board_client) -> None:  # type: ignore[no-untyped-def]
    page = board_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text
    assert url(cast) in page

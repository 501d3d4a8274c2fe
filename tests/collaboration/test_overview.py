"""The coordinator overview: filters, counts, the mapping, exports and who sees what."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from collaboration.followup.support import support_add
from collaboration.models import (
    Agreement,
    AgreementState,
    Collaboration,
    CollaborationForm,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Phase,
    Sector,
    Status,
)
from collaboration.overview import OverviewFilter, filtered, statistics
from collaboration.survey import mapping
from tests.conftest import Cast, client_for
from tests.factories import CollaborationFactory, MembershipFactory, OrganisationFactory, PublicOrganisationFactory
from tests.spreadsheets import pieces_that_would_run

pytestmark = pytest.mark.django_db


@dataclass
class Overview:
    cast: Cast
    stiftelse: Organisation
    region: Organisation
    homework: Collaboration  # the cast's: kommun + förening, no form, started 2023
    dialogue: Collaboration  # kommun + förening + stiftelse, dialog, 2024, ongoing
    iop: Collaboration  # kommun + stiftelse, IOP, 2025, ongoing, quiet for 90 days
    summer: Collaboration  # kommun + region, projektmedel, 2024, finished, every phase done


def noon(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def form(slug: str) -> CollaborationForm:
    return CollaborationForm.objects.get(slug=slug)


@pytest.fixture
def world(cast: Cast) -> Overview:
    stiftelse = OrganisationFactory(
        name="Stiftelsen Hemmet", kind=OrganisationKind.STIFTELSE, sector=Sector.CIVIL, municipality="Halmstad"
    )
    region = PublicOrganisationFactory(name="Region Halland", kind=OrganisationKind.REGION)
    homework = cast.collaboration
    Collaboration.objects.filter(pk=homework.pk).update(starts_on=date(2023, 9, 1))
    dialogue = CollaborationFactory(
        title="Dialog om fritidsgårdar",
        parties=[cast.kommun, cast.forening, stiftelse],
    )
    iop = CollaborationFactory(title="Stödboende för unga", parties=[cast.kommun, stiftelse])
    summer = CollaborationFactory(title="Sommarprojekt", parties=[cast.kommun, region])
    Collaboration.objects.filter(pk=dialogue.pk).update(
        form=form("dialog"), starts_on=date(2024, 3, 1), status=Status.ONGOING
    )
    Collaboration.objects.filter(pk=iop.pk).update(
        form=form("iop"),
        starts_on=date(2025, 5, 1),
        status=Status.ONGOING,
        updated_at=timezone.now() - timedelta(days=90),
    )
    Collaboration.objects.filter(pk=summer.pk).update(
        form=form("projektmedel"), starts_on=date(2024, 6, 1), status=Status.FINISHED, current_phase=None
    )
    # Agreements: the dialogue's adopted after 40 days; the summer project's first version adopted after
    # 228 days and a new version in draft; the IOP's sent for review; the homework has none.
    Collaboration.objects.filter(pk=dialogue.pk).update(created_at=noon(2024, 3, 1))
    Collaboration.objects.filter(pk=summer.pk).update(created_at=noon(2024, 6, 1))
    Agreement.objects.create(collaboration=dialogue, state=AgreementState.FASTSTALLD, adopted_at=noon(2024, 4, 10))
    Agreement.objects.create(collaboration=summer, state=AgreementState.UTKAST, adopted_at=noon(2025, 1, 15))
    Agreement.objects.create(collaboration=iop, state=AgreementState.GRANSKNING)
    # Not the kommun's: only invited, left, or not a party at all.
    invited = CollaborationFactory(title="Bara inbjudna", parties=[cast.forening])
    Party.objects.create(collaboration=invited, organisation=cast.kommun, state=PartyState.INVITED)
    left = CollaborationFactory(title="Lämnad samverkan", parties=[cast.forening])
    Party.objects.create(collaboration=left, organisation=cast.kommun, state=PartyState.LEFT)
    CollaborationFactory(title="Utan kommunen", parties=[cast.forening, cast.other_org])
    return Overview(cast, stiftelse, region, homework, dialogue, iop, summer)


def titles(world: Overview, **filters: str) -> set[str]:
    form_ = OverviewFilter(filters, organisation=world.cast.kommun)
    return set(filtered(world.cast.kommun, form_.values()).values_list("title", flat=True))


ALL = {"Läxhjälp i Centrum", "Dialog om fritidsgårdar", "Stödboende för unga", "Sommarprojekt"}


class TestFilters:
    def test_it_lists_every_collaboration_the_organisation_accepted_and_nothing_else(self, world):
        assert titles(world) == ALL

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({"form": "dialog"}, {"Dialog om fritidsgårdar"}),
            ({"form": "ingen"}, {"Läxhjälp i Centrum"}),
            ({"status": "pagar"}, {"Dialog om fritidsgårdar", "Stödboende för unga"}),
            ({"fas": "klar"}, {"Sommarprojekt"}),
            ({"fas": "identifiera-och-involvera"}, ALL - {"Sommarprojekt"}),
            ({"sektor": "offentlig"}, {"Sommarprojekt"}),
            ({"sektor": "ideburen"}, ALL - {"Sommarprojekt"}),
            ({"partnerform": "stiftelse"}, {"Dialog om fritidsgårdar", "Stödboende för unga"}),
            ({"fran": "2024-01-01", "till": "2024-12-31"}, {"Dialog om fritidsgårdar", "Sommarprojekt"}),
            ({"fran": "2025-01-01"}, {"Stödboende för unga"}),
            ({"inaktiv": "on"}, {"Stödboende för unga"}),
            ({"sok": "stiftelsen"}, {"Dialog om fritidsgårdar", "Stödboende för unga"}),
            ({"sok": "SOMMAR"}, {"Sommarprojekt"}),
            ({"sektor": "ideburen", "status": "pagar", "form": "iop"}, {"Stödboende för unga"}),
            ({"sektor": "offentlig", "status": "pagar"}, set()),
            ({"avsiktsforklaring": "ingen"}, {"Läxhjälp i Centrum"}),
            ({"avsiktsforklaring": "faststalld"}, {"Dialog om fritidsgårdar"}),
            ({"avsiktsforklaring": "utkast"}, {"Sommarprojekt"}),
            ({"avsiktsforklaring": "granskning", "inaktiv": "on"}, {"Stödboende för unga"}),
        ],
    )
    def test_filters_combine(self, world, filters, expected):
        assert titles(world, **filters) == expected

    def test_a_partner_is_chosen_by_its_code(self, world):
        assert titles(world, partner=str(world.cast.forening.code)) == {"Läxhjälp i Centrum", "Dialog om fritidsgårdar"}

    def test_the_search_does_not_find_the_organisation_itself(self, world):
        assert titles(world, sok="Halmstads kommun") == set()

    def test_only_partners_of_the_organisation_are_offered(self, world):
        form_ = OverviewFilter({}, organisation=world.cast.kommun)
        offered = {name for code, name in form_.fields["partner"].choices if code}
        assert offered == {"Föreningen Läxhjälp", "Stiftelsen Hemmet", "Region Halland"}

    def test_an_invalid_filter_is_told_and_left_out(self, world, coordinator_client):
        url = reverse("overview", args=[world.cast.kommun.code])
        response = coordinator_client.get(url, {"fran": "2025-13-45", "status": "pagar"})
        assert response.status_code == 200
        assert "Ange datumet som ÅÅÅÅ-MM-DD" in response.text
        assert "Stödboende för unga" in response.text
        assert "Sommarprojekt" not in response.text

    def test_an_end_before_the_start_is_refused(self, world):
        form_ = OverviewFilter({"fran": "2025-01-01", "till": "2024-01-01"}, organisation=world.cast.kommun)
        assert not form_.is_valid()
        assert "till" in form_.errors


class TestListPage:
    def test_the_page_shows_the_filtered_list_and_the_selection_in_words(self, world, coordinator_client):
        response = coordinator_client.get(
            reverse("overview", args=[world.cast.kommun.code]), {"sektor": "ideburen", "status": "pagar"}
        )
        assert response.status_code == 200
        text = response.text
        assert "2 samverkan" in text
        assert "Dialog om fritidsgårdar" in text
        assert "Stödboende för unga" in text
        assert "Sommarprojekt" not in text
        assert "Partnerns sektor: Idéburen sektor" in text
        assert "Ingen aktivitet på 60 dagar" in text  # the quiet IOP is marked
        assert "Avsiktsförklaring för granskning" in text
        assert "Avsiktsförklaring fastställd" in text

    def test_sorting_by_title(self, world, coordinator_client):
        response = coordinator_client.get(reverse("overview", args=[world.cast.kommun.code]), {"ordning": "titel"})
        positions = [response.text.index(t) for t in sorted(ALL)]
        assert positions == sorted(positions)

    def test_htmx_gets_only_the_result_region(self, world, coordinator_client):
        url = reverse("overview", args=[world.cast.kommun.code])
        response = coordinator_client.get(
            url,
            {"sok": "", "form": "iop", "status": "", "ordning": "andrad"},
            headers={"HX-Request": "true", "HX-Target": "resultat"},
        )
        assert response.status_code == 200
        assert response["HX-Push-Url"] == f"{url}?form=iop"  # the address holds only what is chosen
        assert "<html" not in response.text
        assert 'name="sok"' not in response.text  # the form stays as the person left it
        assert "Stödboende för unga" in response.text
        assert "Sommarprojekt" not in response.text

    def test_pages_keep_the_filters(self, world, coordinator_client):
        for i in range(30):
            CollaborationFactory(title=f"Extra {i:02d}", parties=[world.cast.kommun, world.stiftelse])
        response = coordinator_client.get(
            reverse("overview", args=[world.cast.kommun.code]), {"partnerform": "stiftelse"}
        )
        assert "32 samverkan" in response.text
        assert "partnerform=stiftelse&amp;sida=2" in response.text
        second = coordinator_client.get(
            reverse("overview", args=[world.cast.kommun.code]), {"partnerform": "stiftelse", "sida": "2"}
        )
        assert "Sida 2 av 2" in second.text

    def test_a_member_sees_the_list_without_statistics_or_exports(self, world, officer_client):
        response = officer_client.get(reverse("overview", args=[world.cast.kommun.code]))
        assert response.status_code == 200
        assert "Sommarprojekt" in response.text
        assert reverse("overview_statistics", args=[world.cast.kommun.code]) not in response.text
        assert reverse("overview_export", args=[world.cast.kommun.code]) not in response.text
        assert officer_client.get(reverse("overview_statistics", args=[world.cast.kommun.code])).status_code == 403

    def test_a_coordinator_of_another_organisation_gets_404(self, world, outsider_client):
        for name in ("overview", "overview_statistics", "overview_mapping", "overview_export"):
            response = outsider_client.get(reverse(name, args=[world.cast.kommun.code]))
            assert response.status_code == 404
            assert "Sommarprojekt" not in response.text

    def test_the_organisation_page_and_the_start_page_link_the_overview(self, world, coordinator_client):
        url = reverse("overview", args=[world.cast.kommun.code])
        assert url in coordinator_client.get(reverse("organisation_detail", args=[world.cast.kommun.code])).text
        assert url in coordinator_client.get(reverse("home")).text


def stat(world: Overview, key: str, **filters: str) -> list[tuple[str, int]]:
    form_ = OverviewFilter(filters, organisation=world.cast.kommun)
    selected = filtered(world.cast.kommun, form_.values())
    return next(s.rows for s in statistics(world.cast.kommun, selected) if s.key == key)


class TestStatistics:
    def test_counts_by_form(self, world):
        rows = dict(stat(world, "form"))
        assert rows["Dialog"] == 1
        assert rows["Idéburet offentligt partnerskap (IOP)"] == 1
        assert rows["Projektmedel"] == 1
        assert rows["Samråd"] == 0
        assert rows["Ingen samverkansform vald än"] == 1

    def test_counts_by_phase(self, world):
        rows = dict(stat(world, "fas"))
        assert rows["Fas 1: Identifiera och involvera"] == 3
        assert rows["Fas 2: Planera och justera"] == 0
        assert rows["Alla faser klara"] == 1

    def test_counts_by_partner_sector_and_kind(self, world):
        assert stat(world, "sektor") == [("Offentlig sektor", 1), ("Idéburen sektor", 3)]
        assert dict(stat(world, "partnerform")) == {"Region": 1, "Ideell förening": 2, "Stiftelse": 2}

    def test_counts_by_year_started_with_empty_years_as_zero(self, world):
        Collaboration.objects.filter(pk=world.iop.pk).update(starts_on=date(2027, 1, 1))
        assert stat(world, "ar") == [("2023", 1), ("2024", 2), ("2025", 0), ("2026", 0), ("2027", 1)]

    def test_counts_by_agreement_state(self, world):
        assert stat(world, "avsiktsforklaring") == [
            ("Ingen avsiktsförklaring", 1),
            ("Utkast", 1),
            ("För granskning", 1),
            ("Fastställd", 1),
        ]

    def test_agreements_adopted_per_year(self, world):
        assert stat(world, "faststallda") == [("2024", 1), ("2025", 1)]
        assert stat(world, "faststallda", form="dialog") == [("2024", 1)]

    def test_days_from_start_to_adopted_agreement(self, world):
        # 40 days for the dialogue, 228 for the summer project: the median is 134.
        assert stat(world, "dagar-till-faststalld") == [("Median", 134), ("Kortast", 40), ("Längst", 228)]
        assert stat(world, "dagar-till-faststalld", form="dialog") == [("Median", 40), ("Kortast", 40), ("Längst", 40)]
        assert stat(world, "dagar-till-faststalld", form="iop") == []

    def test_counts_follow_the_filters(self, world):
        assert stat(world, "sektor", form="dialog") == [("Offentlig sektor", 0), ("Idéburen sektor", 1)]
        assert dict(stat(world, "status", sektor="ideburen")) == {"Planeras": 1, "Pågår": 2, "Avslutad": 0}

    def test_the_page_draws_each_count_as_an_svg_with_the_same_numbers_as_its_table(self, world, coordinator_client):
        response = coordinator_client.get(reverse("overview_statistics", args=[world.cast.kommun.code]))
        assert response.status_code == 200
        html = response.text
        svgs = re.findall(r"<svg class=\"bar-chart\".*?</svg>", html, flags=re.S)
        tables = re.findall(r"<table class=\"statistic__table\".*?</table>", html, flags=re.S)
        assert len(svgs) == len(tables) == 10
        ns = {"svg": "http://www.w3.org/2000/svg"}
        for svg_text, table_text in zip(svgs, tables, strict=True):
            svg = ET.fromstring(svg_text)
            assert svg.find("svg:title", ns) is not None
            assert svg.find("svg:title", ns).text
            assert svg.find("svg:desc", ns) is not None
            assert svg.find("svg:desc", ns).text
            labels = [t.text for t in svg.iterfind(".//svg:text[@class='bar-label']", ns)]
            numbers = [int(t.text) for t in svg.iterfind(".//svg:text[@class='bar-value']", ns)]
            table = ET.fromstring(table_text)
            rows = [(row.find("th").text, int(row.find("td").text)) for row in table.find("tbody").iterfind("tr")]
            assert list(zip(labels, numbers, strict=True)) == rows
        assert "style=" not in "".join(svgs)  # the CSP allows no inline styles

    def test_bars_are_as_long_as_their_numbers(self, world, coordinator_client):
        response = coordinator_client.get(reverse("overview_statistics", args=[world.cast.kommun.code]))
        svg_text = re.search(
            r"<svg class=\"bar-chart\"[^>]*aria-labelledby=\"diagram-sektor.*?</svg>", response.text, re.S
        )
        svg = ET.fromstring(svg_text.group(0))
        ns = {"svg": "http://www.w3.org/2000/svg"}
        widths = [int(r.get("width")) for r in svg.iterfind(".//svg:rect", ns)]
        assert widths[1] == 3 * widths[0]  # Idéburen 3, Offentlig 1


class TestMapping:
    def test_collaborations_are_counted_in_the_surveys_terms_in_every_year_they_were_active(self, world):
        """From the start to the year it ended, or to this year while it runs; "Totalt" counts each once."""
        Collaboration.objects.filter(pk=world.summer.pk).update(ended_at=noon(2024, 12, 20))
        this_year = timezone.localdate().year
        form_ = OverviewFilter({}, organisation=world.cast.kommun)
        result = mapping(filtered(world.cast.kommun, form_.values()))
        assert result.years == list(range(2023, this_year + 1))

        def from_to(first: int, last: int) -> list[int]:
            return [1 if first <= year <= last else 0 for year in result.years]

        rows = {row.label: row.counts for row in result.rows}
        assert rows["Bidrag: projektbidrag"] == from_to(2024, 2024)  # ended in 2024
        assert rows["Dialog och samråd"] == from_to(2024, this_year)  # still running
        assert rows["Idéburet offentligt partnerskap (IOP)"] == from_to(2025, this_year)
        assert rows["Drift av anläggningar"] == from_to(0, 0)
        assert rows["Ingen samverkansform vald än"] == from_to(2023, this_year)
        assert result.totals == [sum(counts[i] for counts in rows.values()) for i in range(len(result.years))]
        assert {row.label: row.total for row in result.rows}["Dialog och samråd"] == 1
        assert result.total == 4

    def test_support_on_record_stretches_the_years_but_never_past_this_year(self, world):
        this_year = timezone.localdate().year
        Collaboration.objects.filter(pk=world.summer.pk).update(ended_at=noon(2024, 12, 20))
        for first, last in [(date(2022, 1, 1), date(2022, 12, 31)), (date(2024, 1, 1), date(this_year + 2, 12, 31))]:
            support_add(
                collaboration=world.summer,
                organisation=world.cast.kommun,
                user=world.cast.officer,
                starts_on=first,
                ends_on=last,
                kind="projekt",
                amount=10_000,
            )
        result = mapping(filtered(world.cast.kommun, OverviewFilter({}, organisation=world.cast.kommun).values()))
        assert result.years[0] == 2022
        assert result.years[-1] == this_year
        projects = {row.label: row.counts for row in result.rows}["Bidrag: projektbidrag"]
        assert projects == [1] * len(result.years)  # 2022 (support) through this year (support still granted)
        assert {row.label: row.total for row in result.rows}["Bidrag: projektbidrag"] == 1

    def test_the_page_names_the_survey_and_its_terms_as_the_source_does(self, world, coordinator_client):
        page = coordinator_client.get(reverse("overview_mapping", args=[world.cast.kommun.code])).text
        assert "Chalmers" in page
        assert "Överenskommelsekansliet" in page
        assert "landsting" in page
        assert "Avtal om tjänster" in page
        assert "Överenskommelse om tjänster" not in page  # "överenskommelse" is the local compact
        assert "räknas i varje år den var igång" in page
        assert "under det år den startade" not in page

    def test_the_page_shows_the_local_compact(self, world, coordinator_client):
        Organisation.objects.filter(pk=world.cast.kommun.pk).update(
            has_local_compact=True, local_compact_since=2016, local_compact_url="https://halmstad.se/overenskommelse"
        )
        response = coordinator_client.get(reverse("overview_mapping", args=[world.cast.kommun.code]))
        assert response.status_code == 200
        assert "har en lokal överenskommelse med idéburen sektor sedan 2016" in response.text
        assert "https://halmstad.se/overenskommelse" in response.text
        assert "Drift av anläggningar" in response.text


class TestLocalCompact:
    def url(self, world):
        return reverse("organisation_edit", args=[world.cast.kommun.code])

    def test_a_coordinator_records_it(self, world, coordinator_client):
        page = coordinator_client.get(self.url(world))
        loaded = re.search(r'name="loaded" value="([^"]*)"', page.text).group(1)
        response = coordinator_client.post(
            self.url(world),
            {
                "has_local_compact": "ja",
                "local_compact_since": "2016",
                "local_compact_url": "halmstad.se/ok",
                "loaded": loaded,
            },
        )
        assert response.status_code == 302
        kommun = Organisation.objects.get(pk=world.cast.kommun.pk)
        assert (kommun.has_local_compact, kommun.local_compact_since, kommun.local_compact_url) == (
            True,
            2016,
            "https://halmstad.se/ok",
        )

    def test_a_year_out_of_range_is_refused_and_what_was_typed_stays(self, world, coordinator_client):
        response = coordinator_client.post(
            self.url(world),
            {"has_local_compact": "ja", "local_compact_since": "1066", "local_compact_url": "https://x.se"},
        )
        assert response.status_code == 200
        assert "Ange ett år mellan 1990 och" in response.text
        assert 'value="1066"' in response.text
        assert 'value="https://x.se"' in response.text
        assert not Organisation.objects.get(pk=world.cast.kommun.pk).has_local_compact

    def test_a_colleagues_change_meanwhile_is_kept_and_shown(self, world, coordinator_client):
        page = coordinator_client.get(self.url(world))
        loaded = re.search(r'name="loaded" value="([^"]*)"', page.text).group(1)
        Organisation.objects.filter(pk=world.cast.kommun.pk).update(local_compact_url="https://kollega.se")
        response = coordinator_client.post(
            self.url(world),
            {
                "has_local_compact": "ja",
                "local_compact_since": "2016",
                "local_compact_url": "https://min.se",
                "loaded": loaded,
            },
        )
        assert response.status_code == 409
        kommun = Organisation.objects.get(pk=world.cast.kommun.pk)
        assert kommun.local_compact_url == "https://kollega.se"
        assert kommun.has_local_compact
        assert kommun.local_compact_since == 2016
        assert "https://kollega.se" in response.text
        assert 'value="https://min.se"' in response.text

    def test_other_members_may_not(self, world, officer_client):
        assert officer_client.get(self.url(world)).status_code == 403


@pytest.fixture
def export(world, coordinator_client):
    def get(table: str, fmt: str, **filters: str):
        response = coordinator_client.get(
            reverse("overview_export", args=[world.cast.kommun.code]), {"tabell": table, "format": fmt, **filters}
        )
        assert response.status_code == 200
        return response

    return get


def read_csv(response, delimiter=";") -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads å, ä, ö right
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def read_xlsx(response) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class TestExports:
    def test_the_workbook_looks_finished_when_opened(self, world, export):
        """Widths from the content, a bold frozen header with a filter, real dates, numbers as numbers."""
        from openpyxl import load_workbook

        Collaboration.objects.filter(pk=world.iop.pk).update(title="Stödboende för unga vuxna i Halmstad " * 4)
        sheet = load_workbook(io.BytesIO(export("lista", "xlsx").content)).active
        header = [cell.value for cell in sheet[1]]
        assert header[0] == "Titel"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
        widths = {letter: sheet.column_dimensions[letter].width for letter in "ABHJK"}
        assert widths["A"] == 60  # a long title: as wide as allowed, and the text wraps
        assert all(8 <= width <= 60 for width in widths.values())
        assert widths["H"] >= len("yyyy-mm-dd")  # dates never show as ####
        long_title = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("Stödboende"))
        assert long_title.alignment.wrap_text
        start = sheet.cell(row=2, column=header.index("Start") + 1)
        assert start.is_date
        assert start.number_format == "yyyy-mm-dd"
        changed = sheet.cell(row=2, column=header.index("Senast ändrad") + 1)
        assert changed.is_date
        assert changed.number_format == "yyyy-mm-dd hh:mm"
        counts = load_workbook(io.BytesIO(export("sektor", "xlsx").content)).active
        assert counts.cell(row=2, column=2).data_type == "n"
        assert counts.cell(row=2, column=2).number_format == "#,##0"

    def test_the_list_as_csv(self, world, export):
        response = export("lista", "csv", status="pagar", ordning="titel")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert response["Content-Disposition"].endswith('-semikolon.csv"')
        rows = read_csv(response)
        assert rows[0][:7] == [
            "Titel",
            "Partner",
            "Samverkansform",
            "Form i kartläggningen",
            "Fas",
            "Status",
            "Avsiktsförklaring",
        ]
        assert [r[0] for r in rows[1:]] == ["Dialog om fritidsgårdar", "Stödboende för unga"]
        assert rows[1][1] == "Föreningen Läxhjälp; Stiftelsen Hemmet"
        assert rows[1][3] == "Dialog och samråd"
        assert rows[1][6] == "Fastställd"
        assert rows[2][6] == "För granskning"
        assert rows[1][7] == "2024-03-01"
        assert rows[1][-1].endswith(reverse("collaboration_detail", args=[world.dialogue.code]))

    def test_the_list_with_commas(self, world, export):
        response = export("lista", "csv-komma", form="iop")
        # Named apart from the semicolon file, so that nobody opens one believing it is the other.
        assert response["Content-Disposition"].endswith('-komma.csv"')
        rows = read_csv(response, delimiter=",")
        assert rows[1][0] == "Stödboende för unga"

    @pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ";"), ("csv-komma", ",")])
    def test_every_field_is_quoted(self, world, export, fmt, delimiter):
        lines = export("lista", fmt, form="iop").content.decode("utf-8-sig").split("\r\n")
        assert lines[0] == delimiter.join(
            f'"{label}"'
            for label in (
                "Titel",
                "Partner",
                "Samverkansform",
                "Form i kartläggningen",
                "Fas",
                "Status",
                "Avsiktsförklaring",
                "Start",
                "Planerat slut",
                "Senast ändrad",
                "Länk",
            )
        )
        assert re.fullmatch(rf'"[^"]*"({delimiter}"[^"]*"){{10}}', lines[1])

    def test_the_list_as_xlsx(self, world, export):
        response = export("lista", "xlsx", sok="sommar")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = read_xlsx(response)
        assert rows[0][0] == "Titel"
        assert rows[1][0] == "Sommarprojekt"
        assert rows[1][1] == "Region Halland"
        assert rows[1][6] == "Utkast"
        assert rows[1][7].date() == date(2024, 6, 1)  # a date, not text

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_a_statistic(self, world, export, fmt):
        response = export("sektor", fmt)
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert rows[0] == ["Partnerns sektor", "Antal samverkan"]
        assert [list(r) for r in rows[1:]] == (
            [["Offentlig sektor", "1"], ["Idéburen sektor", "3"]]
            if fmt == "csv"
            else [["Offentlig sektor", 1], ["Idéburen sektor", 3]]
        )

    def test_the_mapping(self, world, export):
        this_year = timezone.localdate().year
        years = list(range(2023, this_year + 1))
        rows = read_xlsx(export("kartlaggning", "xlsx"))
        assert rows[0] == ["Form i kartläggningen", *(str(y) for y in years), "Totalt"]
        assert ["Idéburet offentligt partnerskap (IOP)", *(int(y >= 2025) for y in years), 1] in rows
        assert rows[-1][-1] == 4  # each collaboration once
        assert rows[-1][1:-1] == [sum(1 for first in (2023, 2024, 2024, 2025) if first <= y) for y in years]

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
    def test_formula_looking_values_are_neutralised_in_both_formats(self, world, export, start):
        title = f'{start}HYPERLINK("https://ond.example","klicka")'
        Collaboration.objects.filter(pk=world.iop.pk).update(title=title)
        Organisation.objects.filter(pk=world.stiftelse.pk).update(name=f"{start}1+2")
        csv_rows = read_csv(export("lista", "csv", form="iop"))
        xlsx_rows = read_xlsx(export("lista", "xlsx", form="iop"))
        for rows in (csv_rows, xlsx_rows):
            # XML (inside XLSX) reads a carriage return back as a line feed; the apostrophe is what counts.
            assert rows[1][0].replace("\n", "\r") == "'" + title.replace("\n", "\r")
            assert rows[1][1].replace("\n", "\r") == f"'{start}1+2".replace("\n", "\r")
        # A formula cell would be stored as one: there is none in the workbook.
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(export("lista", "xlsx", form="iop").content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    @pytest.mark.parametrize("fmt", ["csv", "csv-komma"])
    def test_no_formula_survives_a_spreadsheet_that_splits_on_the_other_separator(self, world, export, fmt):
        """Swedish Excel cuts the comma file on its semicolons, and others the semicolon file on its commas."""
        title = "Språkcafé;=1+1;@SUM(2+2)"
        Collaboration.objects.filter(pk=world.iop.pk).update(title=title)
        Organisation.objects.filter(pk=world.stiftelse.pk).update(name='Stiftelsen, -2+3,\t+4\n"=5", ＝6')
        response = export("lista", fmt, form="iop")
        assert pieces_that_would_run(response.content) == []
        # Read as written, the text is still what the partners typed, with an apostrophe before each formula.
        row = read_csv(response, delimiter="," if fmt == "csv-komma" else ";")[1]
        assert row[0] == "Språkcafé;'=1+1;'@SUM(2+2)"
        assert row[1] == "Stiftelsen, '-2+3,\t'+4\n\"'=5\", '＝6"

    def test_text_is_never_a_formula_or_an_error_value_in_the_workbook(self, world, export):
        from openpyxl import load_workbook

        Collaboration.objects.filter(pk=world.iop.pk).update(title="Språkcafé;=1+1;@SUM(2+2)")
        Organisation.objects.filter(pk=world.stiftelse.pk).update(name="#N/A")
        sheet = load_workbook(io.BytesIO(export("lista", "xlsx", form="iop").content)).active
        title, partner = sheet["A2"], sheet["B2"]
        # The same text as in the CSV files: copied out of the workbook and pasted, it is cut on the same marks.
        assert (title.value, title.data_type) == ("Språkcafé;'=1+1;'@SUM(2+2)", "s")
        # An organisation named like one of Excel's error values is a name, not an error.
        assert (partner.value, partner.data_type) == ("#N/A", "s")
        assert sheet["H2"].is_date  # numbers and dates stay what they are

    @override_settings(SITE_URL="https://samverkan.example.se", ALLOWED_HOSTS=["evil.example", "testserver"])
    def test_the_links_point_at_the_portal_whatever_host_the_request_named(self, world, coordinator_client):
        url = reverse("overview_export", args=[world.cast.kommun.code])
        for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
            response = coordinator_client.get(url, {"tabell": "lista", "format": fmt}, HTTP_HOST="evil.example:8080")
            rows = read(response)
            assert rows[0][-1] == "Länk"
            assert {row[-1] for row in rows[1:]} == {
                "https://samverkan.example.se" + reverse("collaboration_detail", args=[c.code])
                for c in (world.homework, world.dialogue, world.iop, world.summer)
            }

    def test_an_unknown_table_or_format_is_404(self, world, coordinator_client):
        url = reverse("overview_export", args=[world.cast.kommun.code])
        assert coordinator_client.get(url, {"tabell": "losenord"}).status_code == 404
        assert coordinator_client.get(url, {"format": "exe"}).status_code == 404

    def test_members_who_are_not_coordinators_may_not_export(self, world, officer_client):
        url = reverse("overview_export", args=[world.cast.kommun.code])
        assert officer_client.get(url).status_code == 403


def test_a_board_member_sees_their_own_organisations_list(world):
    response = client_for(world.cast.board_member).get(reverse("overview", args=[world.cast.forening.code]))
    assert response.status_code == 200
    assert "Läxhjälp i Centrum" in response.text
    assert "Utan kommunen" in response.text
    assert "Sommarprojekt" not in response.text


def test_phase_titles_come_from_the_guidance_content(world):
    """Phases are data, so an admin's renaming shows in the statistics at once."""
    Phase.objects.filter(slug="planera-och-justera").update(title="Fas 2: Planera")
    assert "Fas 2: Planera" in dict(stat(world, "fas"))


def test_a_partners_coordinator_never_sees_the_overview(world):
    """The kommun's coordinator works with Region Halland, and still gets 404 on the region's overview."""
    MembershipFactory(organisation=world.region, role="samordnare")
    client = client_for(world.cast.coordinator)
    assert client.get(reverse("overview", args=[world.region.code])).status_code == 404


def test_a_former_member_gets_404(world):
    from collaboration.models import Membership

    Membership.objects.filter(user=world.cast.officer).update(is_active=False)
    response = client_for(world.cast.officer).get(reverse("overview", args=[world.cast.kommun.code]))
    assert response.status_code == 404

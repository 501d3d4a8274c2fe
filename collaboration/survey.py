"""The national mapping's terms, and which of the portal's collaboration forms count as which.

In 2018 a researcher at Chalmers and a project leader at SKL (now SKR) surveyed kommuner and landsting
(now regioner) for Överenskommelsekansliet, the office of the national överenskommelse (Forum reported
on it), on their collaboration
relationships with civil society, by form: grants of each kind, running facilities,
agreements, LOV, procurement, IOP and dialogue. A coordinator wants the same picture of
their own organisation, so the overview counts the portal's collaborations in those terms.

The mapping is data: one `SurveyCategory` per term of the survey, naming the slugs of the
portal's forms (`CollaborationForm.slug`, shipped in guidance/forms_v1.json) that count as
it. A term no form of the portal matches (drift av anläggningar, LOV, avtal om
tjänster) is still listed, with no forms, so the table has the survey's shape and says
plainly that the portal has nothing to count there. A form an admin adds later counts as
"Annan form" until it is mapped here.

`mapping` counts a set of collaborations in those terms, in every year each was active (`active_spans`),
for the overview's Kartläggning page and its exports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DateField, OuterRef, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaboration.documents.spreadsheets import Sheet
from collaboration.followup.support import FIRST_YEAR  # no period of support, so no active year, before it
from collaboration.models import CollaborationForm, CollaborationQuerySet, Support


@dataclass(frozen=True)
class SurveyCategory:
    key: str
    label: str | Promise
    form_slugs: tuple[str, ...]


SURVEY_CATEGORIES: tuple[SurveyCategory, ...] = (
    SurveyCategory("bidrag-projekt", _("Bidrag: projektbidrag"), ("projektmedel",)),
    SurveyCategory("bidrag-verksamhet", _("Bidrag: verksamhetsbidrag"), ("verksamhetsstod",)),
    SurveyCategory("bidrag-organisation", _("Bidrag: organisationsbidrag"), ("generellt-organisationsstod",)),
    SurveyCategory("drift", _("Drift av anläggningar"), ()),
    # The source's term is "avtal om tjänster"; "överenskommelse" in these sources means the local compact.
    SurveyCategory("overenskommelse", _("Avtal om tjänster"), ()),
    SurveyCategory("lov", _("LOV (valfrihetssystem)"), ()),
    SurveyCategory("upphandling", _("Upphandling"), ("upphandling",)),
    SurveyCategory("iop", _("Idéburet offentligt partnerskap (IOP)"), ("iop",)),
    SurveyCategory("dialog", _("Dialog och samråd"), ("dialog", "samrad")),
)
OTHER_FORM = SurveyCategory("annan", _("Annan form"), ())
NO_FORM = SurveyCategory("ingen", _("Ingen samverkansform vald än"), ())


def category_of(form_slug: str | None) -> SurveyCategory:
    """The survey term a collaboration with this form counts as."""
    if form_slug is None:
        return NO_FORM
    for category in SURVEY_CATEGORIES:
        if form_slug in category.form_slugs:
            return category
    return OTHER_FORM


def active_spans(queryset: Any) -> list[tuple[str | None, int, int, int]]:
    """(form slug, first active year, last active year, how many collaborations) for the set, in one query.

    The database groups the collaborations by the years that decide their span (start, ended, planned end,
    first and last period of support), so the rows stay few however many collaborations there are.
    """
    this_year = timezone.localdate().year
    supports = Support.objects.filter(collaboration=OuterRef("pk")).order_by()
    first_support = Subquery(supports.order_by("starts_on").values("starts_on")[:1], output_field=DateField())
    last_support = Subquery(supports.order_by("-ends_on").values("ends_on")[:1], output_field=DateField())
    rows = (
        queryset.order_by()
        .annotate(
            y_start=ExtractYear("started_on"),
            y_ended=ExtractYear("ended_at"),
            y_planned=ExtractYear("ends_on"),
            y_first=ExtractYear(first_support),
            y_last=ExtractYear(last_support),
        )
        .values("form__slug", "y_start", "y_ended", "y_planned", "y_first", "y_last")
        .annotate(n=Count("pk"))
        .values_list("form__slug", "y_start", "y_ended", "y_planned", "y_first", "y_last", "n")
    )
    spans = []
    for slug, start, ended, planned, first, last, n in rows:
        if first is not None:
            start = min(start, first)
        # Never a year that has not come: a collaboration planned to start later counts from this year.
        start = max(min(start, this_year), FIRST_YEAR)
        end = ended if ended is not None else min(planned, this_year) if planned is not None else this_year
        if last is not None:
            end = max(end, min(last, this_year))
        if ended is not None:
            start = min(start, ended)  # ended before its planned start: it was active the year it ended
        spans.append((slug, start, min(max(end, start), this_year), n))
    return spans


def year_span(years: Any) -> list[int]:
    """Every year from the first to the last, so that a year without any shows as 0."""
    present = [year for year in years if year is not None]
    return list(range(min(present), max(present) + 1)) if present else []


# The national mapping ---------------------------------------------------------------------------


@dataclass
class MappingRow:
    label: str
    counts: list[int]
    total: int
    forms: list[str]  # the portal's forms that count as this term


@dataclass
class Mapping:
    years: list[int]
    rows: list[MappingRow]
    totals: list[int]
    total: int

    def sheet(self) -> Sheet:
        header = [gettext("Form i kartläggningen"), *(str(y) for y in self.years), gettext("Totalt")]
        body: list[list[Any]] = [[row.label, *row.counts, row.total] for row in self.rows]
        body.append([gettext("Totalt"), *self.totals, self.total])
        return Sheet(name=gettext("Kartläggning"), header=header, rows=body)


def mapping(queryset: CollaborationQuerySet) -> Mapping:
    """The filtered set counted in the national mapping's terms, in every year each was active (one query).

    A collaboration granted support a year at a time counts once in each of those years; "Totalt" counts
    each collaboration once.
    """
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    distinct: Counter[str] = Counter()
    for slug, first, last, n in active_spans(queryset):
        key = category_of(slug).key
        distinct[key] += n
        for year in range(first, last + 1):
            counts[key][year] += n
    years = year_span({year for counter in counts.values() for year in counter})
    names = dict(CollaborationForm.objects.values_list("slug", "name"))
    rows = []
    for category in (*SURVEY_CATEGORIES, OTHER_FORM, NO_FORM):
        counter = counts.get(category.key, Counter())
        if category in (OTHER_FORM, NO_FORM) and not counter:
            continue  # only shown when something counts there
        rows.append(
            MappingRow(
                label=str(category.label),
                counts=[counter.get(year, 0) for year in years],
                total=distinct.get(category.key, 0),
                forms=[names.get(slug, slug) for slug in category.form_slugs],
            )
        )
    totals = [sum(row.counts[i] for row in rows) for i in range(len(years))]
    return Mapping(years=years, rows=rows, totals=totals, total=sum(row.total for row in rows))

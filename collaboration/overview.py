"""The coordinator overview: an organisation's collaborations, filtered, counted and mapped.

One filter form (`OverviewFilter`, read from the URL) selects a set of the organisation's
collaborations; the list, the statistics, the national mapping's table and every export
read that same set, so what a coordinator exports is what they see.

A collaboration belongs to the overview when the organisation is a party that has accepted
(`Collaboration.objects.with_party`). Its *partners* are the other accepted parties. Its
*start* is the planned start date, or the day it was created in the portal when no start
date is set (`started_on`). It is *active* in every year from its start (or its first period of
support on record, if earlier) to the year it ended, or its planned end, or this year while it runs
(or its last period of support, if later, but never beyond this year): see `active_spans`.

Every function here runs a fixed number of queries whatever the number of collaborations:
counting is done by the database (GROUP BY), never by loading rows.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Count, DateField, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from collaboration.charts import BarChart, bar_chart
from collaboration.documents.spreadsheets import Sheet
from collaboration.models import (
    Agreement,
    AgreementState,
    Collaboration,
    CollaborationForm,
    CollaborationQuerySet,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Phase,
    PhaseKind,
    Sector,
    Status,
)
from collaboration.phases import MODEL_GUIDE
from collaboration.survey import NO_FORM, active_spans, category_of, year_span

INACTIVE_DAYS = 60
PAGE_SIZE = 25
NONE = "ingen"  # the filter value for "no form chosen" / "no agreement"
ALL_DONE = "klar"  # the phase filter's value for "every phase done"

SORTS: dict[str, tuple[Any, str]] = {
    # value: (label, ordering); the last key keeps pages stable when values tie.
    "andrad": (_("Senast ändrad först"), "-updated_at"),
    "tyst": (_("Längst utan aktivitet först"), "updated_at"),
    "titel": (_("Titel, A–Ö"), "title"),
    "start": (_("Senast startad först"), "-started_on"),
}
DEFAULT_SORT = "andrad"


def _blank(label: Any) -> tuple[str, Any]:
    return ("", label)


class OverviewFilter(forms.Form):
    """The overview's filters, all optional and combined with AND; they live in the URL."""

    sok = forms.CharField(
        label=_("Sök på titel eller partner"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken (nu %(show_value)d).")},
    )
    form = forms.ChoiceField(
        label=_("Samverkansform"),
        required=False,
        error_messages={"invalid_choice": _("Välj en samverkansform i listan.")},
    )
    fas = forms.ChoiceField(
        label=_("Fas"), required=False, error_messages={"invalid_choice": _("Välj en fas i listan.")}
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[_blank(_("Alla")), *Status.choices],
        error_messages={"invalid_choice": _("Välj en status i listan.")},
    )
    avsiktsforklaring = forms.ChoiceField(
        label=_("Avsiktsförklaring"),
        required=False,
        choices=[_blank(_("Alla")), (NONE, _("Ingen avsiktsförklaring")), *AgreementState.choices],
        error_messages={"invalid_choice": _("Välj ett läge för avsiktsförklaringen i listan.")},
    )
    partner = forms.ChoiceField(
        label=_("Partnerorganisation"),
        required=False,
        error_messages={"invalid_choice": _("Välj en partnerorganisation i listan.")},
    )
    sektor = forms.ChoiceField(
        label=_("Partnerns sektor"),
        required=False,
        choices=[_blank(_("Alla")), *Sector.choices],
        error_messages={"invalid_choice": _("Välj en sektor i listan.")},
    )
    partnerform = forms.ChoiceField(
        label=_("Partnerns organisationsform"),
        required=False,
        choices=[_blank(_("Alla")), *OrganisationKind.choices],
        error_messages={"invalid_choice": _("Välj en organisationsform i listan.")},
    )
    fran = forms.DateField(
        label=_("Startade tidigast"),
        required=False,
        help_text=_("ÅÅÅÅ-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2025-01-01.")},
    )
    till = forms.DateField(
        label=_("Startade senast"),
        required=False,
        help_text=_("ÅÅÅÅ-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2025-12-31.")},
    )
    inaktiv = forms.BooleanField(label=_("Bara samverkan utan aktivitet på 60 dagar"), required=False)
    ordning = forms.ChoiceField(
        label=_("Ordning"),
        required=False,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        error_messages={"invalid_choice": _("Välj en ordning i listan.")},
    )

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.organisation = organisation
        # With htmx, choosing in a list, ticking the box or picking a date updates the results at once;
        # the search text waits for Enter or the button (see collaboration/_overview_filters.html).
        for name, bound_field in self.fields.items():
            if name != "sok":
                bound_field.widget.attrs["class"] = "autofilter"
        forms_ = list(CollaborationForm.objects.order_by("order", "name").values_list("slug", "name"))
        self.fields["form"].choices = [_blank(_("Alla")), *forms_, (NONE, gettext("Ingen vald än"))]  # type: ignore[attr-defined]
        phases = list(
            Phase.objects.filter(guide__slug=MODEL_GUIDE, kind=PhaseKind.PHASE)
            .order_by("order")
            .values_list("slug", "title")
        )
        self.fields["fas"].choices = [_blank(_("Alla")), *phases, (ALL_DONE, gettext("Alla faser klara"))]  # type: ignore[attr-defined]
        self.fields["partner"].choices = [  # type: ignore[attr-defined]
            _blank(_("Alla")),
            *((str(code), name) for code, name in partners_of(organisation).values_list("code", "name")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fran") and data.get("till") and data["till"] < data["fran"]:
            self.add_error("till", gettext("Ange ett datum som är samma som eller efter ”Startade tidigast”."))
        return data

    def values(self) -> dict[str, Any]:
        """The filters that are valid and set; an invalid one is shown with its message and left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None, False)}

    def described(self) -> list[tuple[str, str]]:
        """The filters in use, in words: (label, value) pairs for pages and export headers."""
        described = []
        for key, value in self.values().items():
            if key == "ordning":
                continue
            bound = self[key]
            if key == "inaktiv":
                shown = gettext("ja")
            elif isinstance(value, date):
                shown = value.isoformat()
            elif isinstance(bound.field, forms.ChoiceField):
                shown = str(dict(bound.field.choices).get(value, value))  # type: ignore[arg-type]
            else:
                shown = str(value)
            described.append((str(bound.label), shown))
        return described

    def sort_key(self) -> str:
        return self.values().get("ordning") or DEFAULT_SORT


def partners_of(organisation: Organisation) -> Any:
    """The organisations that are accepted parties beside `organisation` in any of its collaborations."""
    return (
        Organisation.objects.filter(
            parties__state=PartyState.ACCEPTED,
            parties__collaboration__in=Collaboration.objects.with_party(organisation).values("pk"),
        )
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name")
    )


def collaborations_of(organisation: Organisation) -> CollaborationQuerySet:
    """Every collaboration the organisation is an accepted party of, with its start date (`started_on`)."""
    return Collaboration.objects.with_party(organisation).annotate(
        started_on=Coalesce("starts_on", TruncDate("created_at"), output_field=DateField())
    )


def _partner_parties(organisation: Organisation) -> Any:
    return Party.objects.accepted().filter(collaboration=OuterRef("pk")).exclude(organisation=organisation)


def filtered(organisation: Organisation, values: dict[str, Any]) -> CollaborationQuerySet:
    """The organisation's collaborations that match every filter in `values` (see `OverviewFilter.values`)."""
    # Any: the type checker does not know the `started_on` annotation.
    queryset: Any = collaborations_of(organisation)
    partners = _partner_parties(organisation)
    if text := values.get("sok", "").strip():
        queryset = queryset.filter(
            Q(title__icontains=text) | Exists(partners.filter(organisation__name__icontains=text))
        )
    if form := values.get("form"):
        queryset = queryset.filter(form__isnull=True) if form == NONE else queryset.filter(form__slug=form)
    if phase := values.get("fas"):
        queryset = (
            queryset.filter(current_phase__isnull=True)
            if phase == ALL_DONE
            else queryset.filter(current_phase__slug=phase, current_phase__guide__slug=MODEL_GUIDE)
        )
    if status := values.get("status"):
        queryset = queryset.filter(status=status)
    if agreement := values.get("avsiktsforklaring"):
        queryset = (
            queryset.filter(agreement__isnull=True)
            if agreement == NONE
            else queryset.filter(agreement__state=agreement)
        )
    if partner := values.get("partner"):
        queryset = queryset.filter(Exists(partners.filter(organisation__code=partner)))
    if sector := values.get("sektor"):
        queryset = queryset.filter(Exists(partners.filter(organisation__sector=sector)))
    if kind := values.get("partnerform"):
        queryset = queryset.filter(Exists(partners.filter(organisation__kind=kind)))
    if start := values.get("fran"):
        queryset = queryset.filter(started_on__gte=start)
    if end := values.get("till"):
        queryset = queryset.filter(started_on__lte=end)
    if values.get("inaktiv"):
        queryset = queryset.filter(updated_at__lt=inactive_since())
    return queryset


def inactive_since() -> Any:
    return timezone.now() - timedelta(days=INACTIVE_DAYS)


def ordered(queryset: CollaborationQuerySet, sort: str) -> CollaborationQuerySet:
    _label, order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return queryset.order_by(order, "-pk")


# Statistics -------------------------------------------------------------------------------------


@dataclass
class Statistic:
    """One count of the filtered set: a table (label → number), drawn as a bar chart beside it."""

    key: str
    title: str
    label_header: str
    rows: list[tuple[str, int]]
    summary: str
    note: str = ""
    value_header: str = field(default_factory=lambda: gettext("Antal samverkan"))

    @property
    def chart(self) -> BarChart:
        return bar_chart(self.rows)

    def sheet(self) -> Sheet:
        return Sheet(name=self.title, header=[self.label_header, self.value_header], rows=self.rows)


def _summary(rows: list[tuple[str, int]], total: int) -> str:
    """A sentence that says what the chart shows: the largest group, or that the set is empty."""
    if not total:
        return gettext("Urvalet har ingen samverkan.")
    label, count = max(rows, key=lambda row: row[1])
    return ngettext(
        "%(total)d samverkan i urvalet. Flest: %(label)s, %(count)d.",
        "%(total)d samverkan i urvalet. Flest: %(label)s, %(count)d.",
        total,
    ) % {"total": total, "label": label, "count": count}


def statistics(organisation: Organisation, queryset: CollaborationQuerySet) -> list[Statistic]:
    """Counts of the filtered set by form, phase, status, partner sector and kind, and year started."""
    plain: Any = queryset.order_by()
    total = plain.count()
    result = []

    by_form: Counter[str | None] = Counter(
        dict(plain.values("form__slug").annotate(n=Count("pk")).values_list("form__slug", "n"))
    )
    form_rows = [
        (name, by_form.get(slug, 0))
        for slug, name in CollaborationForm.objects.order_by("order", "name").values_list("slug", "name")
    ]
    if by_form.get(None):
        form_rows.append((str(NO_FORM.label), by_form[None]))
    result.append(
        Statistic(
            "form",
            gettext("Samverkan per samverkansform"),
            gettext("Samverkansform"),
            form_rows,
            _summary(form_rows, total),
        )
    )

    by_phase: Counter[int | None] = Counter(
        dict(plain.values("current_phase_id").annotate(n=Count("pk")).values_list("current_phase_id", "n"))
    )
    phase_rows = [
        (title, by_phase.get(pk, 0))
        for pk, title in Phase.objects.filter(guide__slug=MODEL_GUIDE, kind=PhaseKind.PHASE)
        .order_by("order")
        .values_list("pk", "title")
    ]
    phase_rows.append((gettext("Alla faser klara"), by_phase.get(None, 0)))
    result.append(
        Statistic("fas", gettext("Samverkan per fas"), gettext("Fas"), phase_rows, _summary(phase_rows, total))
    )

    by_status = Counter(dict(plain.values("status").annotate(n=Count("pk")).values_list("status", "n")))
    status_rows = [(str(label), by_status.get(value, 0)) for value, label in Status.choices]
    result.append(
        Statistic(
            "status", gettext("Samverkan per status"), gettext("Status"), status_rows, _summary(status_rows, total)
        )
    )

    partners = (
        Party.objects.accepted()
        .filter(collaboration__in=plain.values("pk"))
        .exclude(organisation=organisation)
        .order_by()
    )
    partner_note = gettext("En samverkan med partner av flera slag räknas en gång för varje slag.")
    by_sector = dict(
        partners.values("organisation__sector")
        .annotate(n=Count("collaboration", distinct=True))
        .values_list("organisation__sector", "n")
    )
    sector_rows = [(str(label), by_sector.get(value, 0)) for value, label in Sector.choices]
    result.append(
        Statistic(
            "sektor",
            gettext("Samverkan per partnerns sektor"),
            gettext("Partnerns sektor"),
            sector_rows,
            _summary(sector_rows, total),
            note=partner_note,
        )
    )
    by_kind = dict(
        partners.values("organisation__kind")
        .annotate(n=Count("collaboration", distinct=True))
        .values_list("organisation__kind", "n")
    )
    kind_rows = [(str(label), by_kind[value]) for value, label in OrganisationKind.choices if by_kind.get(value)]
    result.append(
        Statistic(
            "partnerform",
            gettext("Samverkan per partnerns organisationsform"),
            gettext("Partnerns organisationsform"),
            kind_rows,
            _summary(kind_rows, total),
            note=partner_note,
        )
    )

    by_agreement = dict(plain.values("agreement__state").annotate(n=Count("pk")).values_list("agreement__state", "n"))
    agreement_rows = [(gettext("Ingen avsiktsförklaring"), by_agreement.get(None, 0))]
    agreement_rows += [(str(label), by_agreement.get(value, 0)) for value, label in AgreementState.choices]
    result.append(
        Statistic(
            "avsiktsforklaring",
            gettext("Samverkan per läge för avsiktsförklaringen"),
            gettext("Avsiktsförklaring"),
            agreement_rows,
            _summary(agreement_rows, total),
        )
    )
    adopted = Agreement.objects.filter(collaboration__in=plain.values("pk"), adopted_at__isnull=False).order_by()
    by_adopted_year = dict(
        adopted.annotate(year=ExtractYear("adopted_at")).values("year").annotate(n=Count("pk")).values_list("year", "n")
    )
    adopted_rows = [(str(year), by_adopted_year.get(year, 0)) for year in year_span(by_adopted_year)]
    adopted_total = sum(n for _label, n in adopted_rows)
    result.append(
        Statistic(
            "faststallda",
            gettext("Fastställda avsiktsförklaringar per år"),
            gettext("År"),
            adopted_rows,
            ngettext(
                "%(n)d avsiktsförklaring i urvalet är fastställd.",
                "%(n)d avsiktsförklaringar i urvalet är fastställda.",
                adopted_total,
            )
            % {"n": adopted_total},
            note=gettext(
                "Året då den senast fastställda versionen fastställdes. En samverkan som arbetar med en ny "
                "version räknas med sin tidigare fastställda."
            ),
            value_header=gettext("Antal fastställda"),
        )
    )
    result.append(_days_to_adoption(adopted))

    by_year = dict(
        plain.annotate(year=ExtractYear("started_on")).values("year").annotate(n=Count("pk")).values_list("year", "n")
    )
    year_rows = [(str(year), by_year.get(year, 0)) for year in year_span(by_year)]
    result.append(
        Statistic(
            "ar",
            gettext("Samverkan per år de startade"),
            gettext("År"),
            year_rows,
            _summary(year_rows, total),
            note=gettext("Planerat startdatum, eller dagen samverkan skapades i portalen om inget startdatum är satt."),
        )
    )
    active: Counter[int] = Counter()
    for _slug, first, last, n in active_spans(plain):
        for year in range(first, last + 1):
            active[year] += n
    active_rows = [(str(year), active.get(year, 0)) for year in year_span(active)]
    result.append(
        Statistic(
            "aktiva-ar",
            gettext("Samverkan per år de var igång"),
            gettext("År"),
            active_rows,
            ngettext(
                "%(n)d samverkan i urvalet, räknad i varje år den var igång.",
                "%(n)d samverkan i urvalet, var och en räknad i varje år den var igång.",
                total,
            )
            % {"n": total},
            note=gettext(
                "Från start, eller från den första perioden med registrerat stöd om den är tidigare, till året "
                "då samverkan avslutades, det planerade slutet eller i år om den pågår. Registrerat stöd som "
                "varar längre räknas med, men aldrig längre än till i år."
            ),
        )
    )
    return result


def _days_to_adoption(adopted: Any) -> Statistic:
    """How long it took from creating the collaboration to its fastställd agreement: median, shortest, longest."""
    days = [
        (timezone.localdate(adopted_at) - timezone.localdate(created_at)).days
        for created_at, adopted_at in adopted.values_list("collaboration__created_at", "adopted_at")
    ]
    if days:
        median = stats.median(days)
        rows = [
            (gettext("Median"), round(median)),
            (gettext("Kortast"), min(days)),
            (gettext("Längst"), max(days)),
        ]
        summary = ngettext(
            "Median %(median)d dagar från start till fastställd avsiktsförklaring, för %(n)d samverkan.",
            "Median %(median)d dagar från start till fastställd avsiktsförklaring, för %(n)d samverkan.",
            len(days),
        ) % {"median": round(median), "n": len(days)}
    else:
        rows = []
        summary = gettext("Ingen avsiktsförklaring i urvalet är fastställd än.")
    return Statistic(
        "dagar-till-faststalld",
        gettext("Dagar från start till fastställd avsiktsförklaring"),
        gettext("Mått"),
        rows,
        summary,
        note=gettext(
            "Räknat från dagen då samverkan skapades i portalen till dagen då avsiktsförklaringen fastställdes."
        ),
        value_header=gettext("Dagar"),
    )


# The list as a table ----------------------------------------------------------------------------


def agreement_label(collaboration: Collaboration) -> str:
    """The agreement's state in words ("Ingen avsiktsförklaring" without one); needs `agreement` selected."""
    try:
        agreement = collaboration.agreement
    except Agreement.DoesNotExist:
        return gettext("Ingen avsiktsförklaring")
    return str(AgreementState(agreement.state).label)


def list_sheet(queryset: CollaborationQuerySet, organisation: Organisation, *, base_url: str) -> Sheet:
    """The filtered list, one row per collaboration, for export (reads in chunks: a fixed number of queries each)."""
    header = [
        gettext("Titel"),
        gettext("Partner"),
        gettext("Samverkansform"),
        gettext("Form i kartläggningen"),
        gettext("Fas"),
        gettext("Status"),
        gettext("Avsiktsförklaring"),
        gettext("Start"),
        gettext("Planerat slut"),
        gettext("Senast ändrad"),
        gettext("Länk"),
    ]

    def rows() -> Iterator[list[Any]]:
        for c in queryset.for_listing().iterator(chunk_size=500):
            partners = "; ".join(p.organisation.name for p in c.parties.all() if p.organisation_id != organisation.pk)
            yield [
                c.title,
                partners,
                c.form.name if c.form else "",
                str(category_of(c.form.slug if c.form else None).label),
                c.current_phase.title if c.current_phase else gettext("Alla faser klara"),
                c.get_status_display(),
                agreement_label(c),
                c.started_on,  # type: ignore[attr-defined]
                c.ends_on,
                c.updated_at,
                base_url + reverse("collaboration_detail", args=[c.code]),
            ]

    return Sheet(name=gettext("Samverkan"), header=header, rows=rows())

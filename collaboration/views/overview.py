"""The coordinator overview of an organisation's collaborations: list, statistics, mapping, exports.

All four read the same filters from the URL (`collaboration.overview.OverviewFilter`).
The list is for every member of the organisation (they reach each of these collaborations
anyway); statistics, the mapping and the exports are the coordinators' (403 for other
members). Anyone outside the organisation gets 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from collaboration.access import get_organisation_for_coordinator, get_organisation_for_member
from collaboration.documents import spreadsheets
from collaboration.overview import (
    DEFAULT_SORT,
    PAGE_SIZE,
    OverviewFilter,
    filtered,
    inactive_since,
    list_sheet,
    ordered,
    statistics,
)
from collaboration.survey import SURVEY_CATEGORIES, mapping
from portal.http import AuthedRequest

RESULTS_ID = "resultat"


def _batch_pdf_url(organisation: Any, coordinates: bool) -> str | None:
    """The coordinator's batch export of adopted agreements, which preselects the codes sent as `samverkan`."""
    return reverse("agreement_export_create", args=[organisation.code]) if coordinates else None


@login_required
@require_safe
def overview(request: AuthedRequest, code: str) -> HttpResponse:
    organisation, coordinates = get_organisation_for_member(request.user, code)
    filter_form = OverviewFilter(request.GET, organisation=organisation)
    values = filter_form.values()
    collaborations = ordered(filtered(organisation, values), filter_form.sort_key()).for_listing()
    page = Paginator(collaborations, PAGE_SIZE).get_page(request.GET.get("sida"))
    for c in page.object_list:
        c.partners = [p for p in c.parties.all() if p.organisation_id != organisation.pk]  # type: ignore[attr-defined]
    template = "collaboration/overview.html"
    if request.htmx and request.htmx.target == RESULTS_ID:
        template += "#results"  # only the result region: the form stays as the person left it
    response = render(
        request,
        template,
        {
            "organisation": organisation,
            "coordinates": coordinates,
            "filter_form": filter_form,
            "described": filter_form.described(),
            "page": page,
            "inactive_since": inactive_since(),
            "batch_pdf_url": _batch_pdf_url(organisation, coordinates),
            "query": _without_page(request),
        },
    )
    if request.htmx:
        # The address the browser shows (and shares) holds only the filters that are set.
        chosen = _chosen(request)
        response["HX-Push-Url"] = request.path + (f"?{chosen}" if chosen else "")
    return response


@login_required
@require_safe
def overview_statistics(request: AuthedRequest, code: str) -> HttpResponse:
    organisation = get_organisation_for_coordinator(request.user, code)
    filter_form = OverviewFilter(request.GET, organisation=organisation)
    selected = filtered(organisation, filter_form.values())
    return render(
        request,
        "collaboration/overview_statistics.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "described": filter_form.described(),
            "statistics": statistics(organisation, selected),
            "query": _without_page(request),
        },
    )


@login_required
@require_safe
def overview_mapping(request: AuthedRequest, code: str) -> HttpResponse:
    organisation = get_organisation_for_coordinator(request.user, code)
    filter_form = OverviewFilter(request.GET, organisation=organisation)
    selected = filtered(organisation, filter_form.values())
    return render(
        request,
        "collaboration/overview_mapping.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "described": filter_form.described(),
            "mapping": mapping(selected),
            "unmatched": [str(c.label) for c in SURVEY_CATEGORIES if not c.form_slugs],
            "query": _without_page(request),
        },
    )


@login_required
@require_safe
def overview_export(request: AuthedRequest, code: str) -> HttpResponse:
    """The filtered list (`tabell=lista`), a statistic (`tabell=<its key>`) or the mapping as CSV or XLSX."""
    organisation = get_organisation_for_coordinator(request.user, code)
    table = request.GET.get("tabell", "lista")
    fmt = request.GET.get("format", "csv")
    if fmt not in spreadsheets.FORMATS:
        raise Http404("Inget sådant format.")
    filter_form = OverviewFilter(request.GET, organisation=organisation)
    values = filter_form.values()
    selected = filtered(organisation, values)
    if table == "lista":
        # The link column is made from SITE_URL, never from the Host header this request came with.
        sheet = list_sheet(ordered(selected, filter_form.sort_key()), organisation, base_url=settings.SITE_URL)
    elif table == "kartlaggning":
        sheet = mapping(selected).sheet()
    else:
        found = [s for s in statistics(organisation, selected) if s.key == table]
        if not found:
            raise Http404("Ingen sådan tabell.")
        sheet = found[0].sheet()
    filename = "-".join(
        part for part in (slugify(organisation.name), slugify(table), timezone.localdate().isoformat()) if part
    )
    return spreadsheets.response(sheet, fmt, filename)  # type: ignore[arg-type]


def _chosen(request: AuthedRequest) -> str:
    query = request.GET.copy()
    for key in list(query):
        values = [v for v in query.getlist(key) if v and not (key == "ordning" and v == DEFAULT_SORT)]
        if values:
            query.setlist(key, values)
        else:
            del query[key]
    return query.urlencode()


def _without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()

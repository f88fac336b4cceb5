"""The public register: pages anyone may read without signing in.

They read only public-register records (``PublishedDecision``, ``PublishedDocument``), copied
from their sources by the explicit act of making them public (``reporting.publication``), never
the decisions or documents themselves. Every list downloads as CSV and JSON with stable column
names and both languages side by side, for whoever reuses the data.
"""

from __future__ import annotations

import django_filters
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from escalation.choices import Level
from organisations.models import Organisation
from oversight.exports import Column, build_dataset

from ..models import PublishedDecision, PublishedDocument
from ..publication import public_current_levels, public_decisions, public_documents

PUBLIC_FORMATS = ("csv", "json")


def _level_name(level: int, language: str) -> str:
    with translation.override(language):
        return str(Level(level).label)


def _organisation_choices():
    return Organisation.objects.filter(statutory=True).order_by("name")


class PublicLevelFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=_organisation_choices(),
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), field_name="to_level", choices=Level.choices, empty_label=_("Any level")
    )

    class Meta:
        model = PublishedDecision
        fields = ["organisation", "level"]


class PublicDecisionFilter(PublicLevelFilter):
    year = django_filters.ChoiceFilter(
        label=_("Year it took effect"), field_name="effective_from__year", empty_label=_("Any year")
    )

    class Meta:
        model = PublishedDecision
        fields = ["organisation", "level", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = PublishedDecision.objects.filter(withdrawn_on__isnull=True).dates("effective_from", "year", "DESC")
        self.filters["year"].extra["choices"] = [(day.year, str(day.year)) for day in years]


DECISION_COLUMNS = [
    Column("organisation_code", "organisation.code"),
    Column("organisation", "organisation.name"),
    Column("organisation_cy", "organisation.name_cy"),
    Column("scope", "scope_label"),
    Column("scope_cy", "scope_label_cy"),
    Column("from_level", "from_level"),
    Column("to_level", "to_level"),
    Column("level_name", lambda row: _level_name(row.to_level, "en")),
    Column("level_name_cy", lambda row: _level_name(row.to_level, "cy")),
    Column("decided_on", "decided_on"),
    Column("effective_from", "effective_from"),
    Column("summary", "summary"),
    Column("summary_cy", "summary_cy"),
    Column("published_on", "published_on"),
]
LEVEL_COLUMNS = [
    Column("organisation_code", "organisation.code"),
    Column("organisation", "organisation.name"),
    Column("organisation_cy", "organisation.name_cy"),
    Column("scope", "scope_label"),
    Column("scope_cy", "scope_label_cy"),
    Column("level", "to_level"),
    Column("level_name", lambda row: _level_name(row.to_level, "en")),
    Column("level_name_cy", lambda row: _level_name(row.to_level, "cy")),
    Column("since", "effective_from"),
]
DOCUMENT_COLUMNS = [
    Column("register_number", "register_number"),
    Column("organisation_code", "organisation.code"),
    Column("organisation", "organisation.name"),
    Column("organisation_cy", "organisation.name_cy"),
    Column("title", "title"),
    Column("title_cy", "title_cy"),
    Column("year", "year"),
    Column("issued_on", "issued_on"),
    Column("published_on", "published_on"),
    Column("sha256", "sha256"),
]


def _download(rows, columns: list[Column], *, name: str, fmt: str) -> HttpResponse:
    """The rows as CSV or JSON; stable column names, both languages, no internal field."""
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    if fmt == "json":
        dataset = build_dataset(rows, columns, title=name)
        response = JsonResponse(
            {"register": name, "generated_on": stamp, "records": list(dataset.dict)},
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    else:
        response = HttpResponse(
            build_dataset(rows, columns, title=name).export("csv"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def _page(request, queryset):
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return page, query.urlencode()


@require_GET
def register(request):
    """The current escalation level of every organisation, by scope, as published."""
    on = timezone.localdate()
    filterset = PublicLevelFilter(request.GET, queryset=public_current_levels(on=on))
    rows = filterset.qs if filterset.is_valid() else PublishedDecision.objects.none()
    fmt = request.GET.get("format")
    if fmt in PUBLIC_FORMATS:
        return _download(rows, LEVEL_COLUMNS, name="escalation-levels", fmt=fmt)
    levels = list(rows)
    organisations: dict[int, dict] = {}
    for row in levels:
        organisations.setdefault(row.organisation_id, {"organisation": row.organisation, "scopes": []})[
            "scopes"
        ].append(row)
    context = {
        "filter": filterset,
        "organisations": list(organisations.values()),
        "on": on,
        "documents": public_documents()[:5],
        "filter_query": _page(request, PublishedDecision.objects.none())[1],
    }
    return render(request, "reporting/public/register.html", context)


@require_GET
def decisions(request):
    """Every published decision: date, scope, levels and the public summary of the reasons."""
    filterset = PublicDecisionFilter(request.GET, queryset=public_decisions())
    rows = filterset.qs if filterset.is_valid() else PublishedDecision.objects.none()
    fmt = request.GET.get("format")
    if fmt in PUBLIC_FORMATS:
        return _download(rows, DECISION_COLUMNS, name="escalation-decisions", fmt=fmt)
    page, filter_query = _page(request, rows)
    context = {"filter": filterset, "page_obj": page, "object_list": page.object_list, "filter_query": filter_query}
    return render(request, "reporting/public/decisions.html", context)


@require_GET
def documents(request):
    """Published documents: the public accountability summaries."""
    filterset = PublicLevelFilter(request.GET, queryset=public_documents())
    filterset.filters.pop("level")
    rows = filterset.qs if filterset.is_valid() else PublishedDocument.objects.none()
    fmt = request.GET.get("format")
    if fmt in PUBLIC_FORMATS:
        return _download(rows, DOCUMENT_COLUMNS, name="public-documents", fmt=fmt)
    page, filter_query = _page(request, rows)
    context = {"filter": filterset, "page_obj": page, "object_list": page.object_list, "filter_query": filter_query}
    return render(request, "reporting/public/documents.html", context)


@require_GET
def document_download(request, register_number):
    """The PDF of a published document, exactly as issued (its checksum is on the register)."""
    record = get_object_or_404(
        PublishedDocument.objects.select_related("document"), register_number=register_number, withdrawn_on__isnull=True
    )
    document = record.document
    if not document.file:
        raise Http404("The file of this document is not available.")
    try:
        handle = document.file.open("rb")
    except OSError as error:  # the stored file has gone: say so, rather than fail
        raise Http404("The file of this document is not available.") from error
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{record.register_number}.pdf"'
    return response


@require_GET
def organisation(request, code):
    """One organisation on the public register: its levels now, its published decisions and
    summaries."""
    organisation = get_object_or_404(Organisation, code=code, statutory=True)
    on = timezone.localdate()
    context = {
        "organisation": organisation,
        "on": on,
        "levels": list(public_current_levels(on=on).filter(organisation=organisation)),
        "decisions": list(public_decisions().filter(organisation=organisation)[:50]),
        "documents": list(public_documents().filter(organisation=organisation)),
    }
    return render(request, "reporting/public/organisation.html", context)

"""Composed documents: the PDFs that are more than a letter's paragraphs.

Three kinds, each drafted here, then approved and issued like any document
(``reporting.documents``: approval by the roles ``reporting.rules.document_approver_roles``
names, issue by a Celery task that stores the exact bytes with their sha256):

* **Agenda pack** (``agenda_pack_draft``): a meeting's cover and agenda, then every paper
  merged in agenda order, late papers in a supplement, page numbers running on across the
  whole pack and bookmarks (``reporting.agenda_pack``).
* **Performance pack PDF** (``performance_pack_draft``): one pack's cover, then per pillar its
  measures with the latest value, target and trajectory, the SPC icons as words, the same SVG
  SPC chart as the measure page (``reporting.charts.spc_chart``), the narrative and the risks.
* **Public accountability summary** (``public_summary_draft``): for one organisation and year,
  the escalation level of each scope, the year's key measures by pillar from released packs
  only, and progress against the Ministerial priorities [001 §6.1, §10]. Nothing internal:
  no draft text, no unreleased figure, no official's name.

``RENDERERS`` maps a ``Document.Kind`` to a function ``(document, *, issued) -> RenderedPdf``.
``reporting.documents.render_document`` uses it for preview and issue alike; a kind not listed
here is rendered as a letter (``reporting/documents/letter.html``).

``SUMMARY_SECTIONS`` is the public accountability summary's extension point: apps above
``reporting`` (which ``reporting`` must not import, e.g. ``plans`` for progress against the
Ministerial priorities) append a provider to it in their ``AppConfig.ready()``. A provider is
called as ``provider(organisation, year, language)`` inside ``translation.override(language)``
and returns ``None`` (nothing to add) or a dict rendered generically (heading, then a table)::

    {
        "heading": "Progress against the Ministerial priorities",   # required
        "intro": "One paragraph before the table.",                 # optional
        "columns": ["Priority", "Progress"],                        # optional table header
        "rows": [["Timely access to care", "Improving"], ...],      # cells as plain text (a row
                                                                    # may be a dict: its values)
        "empty": "No priorities are recorded.",                     # optional, shown with no rows
    }

Whatever a provider returns is published: it must hold public, released information only.
With no section from any provider, the summary says that no priorities are recorded.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from escalation.choices import Level
from oversight import access
from oversight.concurrency import create_recorded
from oversight.errors import OversightError, refuse

from . import analytics, rules, selectors, spc
from .agenda_pack import render_agenda_pack
from .charts import spc_chart
from .choices import Direction, Frequency, Pillar
from .models import ChangePoint, Document, Pack, Trajectory
from .page_selectors import (
    ASSURANCE_LABELS,
    STATUS_LABELS,
    VARIATION_LABELS,
    _released_values,
    display_value,
    is_provisional,
    pack_spc_charts,
    target_of,
)
from .pdf import FONT_FAMILY, LANGUAGES, RenderedPdf, render

PERFORMANCE_PACK_TEMPLATE = "reporting/documents/performance_pack.html"
PUBLIC_SUMMARY_TEMPLATE = "reporting/documents/public_summary.html"

SummarySection = Callable[..., dict | None]
SUMMARY_SECTIONS: list[SummarySection] = []


# --- Drafting ------------------------------------------------------------------------------------


def _language(organisation, language: str | None) -> str:
    """The language asked for; else the organisation's preference, where it records one."""
    return language or getattr(organisation, "letter_language", "") or Document.Language.ENGLISH


def _refuse_unless_drafter(actor, kind: str) -> None:
    refuse(
        rules.document_transition_refusal(
            status=rules.DOC_DRAFT,
            to_status=rules.DOC_DRAFT,
            kind=kind,
            level=None,
            roles=access.principal(actor).roles,
        )
    )


def _in_both(make: Callable[[], str], *, limit: int | None = 300) -> tuple[str, str]:
    """``make()`` in English and in Welsh (from the translated strings), cut to ``limit``
    characters (a title's length) unless it is None."""
    with translation.override("en"):
        english = make()
    with translation.override("cy"):
        welsh = make()
    return english[:limit], welsh[:limit]


def agenda_pack_draft(*, actor, meeting, language: str | None = None) -> Document:
    """Draft the agenda pack of a meeting: its cover and agenda, then its papers (rendered at
    preview and issue, so a paper added before issue is in the issued pack)."""
    access.require(actor, "reporting.document.draft", meeting)
    _refuse_unless_drafter(actor, Document.Kind.AGENDA_PACK)
    if meeting.organisation_id is None:
        raise OversightError(
            _(
                "An agenda pack is made for a meeting with one organisation. This meeting has none, so its "
                "pack would have no organisation to be filed under."
            ),
            code="agenda_pack_no_organisation",
        )
    if meeting.status == "cancelled":
        raise OversightError(_("This meeting was cancelled: it needs no agenda pack."), code="meeting_cancelled")
    when = timezone.localdate(meeting.starts_at)
    title, title_cy = _in_both(lambda: _("Agenda pack: %(meeting)s") % {"meeting": meeting.title})
    body, body_cy = _in_both(
        lambda: (
            _("The agenda and papers for %(meeting)s on %(date)s.")
            % {"meeting": meeting.title, "date": date_format(when, "j F Y")}
        ),
        limit=None,
    )
    document = Document(
        kind=Document.Kind.AGENDA_PACK,
        language=_language(meeting.organisation, language),
        title=title,
        title_cy=title_cy,
        body=body,
        body_cy=body_cy,
        organisation=meeting.organisation,
        meeting=meeting,
        month=when.replace(day=1),
        year=when.year,
        addressee_name=_in_both(lambda: _("Those taking part in the meeting"))[0],
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Agenda pack drafted for meeting {meeting.pk}")


def performance_pack_draft(*, actor, pack: Pack, language: str | None = None) -> Document:
    """Draft the PDF of a performance pack. Another organisation's pack is seen (and so drafted)
    only once released, as on the pack's page; an unreleased pack's PDF says it is not released."""
    access.require(actor, "reporting.pack.view", pack)
    access.require(actor, "reporting.document.draft", pack)
    _refuse_unless_drafter(actor, Document.Kind.PERFORMANCE_PACK)
    organisation = pack.organisation

    def title() -> str:
        text = _("Performance pack: %(organisation)s, %(month)s") % {
            "organisation": organisation.display_name,
            "month": date_format(pack.period, "F Y"),
        }
        if pack.revision > 1:
            text += " " + _("(version %(revision)s)") % {"revision": pack.revision}
        return text

    title_en, title_cy = _in_both(title)
    body, body_cy = _in_both(
        lambda: (
            _(
                "The performance pack of %(organisation)s for %(month)s: each measure's value against its target "
                "and trajectory, its SPC chart, and the organisation's narrative and risks."
            )
            % {"organisation": organisation.display_name, "month": date_format(pack.period, "F Y")}
        ),
        limit=None,
    )
    document = Document(
        kind=Document.Kind.PERFORMANCE_PACK,
        language=_language(organisation, language),
        title=title_en,
        title_cy=title_cy,
        body=body,
        body_cy=body_cy,
        organisation=organisation,
        pack=pack,
        month=pack.period,
        year=pack.period.year,
        addressee_name=organisation.name,
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Performance pack PDF drafted for pack {pack.pk}")


def public_summary_draft(*, actor, organisation, year: int, language: str | None = None) -> Document:
    """Draft the public accountability summary of an organisation for a (calendar) year."""
    from organisations.rules import LEVEL_HOLDING_KINDS

    access.require(actor, "reporting.document.draft", organisation)
    _refuse_unless_drafter(actor, Document.Kind.PUBLIC_SUMMARY)
    if organisation.kind not in LEVEL_HOLDING_KINDS:
        raise OversightError(
            _("A public accountability summary is for an NHS organisation that holds an escalation level."),
            code="summary_organisation",
            field="organisation",
        )
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise OversightError(_("Give a year from 2000 to next year."), code="summary_year", field="year")
    title, title_cy = _in_both(
        lambda: (
            _("Public accountability summary: %(organisation)s, %(year)s")
            % {"organisation": organisation.display_name, "year": year}
        )
    )
    body, body_cy = _in_both(
        lambda: (
            _(
                "This summary sets out where %(organisation)s stands in the NHS Wales escalation arrangements, how it "
                "performed in %(year)s on the figures NHS Wales Performance and Improvement has released, and its "
                "progress against the Ministerial priorities."
            )
            % {"organisation": organisation.display_name, "year": year}
        ),
        limit=None,
    )
    document = Document(
        kind=Document.Kind.PUBLIC_SUMMARY,
        language=_language(organisation, language),
        title=title,
        title_cy=title_cy,
        body=body,
        body_cy=body_cy,
        organisation=organisation,
        year=year,
        addressee_name=_in_both(lambda: _("The public"))[0],
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Public accountability summary drafted for {year}")


# --- Shared pieces of the PDFs -------------------------------------------------------------------

SVG_FONT_FAMILY = FONT_FAMILY.replace('"', "'")

VARIATION_LETTERS = {
    spc.VariationIcon.COMMON_CAUSE: "~",
    spc.VariationIcon.IMPROVING_HIGH: "H",
    spc.VariationIcon.CONCERNING_HIGH: "H",
    spc.VariationIcon.NEITHER_HIGH: "H",
    spc.VariationIcon.IMPROVING_LOW: "L",
    spc.VariationIcon.CONCERNING_LOW: "L",
    spc.VariationIcon.NEITHER_LOW: "L",
}
ASSURANCE_LETTERS = {
    spc.AssuranceIcon.CONSISTENTLY_PASSING: "P",
    spc.AssuranceIcon.CONSISTENTLY_FAILING: "F",
    spc.AssuranceIcon.HIT_AND_MISS: "?",
}


def pdf_svg(svg: str) -> str:
    """An SVG chart for a PDF: its text in the document's fonts, named explicitly, since SVG
    text inherits nothing from the page around it."""
    return re.sub(r"font-family:\s*[^;\"]+", f"font-family: {SVG_FONT_FAMILY}", svg)


CHART_CACHE_SECONDS = 24 * 60 * 60


def cached_spc_chart(result: spc.SpcResult, series: analytics.Series, **options) -> str:
    """``charts.spc_chart`` (the measure page's chart, byte for byte), kept a day in the cache
    under a digest of everything it is drawn from, so that issuing a pack after previewing it
    draws none of its charts again. Drawing is most of a pack PDF's time (about 0.1 s a chart)."""
    measure = series.measure
    source = repr(
        (
            translation.get_language(),
            sorted(options.items()),
            (measure.code, measure.unit, measure.direction, str(measure.national_target)),
            series.periods,
            series.values,
            result,
        )
    )
    key = "reporting:pdf-chart:" + hashlib.sha256(source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = spc_chart(result, series, **options)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


@dataclass(frozen=True)
class PdfChart:
    """An SVG chart placed in a PDF as an image (``<img src="data:image/svg+xml...">``). WeasyPrint
    draws an SVG image with its own SVG renderer, text kept as text, and does not run the page's
    CSS over each of the chart's hundreds of elements as it would for inline SVG: a pack of 30-odd
    charts renders four times faster. The chart's title and description are its ``alt`` text."""

    src: str
    alt: str


def pdf_chart(svg: str) -> PdfChart | None:
    if not svg:
        return None
    svg = pdf_svg(svg)
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if box:  # an image needs its own size; the page's width="100%" means nothing there
        svg = svg.replace('width="100%"', f'width="{box.group(1)}" height="{box.group(2)}"', 1)
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    alt = " ".join(html.unescape(found.group(1)) for found in (title, description) if found)
    return PdfChart(src="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"), alt=alt)


@dataclass(frozen=True)
class SpcWords:
    """The SPC icons as the page shows them: a letter and words, never colour alone."""

    variation_letter: str = ""
    variation: str = ""
    variation_kind: str = ""
    assurance_letter: str = ""
    assurance: str = ""
    note: str = ""


def spc_words(result: spc.SpcResult | None) -> SpcWords:
    if result is None:
        return SpcWords(note=_("No released values"))
    if not result.sufficient:
        return SpcWords(note=_("Too few points for SPC"))
    variation, assurance = result.variation_icon, result.assurance_icon
    return SpcWords(
        variation_letter=VARIATION_LETTERS.get(variation, ""),
        variation=str(VARIATION_LABELS[variation]) if variation else "",
        variation_kind=str(variation or ""),
        assurance_letter=ASSURANCE_LETTERS.get(assurance, ""),
        assurance=str(ASSURANCE_LABELS[assurance]) if assurance else "",
        note="" if assurance else _("No assurance icon: no numeric target"),
    )


def _footer(document: Document, *, issued: bool) -> str:
    return document.register_number if issued and document.register_number else _("Draft")


def _title(document: Document, language: str) -> str:
    return (document.title_cy or document.title) if language == "cy" else document.title


def _paragraphs(document: Document, language: str) -> list[str]:
    return document.paragraphs(language) or document.paragraphs("en")


# --- The performance pack PDF --------------------------------------------------------------------


def _pack_measure_rows(pack: Pack) -> list[dict]:
    """Each measure of the pack with its value, target, trajectory, status and SPC (language-free
    values; the words are made per language)."""
    measures = selectors.pack_measures(pack.organisation, pack.period)
    values = {value.measure_id: value for value in pack.values.all()}
    trajectories = {
        trajectory.measure_id: trajectory
        for trajectory in Trajectory.objects.filter(organisation_id=pack.organisation_id, period=pack.period)
    }
    charts = pack_spc_charts(pack)
    rows = []
    for measure in measures:
        value, trajectory = values.get(measure.pk), trajectories.get(measure.pk)
        status = None
        if value is not None and value.value is not None:
            found = spc.value_status(
                float(value.value),
                target=target_of(measure),
                direction=measure.spc_direction,
                trajectory=float(trajectory.value) if trajectory else None,
                tolerance=float(trajectory.tolerance) if trajectory and trajectory.tolerance is not None else None,
            )
            status = found if isinstance(found, spc.ValueStatus) else None
        series, result = charts.get(measure.pk, (None, None))
        rows.append(
            {
                "measure": measure,
                "value": value,
                "trajectory": trajectory,
                "status": status,
                "series": series,
                "result": result,
            }
        )
    return rows


def _pack_part(pack: Pack, rows: list[dict], *, language: str) -> dict:
    """The pack's content in one language: pillars with their measures, charts, narrative and risks."""
    with translation.override(language):
        narratives = {narrative.pillar: narrative.text for narrative in pack.narratives.all()}
        risks = list(pack.risks.all())
        pillars = []
        for code, label in Pillar.choices:
            measures = []
            for row in rows:
                measure = row["measure"]
                if measure.pillar != code:
                    continue
                value, trajectory, status, result = row["value"], row["trajectory"], row["status"], row["result"]
                chart = None
                if row["series"] is not None:
                    chart = pdf_chart(
                        cached_spc_chart(
                            result,
                            row["series"],
                            title=_("%(measure)s: %(organisation)s")
                            % {
                                "measure": measure.display_name,
                                "organisation": pack.organisation.display_short_name,
                            },
                            target=target_of(measure),
                            y_label=measure.get_unit_display(),
                        )
                    )
                measures.append(
                    {
                        "code": measure.code,
                        "name": measure.display_name,
                        "unit": measure.get_unit_display(),
                        "value": display_value(float(value.value), measure.unit)
                        if value is not None and value.value is not None
                        else "",
                        "not_available": value.not_available_reason
                        if value is not None and value.value is None
                        else "",
                        "target": display_value(target_of(measure), measure.unit)
                        if target_of(measure) is not None
                        else "",
                        "target_text": measure.target_text,
                        "trajectory": display_value(float(trajectory.value), measure.unit) if trajectory else "",
                        "target_status": str(STATUS_LABELS[status.target]) if status and status.target else "",
                        "trajectory_status": str(STATUS_LABELS[status.trajectory])
                        if status and status.trajectory
                        else "",
                        "spc": spc_words(result),
                        "provisional": is_provisional(result),
                        "chart": chart,
                    }
                )
            pillars.append(
                {
                    "code": code,
                    "label": str(label),
                    "measures": measures,
                    "narrative": narratives.get(code, ""),
                    "risks": [risk for risk in risks if risk.pillar == code],
                }
            )
        return {
            "language": language,
            "pillars": pillars,
            "other_risks": [risk for risk in risks if not risk.pillar],
            "deep_dives": list(pack.deep_dives.all()),
        }


def performance_pack_context(document: Document, *, issued: bool) -> dict:
    pack = (
        Pack.objects.select_related("organisation")
        .prefetch_related("values", "narratives", "risks", "deep_dives")
        .get(pk=document.pack_id)
    )
    rows = _pack_measure_rows(pack)
    languages = LANGUAGES[document.language]
    return {
        "title": _title(document, languages[0]),
        "document": document,
        "pack": pack,
        "organisation": pack.organisation,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "footer_text": _footer(document, issued=issued),
        "parts": [
            {
                **_pack_part(pack, rows, language=language),
                "title": _title(document, language),
                "paragraphs": _paragraphs(document, language),
            }
            for language in languages
        ],
    }


def render_performance_pack(document: Document, *, issued: bool) -> RenderedPdf:
    if document.pack_id is None:
        raise OversightError(_("This document names no performance pack."), code="document_no_pack")
    with translation.override(LANGUAGES[document.language][0]):
        context = performance_pack_context(document, issued=issued)
    return render(PERFORMANCE_PACK_TEMPLATE, context, language=document.language)


# --- The public accountability summary -----------------------------------------------------------


def _levels(organisation, *, on: date) -> list[dict]:
    """The organisation's level in each scope on ``on``, from decided decisions in force then."""
    from django.db.models import OuterRef, Subquery

    from escalation.models import EscalationStatus
    from escalation.selectors import effective_decisions

    latest = (
        effective_decisions()
        .filter(organisation_id=OuterRef("organisation_id"), scope_key=OuterRef("scope_key"), effective_from__lte=on)
        .order_by("-effective_from", "-decided_on", "-created_at")
    )
    statuses = (
        EscalationStatus.objects.filter(organisation=organisation)
        .exclude(retired_on__lte=on)
        .select_related("domain")
        .annotate(level_on=Subquery(latest.values("to_level")[:1]), since=Subquery(latest.values("effective_from")[:1]))
        .filter(level_on__isnull=False)
        .order_by("scope_kind", "domain__order", "service_name")
    )
    rows = [
        {
            "scope": status.scope_label,
            "level": status.level_on,
            "name": str(Level(status.level_on).label),
            "since": status.since,
        }
        for status in statuses
    ]
    if not any(status.scope_kind == "organisation" for status in statuses):
        rows.insert(0, {"scope": _("Whole organisation"), "level": 1, "name": str(Level(1).label), "since": None})
    return rows


def _released_year(organisation, year: int) -> list[tuple[object, analytics.Series, spc.SpcResult]]:
    """The key measures with a released value in ``year``: each with its released series up to the
    year's end and the SPC of that series. Key measures are the monthly measures with a better
    direction (not context only); only released numbers are read (``page_selectors``)."""
    from .models import Measure

    end = date(year + 1, 1, 1)
    rows = list(_released_values(organisation_id=organisation.pk, before=end))
    ids = {measure_id for measure_id, _org, _period, _value in rows}
    measures = {
        measure.pk: measure
        for measure in Measure.objects.filter(pk__in=ids)
        .exclude(direction=Direction.NONE)
        .exclude(frequency=Frequency.DAILY)
        .order_by("order", "code")
    }
    change_points = list(
        ChangePoint.objects.filter(measure_id__in=list(measures)).filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation.pk)
        )
    )
    points: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for measure_id, _org, period, value in rows:
        if measure_id in measures:
            points[measure_id].append((period, float(value)))
    found = []
    for measure_id, measure in measures.items():
        series_points = points.get(measure_id, [])
        if not series_points or series_points[-1][0].year != year:
            continue  # nothing released for that year
        series = analytics.Series(
            organisation_id=organisation.pk,
            measure=measure,
            periods=tuple(p for p, _v in series_points),
            values=tuple(v for _p, v in series_points),
        )
        found.append((measure, series, analytics.chart(series, change_points=change_points)))
    found.sort(key=lambda entry: (entry[0].order, entry[0].code))
    return found


def _sections(organisation, year: int, language: str) -> list[dict]:
    sections = []
    for provider in SUMMARY_SECTIONS:
        section = provider(organisation, year, language)
        if not section:
            continue
        sections.append(
            {
                "heading": str(section["heading"]),
                "intro": str(section.get("intro", "") or ""),
                "columns": [str(column) for column in section.get("columns", []) or []],
                "rows": [
                    [str(cell) for cell in (row.values() if isinstance(row, dict) else row)]
                    for row in section.get("rows", []) or []
                ],
                "empty": str(section.get("empty", "") or ""),
            }
        )
    return sections


def _summary_part(organisation, year: int, measures, *, language: str, on: date) -> dict:
    with translation.override(language):
        pillars = []
        for code, label in Pillar.choices:
            rows = []
            for measure, series, result in measures:
                if measure.pillar != code:
                    continue
                latest = series.values[-1]
                status = None
                target = target_of(measure)
                if target is not None:
                    found = spc.value_status(latest, target=target, direction=measure.spc_direction)
                    status = found.target if isinstance(found, spc.ValueStatus) else None
                rows.append(
                    {
                        "name": measure.display_name,
                        "month": series.periods[-1],
                        "value": display_value(latest, measure.unit),
                        "target": display_value(target, measure.unit) if target is not None else "",
                        "status": str(STATUS_LABELS[status]) if status else "",
                        "spc": spc_words(result),
                    }
                )
            if rows:
                pillars.append({"code": code, "label": str(label), "rows": rows})
        return {
            "language": language,
            "levels": _levels(organisation, on=on),
            "pillars": pillars,
            "sections": _sections(organisation, year, language),
        }


def public_summary_context(document: Document, *, issued: bool) -> dict:
    organisation, year = document.organisation, document.year
    on = min(timezone.localdate(), date(year, 12, 31))
    measures = _released_year(organisation, year)
    languages = LANGUAGES[document.language]
    return {
        "title": _title(document, languages[0]),
        "organisation": organisation,
        "year": year,
        "on": on,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "footer_text": _footer(document, issued=issued),
        "parts": [
            {
                **_summary_part(organisation, year, measures, language=language, on=on),
                "title": _title(document, language),
                "paragraphs": _paragraphs(document, language),
            }
            for language in languages
        ],
    }


def render_public_summary(document: Document, *, issued: bool) -> RenderedPdf:
    if document.year is None:
        raise OversightError(_("This summary names no year."), code="document_no_year")
    with translation.override(LANGUAGES[document.language][0]):
        context = public_summary_context(document, issued=issued)
    return render(PUBLIC_SUMMARY_TEMPLATE, context, language=document.language)


RENDERERS: dict[str, Callable[..., RenderedPdf]] = {
    Document.Kind.AGENDA_PACK: render_agenda_pack,
    Document.Kind.PERFORMANCE_PACK: render_performance_pack,
    Document.Kind.PUBLIC_SUMMARY: render_public_summary,
}

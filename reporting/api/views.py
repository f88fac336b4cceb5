"""The reporting API: the measure catalogue, trajectories, performance packs (their life and
their values), daily system values, SPC results from released numbers, and suggested levels.

Every write goes through a service (``reporting.services``, ``reporting.daily``,
``reporting.trajectories``) under the access policy (``oversight.access``): a pack the caller
may not see is a 404, one they may see but not act on a 403, a stale ``version`` a 409, and a
refused rule a 400 with the rule's code. Bulk writes are all or nothing; their refusal lists
each problem as ``{"row", "field", "code", "message"}``, ``row`` counting from 0.

Who sees what:
- measures, SPC results (released numbers only): every signed-in user;
- trajectories: those who see the organisation (``access.restrict``: WG, NHS P&I,
  administrators and the organisation's own people);
- daily values: every signed-in user, as on the system dashboard (``access.restrict_daily_values``);
- packs: their organisation's people (and WG, NHS P&I, administrators) at every stage, every
  signed-in user once released (``reporting.selectors``);
- suggested levels: ``reporting.suggestions.view`` (WG and NHS P&I).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organisations.models import Organisation
from oversight import access
from oversight.errors import ConflictError, OversightError
from oversight.models import SensitiveRead
from oversight.services import pack_is_unreleased, record_sensitive_read

from .. import analytics, daily, decision_support, rules, selectors, services, spc, trajectories
from ..choices import ValueSource
from ..models import ChangePoint, DailyValue, Measure, Pack, PackValue, Trajectory
from ..rows import RowError, RowsRefused
from . import serializers as s
from .filters import DailyValueFilter, MeasureFilter, PackFilter, TrajectoryFilter

ROWS_REFUSED = OpenApiResponse(s.RowsRefusedSerializer, description="Nothing stored: every problem, by row and field.")
REFUSED = OpenApiResponse(description='A rule refused it: {"detail", "code"}.')
FORBIDDEN = OpenApiResponse(description="Visible, but not yours to do.")
NOT_FOUND = OpenApiResponse(description="No such pack, or not yours to see.")
CONFLICT = OpenApiResponse(description="Stale version: someone changed it since you loaded it.")


def _rows(data) -> list:
    """The body of a bulk request: a JSON list of rows."""
    if not isinstance(data, list):
        raise OversightError(_("Send a list of rows (a JSON array of objects)."), code="invalid_body")
    return data


def _row_errors(index: int, errors: dict) -> list[RowError]:
    """A row serializer's errors as ``RowError``s naming the row and the field."""
    found = []
    for name, details in errors.items():
        for detail in details if isinstance(details, list) else [details]:
            field_name = "" if name == "non_field_errors" else name
            found.append(RowError(index, field_name, getattr(detail, "code", "invalid") or "invalid", str(detail)))
    return found


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """The measure catalogue, by code. Filter by pillar, frequency, code and ``in_force_on``
    (the measures collected on that day)."""

    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    queryset = Measure.objects.select_related("variant_of").order_by("order", "code")


class TrajectoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Agreed trajectories of the organisations the caller may see. POST a list of rows to
    create or update them (NHS P&I analysts), all or nothing."""

    serializer_class = s.TrajectorySerializer
    filterset_class = TrajectoryFilter

    def get_queryset(self):
        return access.restrict(
            Trajectory.objects.select_related("organisation", "measure").order_by(
                "organisation__name", "measure__order", "measure__code", "period"
            ),
            self.request.user,
        )

    @extend_schema(
        request=s.TrajectoryRowSerializer(many=True),
        responses={200: s.BulkReportSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN},
    )
    def create(self, request):
        report = trajectories.trajectories_upsert(actor=request.user, rows=_rows(request.data))
        return Response(s.BulkReportSerializer(report).data)


class PackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Performance packs the caller may see: their own organisation's at every stage, everyone's
    once released; another organisation's unreleased pack does not exist for them (404).

    The list shows each month's current version (and, while a correction is prepared, the
    released version it will replace); ``all_versions=true`` shows every version. Each action
    takes the ``version`` the caller was shown."""

    serializer_class = s.PackSerializer
    filterset_class = PackFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        all_versions = self.request.query_params.get("all_versions", "").lower() in ("1", "true", "yes")
        return selectors.pack_list(self.request.user, all_versions=all_versions)

    def get_serializer_class(self):
        return s.PackDetailSerializer if self.action == "retrieve" else s.PackSerializer

    def get_object(self):
        return selectors.pack_detail(self.request.user, self.kwargs["pk"])

    def _log_read(self, pack) -> None:
        """An unreleased pack's content read through the API goes in the access log."""
        if pack_is_unreleased(pack):
            record_sensitive_read(
                self.request,
                obj=pack,
                organisation=pack.organisation_id,
                kind=SensitiveRead.Kind.PACK,
                action=SensitiveRead.Action.VIEWED,
            )

    def retrieve(self, request, *args, **kwargs):
        pack = self.get_object()
        self._log_read(pack)
        return Response(self.get_serializer(pack).data)

    def _pack(self) -> Pack:
        """The pack, if the caller may see it (404 otherwise), without its contents."""
        pack = selectors.pack_list(self.request.user, all_versions=True).filter(pk=self.kwargs["pk"]).first()
        if pack is None:
            raise Http404
        return pack

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        parameters=[OpenApiParameter("all_versions", bool, description="every version, not only the current one")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.PackCreateSerializer,
        responses={201: s.PackSerializer, 200: s.PackSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request):
        """Open the organisation's pack for a month (its submitters or NHS P&I analysts). Asking
        again answers the pack already open (200)."""
        data = self._valid(s.PackCreateSerializer)
        period = data["period"].replace(day=1)
        existed = Pack.objects.current().filter(organisation=data["organisation"], period=period).exists()
        pack = services.pack_create(actor=request.user, organisation=data["organisation"], period=period)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(s.PackSerializer(pack).data, status=code)

    def _respond(self, pack, code=status.HTTP_200_OK):
        return Response(s.PackSerializer(pack).data, status=code)

    @extend_schema(
        request=s.PackVersionSerializer,
        responses={200: s.PackSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the pack to NHS P&I (the organisation's submitters). Refused, naming each
        measure, while a measure has neither a value nor a reason."""
        pack = self._pack()
        data = self._valid(s.PackVersionSerializer)
        try:
            pack = services.pack_submit(actor=request.user, pack=pack, expected_version=data["version"])
        except services.ValuesRefused as refused:
            errors = []
            for message in refused.errors:
                code, _sep, text = message.partition(": ")
                errors.append(RowError(None, "value", "value_missing", f"{code}: {text}"))
            raise RowsRefused(errors, code=refused.code, message=refused.message.split("\n", 1)[0]) from refused
        return self._respond(pack)

    @extend_schema(
        request=s.ReturnSerializer,
        responses={200: s.PackSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Send the submitted pack back to the organisation with a comment (NHS P&I analysts)."""
        pack = self._pack()
        data = self._valid(s.ReturnSerializer)
        return self._respond(
            services.pack_return(
                actor=request.user, pack=pack, expected_version=data["version"], comment=data["comment"]
            )
        )

    @extend_schema(
        request=s.PackVersionSerializer,
        responses={200: s.PackSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Confirm the submitted pack is right (NHS P&I analysts)."""
        pack = self._pack()
        data = self._valid(s.PackVersionSerializer)
        return self._respond(services.pack_validate(actor=request.user, pack=pack, expected_version=data["version"]))

    @extend_schema(
        request=s.PackVersionSerializer,
        responses={200: s.PackSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Release the validated pack to every signed-in user (NHS P&I analysts). Final."""
        pack = self._pack()
        data = self._valid(s.PackVersionSerializer)
        return self._respond(services.pack_release(actor=request.user, pack=pack, expected_version=data["version"]))

    @extend_schema(
        request=s.CorrectSerializer,
        responses={201: s.PackSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of the released pack: a new draft version with the reason (NHS P&I
        analysts). The released version stays the released numbers until the correction is
        released."""
        pack = self._pack()
        data = self._valid(s.CorrectSerializer)
        correction = services.pack_correct(
            actor=request.user, pack=pack, reason=data["reason"], expected_version=data["version"]
        )
        return self._respond(correction, status.HTTP_201_CREATED)

    # --- Values ---------------------------------------------------------------------------

    def _values_body(self, pack, *, changed=None):
        values = (
            PackValue.objects.filter(pack=pack).select_related("measure").order_by("measure__order", "measure__code")
        )
        body = {"pack": pack.pk, "version": pack.version, "values": s.PackValueSerializer(values, many=True).data}
        if changed is not None:
            body["changed"] = changed
        return body

    @extend_schema(
        methods=["get"],
        responses={200: s.PackValuesResultSerializer, 404: NOT_FOUND},
        description="The pack's values.",
    )
    @extend_schema(
        methods=["post"],
        request=s.PackValuesWriteSerializer,
        responses={200: s.PackValuesResultSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        description=(
            "Set some of the pack's values, all or nothing, while it is a draft or returned (the "
            "organisation's submitters, NHS P&I analysts). Values not named are left alone. Sending the "
            "same values again changes nothing: it answers 200 with changed false, even with the version "
            "the first request made stale, because nothing can be overwritten."
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def values(self, request, pk=None):
        if request.method == "GET":
            pack = self._pack()
            self._log_read(pack)
            return Response(self._values_body(pack))
        pack = self._pack()
        access.require(request.user, "reporting.pack.edit", pack)
        version = self._valid(s.PackVersionSerializer)["version"]
        rows = self._value_rows(pack)
        try:
            with transaction.atomic():
                pack, changed = services.pack_values_with_comments_set(
                    actor=request.user,
                    pack=pack,
                    expected_version=version,
                    values={r["measure"]: r["value"] for r in rows},
                    reasons={r["measure"]: r["not_available_reason"] for r in rows},
                    comments={r["measure"]: r["comment"] for r in rows},
                    labels={r["measure"]: f"Row {r['row']}" for r in rows},
                    source=ValueSource.API,
                )
        except ConflictError:
            current = Pack.objects.get(pk=pack.pk)
            if not _would_change(current, rows):
                return Response(self._values_body(current, changed=False))
            raise
        except services.ValuesRefused as refused:  # found by the service, e.g. the catalogue changed meanwhile
            raise RowsRefused([_row_error_from_message(m) for m in refused.errors], code=refused.code) from refused
        return Response(self._values_body(pack, changed=changed))

    def _value_rows(self, pack) -> list[dict]:
        """The request's rows, each checked against the catalogue, the pack's measures and the
        value rules (through ``services.check_entries``); a ``RowsRefused`` names every problem."""
        raw = self.request.data.get("values") if isinstance(self.request.data, dict) else None
        if raw is None:
            raise RowsRefused([RowError(None, "values", "required", _("Send the values as a list of rows."))])
        raw = _rows(raw)
        measures = {m.code: m for m in Measure.objects.all()}
        errors: list[RowError] = []
        rows: list[dict] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(raw):
            row = s.PackValueRowSerializer(data=item)
            if not row.is_valid():
                errors += _row_errors(index, row.errors)
                continue
            data = row.validated_data
            code = data["measure"].strip()
            before = len(errors)
            if code in seen:
                errors.append(
                    RowError(
                        index,
                        "measure",
                        "duplicate",
                        _("%(code)s is already given in row %(row)d.") % {"code": code, "row": seen[code]},
                    )
                )
                continue
            seen[code] = index
            try:
                value = rules.parse_value(data.get("value"))
            except ValueError:
                errors.append(
                    RowError(
                        index, "value", "not_a_number", _("“%(value)s” is not a number.") % {"value": data["value"]}
                    )
                )
                continue
            measure = measures.get(code)
            if measure is not None and data.get("unit") and data["unit"] != measure.unit:
                errors.append(
                    RowError(
                        index,
                        "unit",
                        "wrong_unit",
                        _("%(code)s is measured in “%(unit)s”, not “%(given)s”.")
                        % {"code": code, "unit": measure.get_unit_display(), "given": data["unit"]},
                    )
                )
            for name, limit in (("not_available_reason", 300), ("comment", services.COMMENT_LENGTH)):
                if len(data[name]) > limit:
                    errors.append(
                        RowError(index, name, "too_long", _("Keep it to %(max)d characters.") % {"max": limit})
                    )
            label = f"Row {index}"
            entry = services.Entry(code=code, value=value, reason=data["not_available_reason"], label=label)
            for message in services.check_entries(
                [entry], organisation=pack.organisation, period=pack.period, measures=measures
            ):
                field_name, error_code = _value_fault(measure, value, pack)
                errors.append(RowError(index, field_name, error_code, message.removeprefix(f"{label}: ")))
            if len(errors) == before:
                rows.append(
                    {
                        "row": index,
                        "measure": code,
                        "value": value,
                        "not_available_reason": data["not_available_reason"].strip(),
                        "comment": data["comment"].strip(),
                    }
                )
        if errors:
            raise RowsRefused(errors, code=services.ValuesRefused.code)
        return rows


def _value_fault(measure, value, pack) -> tuple[str, str]:
    """Which field a problem ``services.check_entries`` found is about, and its code."""
    if measure is None:
        return "measure", "unknown_measure"
    if measure.code not in {
        m.code for m in selectors.pack_measures(pack.organisation, pack.period, measures=[measure])
    }:
        return "measure", "measure_not_in_pack"
    refusal = rules.value_refusal(unit=measure.unit, value=value, measure=measure.code)
    if refusal is not None:
        return "value", refusal.code
    return "not_available_reason", "value_missing_reason"


def _row_error_from_message(message: str) -> RowError:
    match = re.match(r"Row (\d+): (.*)", message, re.S)
    if match:
        return RowError(int(match.group(1)), "", "invalid", match.group(2))
    return RowError(None, "", "invalid", message)


def _would_change(pack: Pack, rows: list[dict]) -> bool:
    """Would storing these rows change the pack? Compared as ``services.store_entries`` stores
    them (a reason is kept only for a missing value)."""
    stored = {v.measure.code: v for v in PackValue.objects.filter(pack=pack).select_related("measure")}
    for row in rows:
        current = stored.get(row["measure"])
        reason = "" if row["value"] is not None else row["not_available_reason"][:300]
        if (
            current is None
            or current.value != row["value"]
            or current.not_available_reason != reason
            or current.comment != row["comment"]
        ):
            return True
    return False


class DailyValueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Daily system values (the daily variants of the urgent and emergency care measures),
    shared with every signed-in user (``access.restrict_daily_values``). POST a list of rows
    to store them: the organisation's submitters for their own organisation, NHS P&I analysts
    for any; all or nothing."""

    serializer_class = s.DailyValueSerializer
    filterset_class = DailyValueFilter

    def get_queryset(self):
        return access.restrict_daily_values(
            DailyValue.objects.select_related("organisation", "measure").order_by(
                "-day", "organisation__name", "measure__code"
            ),
            self.request.user,
        )

    @extend_schema(
        request=s.DailyValueRowSerializer(many=True),
        responses={200: s.BulkReportSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN},
    )
    def create(self, request):
        report = daily.daily_values_store(actor=request.user, rows=_rows(request.data), source=ValueSource.API)
        return Response(s.BulkReportSerializer(report).data)


# --- SPC --------------------------------------------------------------------------------------


def _chart_body(measure: Measure, organisation: Organisation, series, result: spc.SpcResult) -> dict:
    points = []
    if result.sufficient:
        for point in result.points:
            limits = result.segments[point.segment].limits
            points.append(
                {
                    "period": series.periods[point.index],
                    "value": point.value,
                    "segment": point.segment + 1,
                    "mean": limits.mean,
                    "lower_limit": limits.lower,
                    "upper_limit": limits.upper,
                    "moving_range": point.moving_range,
                    "point_type": point.point_type.value,
                    "signals": [{"test": sig.test.value, "side": sig.side.value} for sig in point.signals],
                }
            )
    else:  # too few points for limits: the values alone
        for period, value in zip(series.periods, series.values, strict=True):
            points.append(
                {
                    "period": period,
                    "value": value,
                    "segment": None,
                    "mean": None,
                    "lower_limit": None,
                    "upper_limit": None,
                    "moving_range": None,
                    "point_type": None,
                    "signals": [],
                }
            )
    segments = [
        {
            "number": number,
            "first_period": series.periods[segment.start],
            "last_period": series.periods[segment.end - 1],
            "mean": segment.limits.mean,
            "lower_limit": segment.limits.lower,
            "upper_limit": segment.limits.upper,
            "mean_moving_range": segment.limits.mean_moving_range,
            "baseline_points": segment.limits.baseline_points,
        }
        for number, segment in enumerate(result.segments, start=1)
    ]
    return {
        "measure": measure.code,
        "organisation": organisation.code,
        "direction": result.direction.value,
        "target": float(measure.national_target) if measure.national_target is not None else None,
        "sufficient": result.sufficient,
        "reason": result.reason,
        "variation_icon": result.variation_icon.value if result.variation_icon else None,
        "assurance_icon": result.assurance_icon.value if result.assurance_icon else None,
        "segments": segments,
        "points": points,
    }


class SpcViewSet(viewsets.GenericViewSet):
    """SPC (Making Data Count XmR) results from released numbers only, which every signed-in
    user may see. With ``organisation``: that organisation's chart (points, limits by segment,
    signals, icons). Without: the latest icons of every organisation with released values."""

    serializer_class = s.SpcChartSerializer
    pagination_class = None
    queryset = Measure.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("measure", str, required=True, description="measure code"),
            OpenApiParameter("organisation", str, description="organisation code; omit for every organisation"),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="SpcResult",
                serializers=[s.SpcChartSerializer, s.SpcOverviewSerializer],
                resource_type_field_name=None,
            )
        },
    )
    def list(self, request):
        query = s.SpcQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        measure = query.validated_data["measure"]
        organisation = query.validated_data.get("organisation")
        change_points = list(ChangePoint.objects.filter(measure=measure))
        if organisation is not None:
            series = analytics.released_series(measure, organisation_ids=[organisation.pk]).get(organisation.pk)
            if series is None:
                series = analytics.Series(organisation_id=organisation.pk, measure=measure, periods=(), values=())
            result = analytics.chart(series, change_points=change_points)
            return Response(s.SpcChartSerializer(_chart_body(measure, organisation, series, result)).data)
        by_organisation = analytics.released_series(measure)
        organisations = Organisation.objects.filter(pk__in=list(by_organisation)).order_by("name")
        latest = []
        for organisation in organisations:
            series = by_organisation[organisation.pk]
            result = analytics.chart(series, change_points=change_points)
            latest.append(
                {
                    "organisation": organisation.code,
                    "organisation_name": organisation.name,
                    "latest_period": series.periods[-1],
                    "latest_value": series.values[-1],
                    "points": len(series.values),
                    "sufficient": result.sufficient,
                    "reason": result.reason,
                    "variation_icon": result.variation_icon.value if result.variation_icon else None,
                    "assurance_icon": result.assurance_icon.value if result.assurance_icon else None,
                }
            )
        body = {
            "measure": measure.code,
            "direction": spc.Direction(measure.spc_direction).value,
            "target": float(measure.national_target) if measure.national_target is not None else None,
            "organisations": latest,
        }
        return Response(s.SpcOverviewSerializer(body).data)


# --- Suggested levels -------------------------------------------------------------------------


class SuggestedLevelViewSet(viewsets.GenericViewSet):
    """Suggested levels per pillar, with the scores, average, thresholds and caps behind each:
    advice to those who decide (``reporting.suggestions.view``: WG and NHS P&I), never a
    decision. From released numbers only. With ``organisation``: that organisation; without:
    every active statutory organisation."""

    serializer_class = s.OrganisationSuggestionsSerializer
    pagination_class = None
    queryset = Organisation.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organisation", str, description="organisation code; omit for every statutory one"),
            OpenApiParameter("on", str, description="YYYY-MM-DD: measures in force and values released by then"),
        ],
        responses={200: s.OrganisationSuggestionsSerializer(many=True), 403: FORBIDDEN},
    )
    def list(self, request):
        access.require(request.user, "reporting.suggestions.view")
        query = s.SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        organisation = query.validated_data.get("organisation")
        if organisation is not None:
            organisations = [organisation]
        else:
            organisations = list(Organisation.objects.filter(statutory=True, active=True).order_by("name"))
        found = decision_support.suggestions_for(organisations, on=on)
        body = [{"organisation": o, "on": on, "pillars": found[o.pk]} for o in organisations]
        return Response(s.OrganisationSuggestionsSerializer(body, many=True).data)

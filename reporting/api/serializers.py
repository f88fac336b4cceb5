"""Serializers of the reporting API. Writes are validated by the services (``reporting.services``,
``reporting.daily``, ``reporting.trajectories``), so the request serializers here only describe
and shape the body; the error report of a bulk write names each row, field and reason."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.models import Organisation

from ..choices import Frequency, PackStatus, Unit, ValueSource
from ..models import DailyValue, Measure, Pack, PackRisk, PackValue, PillarNarrative, Trajectory

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "iso-8601"]


def _person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True})
class NumberField(serializers.Field):
    """A number as JSON sends it, or as a string ("71.5"), or null; checked by ``reporting.rules``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


# --- Reading ----------------------------------------------------------------------------------


# Plain text, not enums, where another app already has a field of the same name with other
# choices ("status", "source"), or where the same choices have another name ("frequency"):
# drf-spectacular would otherwise warn about enum names (settings.ENUM_NAME_OVERRIDES can name
# them instead).
PACK_STATUS = serializers.CharField(read_only=True, help_text=", ".join(PackStatus.values))
VALUE_SOURCE = serializers.CharField(read_only=True, help_text=", ".join(ValueSource.values))


class MeasureSerializer(serializers.ModelSerializer):
    published_frequency = serializers.CharField(
        read_only=True, help_text="Empty, or " + ", ".join(Frequency.values) + ": only where it differs from frequency."
    )
    variant_of = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    name_for_language = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "code",
            "name",
            "name_cy",
            "name_for_language",
            "pillar",
            "area",
            "unit",
            "direction",
            "national_target",
            "target_text",
            "target_verified",
            "definition",
            "definition_cy",
            "frequency",
            "published_frequency",
            "frequency_text",
            "applies_to",
            "variant_of",
            "valid_from",
            "valid_to",
            "planning_year",
            "order",
        ]
        read_only_fields = fields


class TrajectorySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True)

    class Meta:
        model = Trajectory
        fields = ["id", "organisation", "measure", "period", "value", "tolerance", "note", "version", "updated_at"]
        read_only_fields = fields


class PackSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status = PACK_STATUS
    late = serializers.SerializerMethodField()

    class Meta:
        model = Pack
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "period",
            "revision",
            "is_current",
            "status",
            "due_on",
            "late",
            "submitted_at",
            "returned_at",
            "returned_comment",
            "validated_at",
            "released_at",
            "corrects",
            "correction_reason",
            "version",
        ]
        read_only_fields = fields

    def get_late(self, pack) -> bool:
        return pack.is_late()


class PackValueSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    unit = serializers.CharField(source="measure.unit", read_only=True)
    source = VALUE_SOURCE

    class Meta:
        model = PackValue
        fields = ["measure", "measure_name", "unit", "value", "not_available_reason", "comment", "source", "version"]
        read_only_fields = fields


class NarrativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PillarNarrative
        fields = ["pillar", "text", "version"]
        read_only_fields = fields


class RiskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PackRisk
        fields = ["id", "pillar", "description", "mitigation", "likelihood", "consequence", "score", "rag"]
        read_only_fields = fields


class PackDetailSerializer(PackSerializer):
    submitted_by = serializers.SerializerMethodField()
    returned_by = serializers.SerializerMethodField()
    validated_by = serializers.SerializerMethodField()
    released_by = serializers.SerializerMethodField()
    values = PackValueSerializer(many=True, read_only=True)
    narratives = NarrativeSerializer(many=True, read_only=True)
    risks = RiskSerializer(many=True, read_only=True)
    deep_dives = serializers.SerializerMethodField()

    class Meta(PackSerializer.Meta):
        fields = [
            *PackSerializer.Meta.fields,
            "submitted_by",
            "returned_by",
            "validated_by",
            "released_by",
            "values",
            "narratives",
            "risks",
            "deep_dives",
        ]
        read_only_fields = fields

    def get_submitted_by(self, pack) -> str | None:
        return _person(pack.submitted_by)

    def get_returned_by(self, pack) -> str | None:
        return _person(pack.returned_by)

    def get_validated_by(self, pack) -> str | None:
        return _person(pack.validated_by)

    def get_released_by(self, pack) -> str | None:
        return _person(pack.released_by)

    def get_deep_dives(self, pack) -> list[dict[str, str]]:
        return [{"title": t.title, "summary": t.summary} for t in pack.deep_dives.all()]


class DailyValueSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True)
    source = VALUE_SOURCE

    class Meta:
        model = DailyValue
        fields = ["id", "organisation", "measure", "day", "value", "source", "version", "updated_at"]
        read_only_fields = fields


# --- Writing: pack life -----------------------------------------------------------------------


class PackCreateSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    period = serializers.DateField(input_formats=MONTH_FORMATS, help_text=_("The month, as YYYY-MM."))


class PackVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the pack you were shown."))


class ReturnSerializer(PackVersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("What to change."))


class CorrectSerializer(PackVersionSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Why it needs correcting.")
    )


# --- Writing: bulk rows -----------------------------------------------------------------------


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text=_("The row's position in the list sent, from 0; null for the request as a whole.")
    )
    field = serializers.CharField(help_text=_("The field at fault; empty for the row as a whole."))
    code = serializers.CharField()
    message = serializers.CharField()


class RowsRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = RowErrorSerializer(
        many=True,
        required=False,
        help_text=_("Each refused row and field; absent when the body is not a list of rows."),
    )


class PackValueRowSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text=_("The measure's code."))
    value = NumberField(required=False, help_text=_("Empty (null) when there is no value: then give the reason."))
    not_available_reason = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.ChoiceField(
        choices=Unit.choices, required=False, help_text=_("Optional: checked against the measure's unit.")
    )


class PackValuesWriteSerializer(PackVersionSerializer):
    values = PackValueRowSerializer(many=True)


class PackValuesResultSerializer(serializers.Serializer):
    pack = serializers.IntegerField()
    version = serializers.IntegerField()
    changed = serializers.BooleanField(
        required=False, help_text=_("After a POST: whether anything changed (false when the same values were sent).")
    )
    values = PackValueSerializer(many=True)


class TrajectoryRowSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text=_("The organisation's code."))
    measure = serializers.CharField(help_text=_("The measure's code."))
    period = serializers.CharField(help_text=_("The month, as YYYY-MM."))
    value = NumberField()
    tolerance = NumberField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class DailyValueRowSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text=_("The organisation's code."))
    measure = serializers.CharField(help_text=_("A daily measure's code."))
    day = serializers.DateField()
    value = NumberField()


class BulkReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- SPC --------------------------------------------------------------------------------------


class SpcQuerySerializer(serializers.Serializer):
    measure = serializers.SlugRelatedField(slug_field="code", queryset=Measure.objects.all())
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), required=False)


class SpcSignalSerializer(serializers.Serializer):
    test = serializers.CharField()
    side = serializers.CharField()


class SpcPointSerializer(serializers.Serializer):
    period = serializers.DateField()
    value = serializers.FloatField()
    segment = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    lower_limit = serializers.FloatField(allow_null=True)
    upper_limit = serializers.FloatField(allow_null=True)
    moving_range = serializers.FloatField(allow_null=True)
    point_type = serializers.CharField(allow_null=True)
    signals = SpcSignalSerializer(many=True)


class SpcSegmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    first_period = serializers.DateField()
    last_period = serializers.DateField()
    mean = serializers.FloatField()
    lower_limit = serializers.FloatField()
    upper_limit = serializers.FloatField()
    mean_moving_range = serializers.FloatField()
    baseline_points = serializers.IntegerField()


class SpcChartSerializer(serializers.Serializer):
    measure = serializers.CharField()
    organisation = serializers.CharField()
    direction = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    sufficient = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    variation_icon = serializers.CharField(allow_null=True)
    assurance_icon = serializers.CharField(allow_null=True)
    segments = SpcSegmentSerializer(many=True)
    points = SpcPointSerializer(many=True)


class SpcLatestSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    organisation_name = serializers.CharField()
    latest_period = serializers.DateField()
    latest_value = serializers.FloatField()
    points = serializers.IntegerField()
    sufficient = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    variation_icon = serializers.CharField(allow_null=True)
    assurance_icon = serializers.CharField(allow_null=True)


class SpcOverviewSerializer(serializers.Serializer):
    measure = serializers.CharField()
    direction = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    organisations = SpcLatestSerializer(many=True)


# --- Suggested levels (advisory) --------------------------------------------------------------


class SuggestionQuerySerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), required=False)
    on = serializers.DateField(required=False)


class MeasureScoreSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    measure_name = serializers.CharField(source="measure.name")
    direction = serializers.CharField(source="measure.direction")
    period = serializers.DateField(allow_null=True, help_text=_("The month of the latest released value."))
    value = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    score = serializers.IntegerField(allow_null=True, help_text=_("1 (best) to 4 (worst); null when not scored."))


class CapAppliedSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.display_name")
    measure = serializers.CharField(source="rule.measure.code")
    operator = serializers.CharField(source="rule.operator")
    threshold = serializers.DecimalField(source="rule.threshold", max_digits=16, decimal_places=4)
    minimum_level = serializers.IntegerField(
        source="rule.minimum_level", help_text=_("No better than this level while the cap applies.")
    )
    value = serializers.DecimalField(max_digits=16, decimal_places=4, help_text=_("The released value that fired it."))
    period = serializers.DateField(allow_null=True)


class PillarSuggestionSerializer(serializers.Serializer):
    pillar = serializers.CharField()
    pillar_label = serializers.CharField()
    level = serializers.IntegerField(allow_null=True, help_text=_("The suggested level, 1-4 (never 5); advisory."))
    uncapped_level = serializers.IntegerField(allow_null=True, help_text=_("The level from the average alone."))
    average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    capped = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text=_("Why there is no suggestion; empty when there is."))
    thresholds = serializers.ListField(
        child=serializers.DecimalField(max_digits=4, decimal_places=2),
        help_text=_("The highest average for levels 1, 2 and 3."),
    )
    scores = MeasureScoreSerializer(many=True)
    caps = CapAppliedSerializer(many=True)


class OrganisationSuggestionsSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    on = serializers.DateField()
    pillars = PillarSuggestionSerializer(many=True)

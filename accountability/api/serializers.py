from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalation.choices import Recommendation
from escalation.models import Domain
from organisations.models import Organisation

from ..choices import ObjectiveStatus, WellLedArea
from ..models import (
    ChairObjective,
    Flexibility,
    SynthesisEntry,
    SynthesisRecommendation,
    SystemSynthesis,
    WellLedAssessment,
    WellLedRating,
)

PILLAR_ERA = "2026"
# Plain text, not enums, for "status": other apps have fields of that name with other choices,
# and drf-spectacular would otherwise warn about the enum names.
OBJECTIVE_STATUS = serializers.CharField(read_only=True, help_text=", ".join(ObjectiveStatus.values))


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class VersionOnlySerializer(_Versioned):
    """Only the version the caller was shown (for an action with nothing else to send)."""


# --- Chair objectives -----------------------------------------------------------------------


class ObjectiveSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    status = OBJECTIVE_STATUS

    class Meta:
        model = ChairObjective
        fields = ["id", "organisation", "year", "text", "chair_name", "status", "progress_notes", "set_on", "version"]
        read_only_fields = fields


class ObjectiveSetSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    text = serializers.CharField()
    chair_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ObjectiveProgressSerializer(_Versioned):
    status = serializers.CharField(help_text=", ".join(ObjectiveStatus.values))
    progress_notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_status(self, value):
        if value not in ObjectiveStatus.values:
            raise serializers.ValidationError(f"Give one of: {', '.join(ObjectiveStatus.values)}.")
        return value


class FileSerializer(serializers.Serializer):
    file = serializers.FileField()


class EvidenceFileSerializer(FileSerializer):
    area = serializers.ChoiceField(choices=WellLedArea.choices, required=False, allow_blank=True, default="")


# --- Flexibilities --------------------------------------------------------------------------


class FlexibilitySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    granted_by = serializers.CharField(source="granted_by.get_full_name", read_only=True)

    class Meta:
        model = Flexibility
        fields = ["id", "organisation", "what", "reason", "granted_on", "ends_on", "granted_by", "version"]
        read_only_fields = fields


class FlexibilityGrantSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    what = serializers.CharField(max_length=300)
    reason = serializers.CharField()
    granted_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- Well-led self-assessments --------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer):
    # Plain numbers (1-4), so the two ratings on one scale are not two enums in the schema.
    self_rating = serializers.IntegerField(read_only=True, allow_null=True)
    nhspi_rating = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = WellLedRating
        fields = ["area", "self_rating", "self_commentary", "nhspi_rating", "nhspi_commentary"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, submitted, assessed")
    ratings = RatingSerializer(many=True, read_only=True)
    concern = serializers.IntegerField(source="concern_id", read_only=True, allow_null=True)

    class Meta:
        model = WellLedAssessment
        fields = [
            "id",
            "organisation",
            "year",
            "status",
            "self_summary",
            "submitted_on",
            "nhspi_summary",
            "assessed_on",
            "concern",
            "ratings",
            "version",
        ]
        read_only_fields = fields


class AssessmentStartSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AreaRatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=4, allow_null=True, required=False, default=None)
    commentary = serializers.CharField(required=False, allow_blank=True, default="")


class RatingsSerializer(_Versioned):
    ratings = serializers.DictField(
        child=AreaRatingSerializer(), help_text="By area code: " + ", ".join(WellLedArea.values)
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_ratings(self, value):
        unknown = set(value) - set(WellLedArea.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown areas: {', '.join(sorted(unknown))}.")
        return {area: (item["rating"], item["commentary"]) for area, item in value.items()}


# --- The monthly system synthesis -----------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="entry.organisation.code", read_only=True)
    synthesis = serializers.IntegerField(source="entry.synthesis_id", read_only=True)
    pillar = serializers.SerializerMethodField()
    decision = serializers.IntegerField(source="decision_id", read_only=True, allow_null=True)

    class Meta:
        model = SynthesisRecommendation
        fields = [
            "id",
            "synthesis",
            "entry",
            "organisation",
            "pillar",
            "recommendation",
            "recommended_level",
            "rationale",
            "decision",
            "version",
        ]
        read_only_fields = fields

    def get_pillar(self, recommendation) -> str | None:
        return recommendation.domain.code if recommendation.domain_id else None


class EntrySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = SynthesisEntry
        fields = [
            "id",
            "synthesis",
            "organisation",
            "facts",
            "risks",
            "mitigations",
            "actions",
            "recommendations",
            "version",
        ]
        read_only_fields = fields


class SynthesisSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft, signed_off")
    meeting = serializers.IntegerField(source="meeting_id", read_only=True, allow_null=True)
    document = serializers.IntegerField(source="document_id", read_only=True, allow_null=True)
    organisations = serializers.SerializerMethodField()

    class Meta:
        model = SystemSynthesis
        fields = [
            "id",
            "month",
            "status",
            "assembled_on",
            "changes_since",
            "figures",
            "summary",
            "meeting",
            "document",
            "signed_off_on",
            "organisations",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_organisations(self, synthesis):
        return [entry.organisation.code for entry in synthesis.entries.all()]


class SynthesisDetailSerializer(SynthesisSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta(SynthesisSerializer.Meta):
        fields = [*SynthesisSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class OverviewSerializer(_Versioned):
    summary = serializers.CharField(allow_blank=True)


class EntryEditSerializer(_Versioned):
    risks = serializers.CharField(required=False, allow_blank=True, default="")
    mitigations = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationAddSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    pillar = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Domain.objects.filter(era__code=PILLAR_ERA),
        required=False,
        allow_null=True,
        default=None,
        help_text="A 2026 pillar or foundation code; empty for the whole organisation",
    )
    recommended_level = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    rationale = serializers.CharField()


class RecommendationEditSerializer(_Versioned, RecommendationAddSerializer):
    pass


class DecisionStartedSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    organisation = serializers.CharField()
    scope_kind = serializers.CharField()
    pillar = serializers.CharField(allow_null=True)
    to_level = serializers.IntegerField()
    url = serializers.CharField()


# --- Earned autonomy and letters ------------------------------------------------------------


class BurdenLineSerializer(serializers.Serializer):
    meeting_type = serializers.CharField()
    name = serializers.CharField()
    current_per_year = serializers.FloatField(allow_null=True)
    routine_per_year = serializers.FloatField(allow_null=True)


class EarnedAutonomySerializer(serializers.Serializer):
    organisation = serializers.CharField()
    on = serializers.DateField()
    level = serializers.IntegerField()
    meetings_per_year = serializers.FloatField()
    meetings_per_year_at_level_1 = serializers.FloatField()
    lines = BurdenLineSerializer(many=True)
    flexibilities = FlexibilitySerializer(many=True)


class EarnedAutonomyQuerySerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())


class LetterDraftSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="The financial year's first year")
    language = serializers.ChoiceField(choices=["en", "cy", "bilingual"], required=False, allow_null=True, default=None)


class LetterDraftedSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.CharField()

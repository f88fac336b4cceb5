from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.models import Organisation
from oversight import i18n

from ..choices import CriterionStatus, IntelligenceKind, Level, Rag, ScopeKind, Severity
from ..models import (
    Concern,
    DeescalationCriterion,
    Domain,
    EscalationCase,
    EscalationDecision,
    EscalationStatus,
    InformationRequest,
    IntelligenceItem,
    MaturityScore,
    Milestone,
    SupportIntervention,
    SupportPlan,
)


class ScopeFields(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    scope_kind = serializers.CharField(read_only=True)
    domain = serializers.SerializerMethodField()
    service_name = serializers.CharField(read_only=True)
    scope = serializers.CharField(source="scope_label", read_only=True)

    def get_domain(self, obj) -> str | None:
        return f"{obj.domain.era.code}/{obj.domain.code}" if obj.domain_id else None


class LevelSerializer(ScopeFields):
    level = serializers.IntegerField(source="level_on", allow_null=True)
    as_at = serializers.SerializerMethodField()

    def get_as_at(self, obj) -> str:
        return self.context["as_at"].isoformat()


class CurrentLevelSerializer(ScopeFields, serializers.ModelSerializer):
    class Meta:
        model = EscalationStatus
        fields = ["organisation", "scope_kind", "domain", "service_name", "scope", "level", "effective_from"]


class DecisionSerializer(ScopeFields, serializers.ModelSerializer):
    era = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.CharField(read_only=True)
    superseded_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = EscalationDecision
        fields = [
            "id",
            "organisation",
            "scope_kind",
            "domain",
            "service_name",
            "scope",
            "era",
            "from_level",
            "to_level",
            "kind",
            "status",
            "rationale",
            "evidence",
            "authority",
            "recommended_on",
            "decided_on",
            "effective_from",
            "notified_on",
            "minister_decided_on",
            "override_rationale",
            "legacy_override",
            "withdrawn_reason",
            "supersedes",
            "superseded_by",
            "version",
        ]
        read_only_fields = fields


class DraftSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices)
    domain = serializers.CharField(required=False, allow_blank=True, help_text="era/code, e.g. 2026/finance")
    service_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    to_level = serializers.ChoiceField(choices=Level.choices)
    rationale = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True)
    planned_on = serializers.DateField()
    effective_from = serializers.DateField(required=False, allow_null=True)

    def validate_domain(self, value):
        if not value:
            return None
        era, _, code = value.partition("/")
        domain = Domain.objects.filter(era__code=era, code=code).select_related("era").first()
        if domain is None:
            raise serializers.ValidationError(f"No domain or pillar “{value}”. Use era/code, e.g. 2026/finance.")
        return domain


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class DecideSerializer(VersionSerializer):
    decided_on = serializers.DateField()
    effective_from = serializers.DateField(required=False, allow_null=True)
    minister_decided_on = serializers.DateField(required=False, allow_null=True)
    notified_on = serializers.DateField(required=False, allow_null=True)
    override_rationale = serializers.CharField(required=False, allow_blank=True, default="")


class NotifySerializer(VersionSerializer):
    notified_on = serializers.DateField()


class WithdrawSerializer(VersionSerializer):
    reason = serializers.CharField()


class SupersedeSerializer(serializers.Serializer):
    to_level = serializers.ChoiceField(choices=Level.choices)
    rationale = serializers.CharField()
    decided_on = serializers.DateField()
    effective_from = serializers.DateField(required=False, allow_null=True)
    minister_decided_on = serializers.DateField(required=False, allow_null=True)
    override_rationale = serializers.CharField(required=False, allow_blank=True, default="")


class AsAtQuerySerializer(serializers.Serializer):
    as_at = serializers.DateField(required=False)
    organisation = serializers.CharField(required=False)


class CaseSerializer(ScopeFields, serializers.ModelSerializer):
    class Meta:
        model = EscalationCase
        fields = [
            "id",
            "organisation",
            "scope_kind",
            "domain",
            "service_name",
            "scope",
            "phase",
            "opened_on",
            "opening_reason",
            "improvement_timeframe",
            "improvement_due_on",
            "sustainability_from",
            "closed_on",
            "closing_reason",
            "version",
        ]
        read_only_fields = fields


def binding_in_words(evidence: dict) -> str:
    """A bound criterion's condition as the case page words it, e.g. "Emergency department
    12-hour waits (UEC-ED12H) ≤ 500 for 3 consecutive released months.", from its computed
    evidence (plain data: escalation never reads reporting's tables)."""
    measure = evidence.get("measure") or {}
    months = evidence.get("months_required") or 1
    words = {
        "name": i18n.pick(measure.get("name", ""), measure.get("name_cy", "")),
        "code": measure.get("code", ""),
        "operator": evidence.get("operator", ""),
        "threshold": evidence.get("threshold", ""),
        "months": months,
    }
    return (
        ngettext(
            "%(name)s (%(code)s) %(operator)s %(threshold)s in the latest released month.",
            "%(name)s (%(code)s) %(operator)s %(threshold)s for %(months)s consecutive released months.",
            months,
        )
        % words
    )


class CriterionSerializer(ScopeFields, serializers.ModelSerializer):
    """A criterion with what released data say of it when it is bound to a measure:
    ``binding`` (the condition in words, null when not bound), ``computed_status``
    (met, not_met or no_data; blank when not bound), the evidence behind it and since when,
    and an official's override of it (``override_reason`` and ``overridden_on``; blank when
    none). ``status`` is the effective status the de-escalation rule reads."""

    binding = serializers.SerializerMethodField()

    class Meta:
        model = DeescalationCriterion
        fields = [
            "id",
            "organisation",
            "scope",
            "case",
            "decision",
            "text",
            "owner",
            "status",
            "agreed_on",
            "binding",
            "computed_status",
            "computed_evidence",
            "computed_on",
            "override_reason",
            "overridden_on",
            "version",
        ]
        read_only_fields = fields

    def get_binding(self, criterion) -> str | None:
        if not criterion.is_bound:
            return None
        return binding_in_words(criterion.computed_evidence or {})


class CriterionProposeSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    text = serializers.CharField()
    owner = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class CriterionStatusSerializer(VersionSerializer):
    status = serializers.ChoiceField(choices=CriterionStatus.choices)
    on = serializers.DateField()
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Required when the status contradicts the status computed from released data (a criterion "
            "bound to a measure); shown beside the computed status."
        ),
    )


class ConcernSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)

    class Meta:
        model = Concern
        fields = [
            "id",
            "organisation",
            "domain",
            "source",
            "source_key",
            "severity",
            "title",
            "description",
            "status",
            "case",
            "closed_reason",
            "raised_on",
            "version",
        ]
        read_only_fields = fields


class ConcernRaiseSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, default="medium")
    on = serializers.DateField()


class ConcernTriageSerializer(VersionSerializer):
    case = serializers.IntegerField(required=False, allow_null=True)
    close_reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequestSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "organisation",
            "case",
            "addressee",
            "question",
            "sent_on",
            "due_on",
            "response",
            "responded_on",
            "version",
        ]
        read_only_fields = fields


class RequestSendSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    question = serializers.CharField()
    sent_on = serializers.DateField()
    due_on = serializers.DateField()
    addressee = serializers.CharField(required=False, allow_blank=True, default="")


class RequestAnswerSerializer(VersionSerializer):
    response = serializers.CharField()
    on = serializers.DateField()


class IntelligenceSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    body = serializers.CharField(source="body.code", read_only=True)

    class Meta:
        model = IntelligenceItem
        fields = [
            "id",
            "organisation",
            "body",
            "kind",
            "dated",
            "domain",
            "summary",
            "rag",
            "shared_with_partners",
            "version",
        ]
        read_only_fields = fields


class IntelligenceAddSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    body = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    kind = serializers.ChoiceField(choices=IntelligenceKind.choices)
    dated = serializers.DateField()
    summary = serializers.CharField()
    rag = serializers.ChoiceField(choices=Rag.choices)


class InterventionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportIntervention
        fields = ["id", "kind", "description", "lead", "starts_on", "ends_on"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "owner", "due_on", "rag"]
        read_only_fields = fields


class MaturityScoreSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = MaturityScore
        fields = ["area", "assessed_on", "score", "note"]
        read_only_fields = fields


class SupportPlanSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="case.organisation.code", read_only=True)
    interventions = InterventionSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    maturity_scores = serializers.SerializerMethodField()

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "organisation",
            "case",
            "kind",
            "started_on",
            "senior_responsible_officer",
            "risk_and_impact",
            "understanding_of_drivers",
            "leadership_and_governance",
            "credibility_of_plans",
            "previous_support",
            "trajectory",
            "criteria_summary",
            "interventions",
            "milestones",
            "maturity_scores",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(MaturityScoreSerializer(many=True))
    def get_maturity_scores(self, plan):
        scores = [score for area in plan.maturity_areas.all() for score in area.scores.all()]
        return MaturityScoreSerializer(scores, many=True).data

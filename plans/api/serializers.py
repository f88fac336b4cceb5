from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalation.models import Domain
from organisations.models import Organisation
from oversight.api import AttachmentSerializer

from .. import rules
from ..choices import ConditionStatus, Outcome, PlanType, SubmissionStatus
from ..models import (
    AccountabilityCondition,
    ConditionEvidence,
    Plan,
    PlanningCycle,
    PlanResponse,
    RequiredSubmission,
)

# Plain text, not enums, for "status": other apps have fields of that name with other choices,
# and drf-spectacular would otherwise warn about the enum names (as reporting's API does).
CONDITION_STATUS = serializers.CharField(read_only=True, help_text=", ".join(ConditionStatus.values))
SUBMISSION_STATUS = serializers.CharField(read_only=True, help_text=", ".join(SubmissionStatus.values))


class PlanResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanResponse
        fields = ["id", "issued_on", "summary", "version"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    cycle = serializers.CharField(source="cycle.code", read_only=True)
    response = serializers.SerializerMethodField()
    clears_finance_flag = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "organisation",
            "cycle",
            "plan_type",
            "submitted_on",
            "board_approved_on",
            "financially_balanced",
            "outcome",
            "outcome_on",
            "summary",
            "clears_finance_flag",
            "response",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanResponseSerializer(allow_null=True))
    def get_response(self, plan):
        response = getattr(plan, "response", None)
        return PlanResponseSerializer(response).data if response is not None else None

    def get_clears_finance_flag(self, plan) -> bool:
        return plan.plan_type == rules.IMTP and plan.financially_balanced and plan.outcome == rules.APPROVED


class PlanRecordSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    cycle = serializers.SlugRelatedField(slug_field="code", queryset=PlanningCycle.objects.all())
    plan_type = serializers.ChoiceField(choices=PlanType.choices)
    submitted_on = serializers.DateField()
    board_approved_on = serializers.DateField(required=False, allow_null=True, default=None)
    financially_balanced = serializers.BooleanField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class PlanUpdateSerializer(_Versioned):
    cycle = serializers.SlugRelatedField(slug_field="code", queryset=PlanningCycle.objects.all(), required=False)
    plan_type = serializers.ChoiceField(choices=PlanType.choices, required=False)
    submitted_on = serializers.DateField(required=False)
    board_approved_on = serializers.DateField(required=False, allow_null=True)
    financially_balanced = serializers.BooleanField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class PlanOutcomeSerializer(_Versioned):
    outcome = serializers.ChoiceField(choices=[("", "Awaiting"), *Outcome.choices], allow_blank=True)
    outcome_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanResponseRecordSerializer(serializers.Serializer):
    issued_on = serializers.DateField()
    summary = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class EvidenceItemSerializer(serializers.ModelSerializer):
    attachment = AttachmentSerializer(read_only=True)
    added_by = serializers.CharField(source="added_by.get_full_name", read_only=True)

    class Meta:
        model = ConditionEvidence
        fields = ["id", "note", "attachment", "added_by", "created_at"]
        read_only_fields = fields


class ConditionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="response.plan.organisation.code", read_only=True)
    plan = serializers.IntegerField(source="response.plan_id", read_only=True)
    cycle = serializers.CharField(source="response.plan.cycle.code", read_only=True)
    pillar = serializers.CharField(source="pillar.code", read_only=True)
    status = CONDITION_STATUS
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = AccountabilityCondition
        fields = [
            "id",
            "organisation",
            "plan",
            "cycle",
            "text",
            "pillar",
            "due_on",
            "owner",
            "status",
            "overdue",
            "status_note",
            "status_changed_on",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, condition) -> bool:
        return rules.condition_overdue(status=condition.status, due_on=condition.due_on, today=self.context["today"])


class ConditionAddSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    text = serializers.CharField()
    pillar = serializers.SlugRelatedField(
        slug_field="code", queryset=Domain.objects.filter(era__code=rules.PILLAR_ERA), help_text="A 2026 pillar code"
    )
    due_on = serializers.DateField()
    owner = serializers.CharField(max_length=200)


class ConditionStatusSerializer(_Versioned):
    status = serializers.CharField(help_text=", ".join(ConditionStatus.values))
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_status(self, value):
        if value not in ConditionStatus.values:
            raise serializers.ValidationError(f"Give one of: {', '.join(ConditionStatus.values)}.")
        return value


class ConditionEvidenceAddSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SubmissionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="case.organisation.code", read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    scope = serializers.CharField(source="case.scope_label", read_only=True)
    status = SUBMISSION_STATUS
    state = serializers.SerializerMethodField()
    attachment = AttachmentSerializer(read_only=True)

    class Meta:
        model = RequiredSubmission
        fields = [
            "id",
            "organisation",
            "case",
            "scope",
            "kind",
            "level",
            "due_on",
            "status",
            "state",
            "received_on",
            "attachment",
            "note",
            "cancelled_reason",
            "version",
        ]
        read_only_fields = fields

    def get_state(self, submission) -> str:
        return rules.submission_state(status=submission.status, due_on=submission.due_on, today=self.context["today"])


class SubmissionReceiveSerializer(_Versioned):
    received_on = serializers.DateField()
    file = serializers.FileField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MeasureProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="measure.code")
    name = serializers.CharField(source="measure.display_name")
    period = serializers.DateField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    display = serializers.CharField()
    target_status = serializers.CharField(source="target_label")
    variation = serializers.CharField(source="variation_label")


class PriorityProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="priority.code")
    name = serializers.CharField(source="priority.display_name")
    expectations = serializers.CharField(source="priority.display_expectations")
    reference = serializers.CharField(source="priority.reference")
    status = serializers.CharField()
    measures = MeasureProgressSerializer(many=True)


class PriorityProgressQuerySerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    cycle = serializers.SlugRelatedField(slug_field="code", queryset=PlanningCycle.objects.all(), required=False)


class PriorityProgressReportSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    cycle = serializers.CharField(allow_null=True)
    priorities = PriorityProgressSerializer(many=True)

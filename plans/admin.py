from django.contrib import admin

from organisations.admin import VersionedHistoryAdmin

from .models import (
    AccountabilityCondition,
    MinisterialPriority,
    Plan,
    PlanningCycle,
    PlanResponse,
    PriorityMeasure,
    RequiredSubmission,
    SubmissionRequirement,
)


@admin.register(PlanningCycle)
class PlanningCycleAdmin(VersionedHistoryAdmin):
    list_display = ["code", "name", "starts_on", "ends_on"]


class PriorityMeasureInline(admin.TabularInline):
    model = PriorityMeasure
    extra = 0
    autocomplete_fields = ["measure"]


@admin.register(MinisterialPriority)
class MinisterialPriorityAdmin(VersionedHistoryAdmin):
    list_display = ["name", "cycle", "order", "reference"]
    list_filter = ["cycle"]
    search_fields = ["code", "name", "name_cy"]
    inlines = [PriorityMeasureInline]


@admin.register(SubmissionRequirement)
class SubmissionRequirementAdmin(VersionedHistoryAdmin):
    """The submissions each level requires, and how often: editable data (docs/decisions.md)."""

    list_display = ["kind", "level", "interval_months", "reference"]
    list_filter = ["level", "kind"]


@admin.register(Plan)
class PlanAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "cycle", "plan_type", "submitted_on", "financially_balanced", "outcome"]
    list_filter = ["cycle", "plan_type", "outcome", "financially_balanced"]
    search_fields = ["organisation__name", "organisation__code"]
    readonly_fields = ["recorded_by"]


@admin.register(PlanResponse)
class PlanResponseAdmin(VersionedHistoryAdmin):
    list_display = ["plan", "issued_on"]
    readonly_fields = ["recorded_by"]


@admin.register(AccountabilityCondition)
class AccountabilityConditionAdmin(VersionedHistoryAdmin):
    list_display = ["__str__", "pillar", "due_on", "owner", "status"]
    list_filter = ["status", "pillar"]
    search_fields = ["text", "owner"]


@admin.register(RequiredSubmission)
class RequiredSubmissionAdmin(VersionedHistoryAdmin):
    list_display = ["case", "kind", "level", "due_on", "status", "received_on"]
    list_filter = ["status", "kind", "level"]
    readonly_fields = ["attachment", "received_by"]

from django.contrib import admin

from organisations.admin import VersionedHistoryAdmin

from .models import ChairObjective, Flexibility, SystemSynthesis, WellLedAssessment, WellLedRating


@admin.register(ChairObjective)
class ChairObjectiveAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "year", "status", "set_on"]
    list_filter = ["year", "status"]
    search_fields = ["text", "organisation__code", "organisation__name"]
    raw_id_fields = ["organisation", "set_by"]


@admin.register(Flexibility)
class FlexibilityAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "what", "granted_on", "ends_on"]
    search_fields = ["what", "organisation__code", "organisation__name"]
    raw_id_fields = ["organisation", "granted_by"]


class WellLedRatingInline(admin.TabularInline):
    model = WellLedRating
    extra = 0
    can_delete = False


@admin.register(WellLedAssessment)
class WellLedAssessmentAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "year", "status", "submitted_on", "assessed_on"]
    list_filter = ["year", "status"]
    raw_id_fields = ["organisation", "started_by", "submitted_by", "assessed_by", "concern"]
    inlines = [WellLedRatingInline]


@admin.register(SystemSynthesis)
class SystemSynthesisAdmin(VersionedHistoryAdmin):
    """For looking only: the synthesis is edited and signed off on its own pages."""

    list_display = ["month", "status", "assembled_on", "signed_off_on"]
    readonly_fields = ["figures"]
    raw_id_fields = ["meeting", "document", "signed_off_by"]

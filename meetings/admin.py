from django.contrib import admin

from organisations.admin import VersionedHistoryAdmin

from .models import CadencePolicy, Committee, CommitteeMember, MeetingType, PublicAccountabilitySetting


class CadencePolicyInline(admin.TabularInline):
    model = CadencePolicy
    extra = 0


@admin.register(MeetingType)
class MeetingTypeAdmin(VersionedHistoryAdmin):
    list_display = ["name", "code", "scope", "cadence_rule", "interval_months", "valid_from", "valid_to"]
    list_filter = ["scope", "cadence_rule", "is_public"]
    search_fields = ["name", "name_cy", "code"]
    inlines = [CadencePolicyInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # the planner and the reference data know a type by its code


@admin.register(CadencePolicy)
class CadencePolicyAdmin(VersionedHistoryAdmin):
    list_display = ["meeting_type", "level", "interval_months", "valid_from", "reference"]
    list_filter = ["meeting_type", "level"]


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["representative", "alternate"]


@admin.register(Committee)
class CommitteeAdmin(VersionedHistoryAdmin):
    list_display = ["name", "host_organisation", "interval_months", "tor_last_reviewed_on", "active"]
    list_filter = ["active"]
    search_fields = ["name", "name_cy"]
    autocomplete_fields = ["host_organisation", "chair_organisation", "vice_chair_organisation"]
    inlines = [CommitteeMemberInline]


@admin.register(PublicAccountabilitySetting)
class PublicAccountabilitySettingAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "meetings_per_year", "note"]
    autocomplete_fields = ["organisation"]

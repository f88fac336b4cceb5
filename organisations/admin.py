from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Officeholder, Organisation, Region


class VersionedHistoryAdmin(SimpleHistoryAdmin):
    """Administrators' edits are recorded in history and raise the record's version."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Region)
class RegionAdmin(VersionedHistoryAdmin):
    list_display = ["name", "name_cy", "code", "under_ministerial_direction"]


class OfficeholderInline(admin.TabularInline):
    model = Officeholder
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(VersionedHistoryAdmin):
    list_display = ["name", "code", "kind", "region", "statutory", "active"]
    list_filter = ["kind", "region", "statutory", "active"]
    search_fields = ["name", "name_cy", "code", "ods_code"]
    inlines = [OfficeholderInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # the code is the organisation's identity


@admin.register(Membership)
class MembershipAdmin(VersionedHistoryAdmin):
    list_display = ["user", "organisation", "role", "job_title"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]

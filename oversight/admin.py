from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Notification, SensitiveRead, UserPreference


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "organisation", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False  # only through the upload service, which checks type and size


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]


@admin.register(UserPreference)
class UserPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["version"]


@admin.register(SensitiveRead)
class SensitiveReadAdmin(admin.ModelAdmin):
    """The access log, read-only: written only by ``services.record_sensitive_read``, never
    changed or deleted (it is itself the record). The page at /audit/sensitive-reads/ filters
    and exports it."""

    list_display = ["at", "username", "organisation", "kind", "action", "object_label"]
    list_filter = ["kind", "action"]
    search_fields = ["username", "object_label", "organisation__code"]
    list_select_related = ["organisation"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SensitiveRead._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

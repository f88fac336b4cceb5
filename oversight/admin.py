from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Notification, UserPreference


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

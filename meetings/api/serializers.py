from rest_framework import serializers

from oversight.api import AttachmentSerializer

from ..choices import ActionStatus, PaperKind
from ..models import Action, AgendaItem, Attendance, Meeting, Paper


class MeetingSerializer(serializers.ModelSerializer):
    meeting_type = serializers.CharField(source="meeting_type.code", read_only=True)
    organisation = serializers.CharField(source="organisation.code", read_only=True, default=None, allow_null=True)
    region = serializers.CharField(source="region.code", read_only=True, default=None, allow_null=True)
    committee = serializers.CharField(source="committee.name", read_only=True, default=None, allow_null=True)
    agenda_due_on = serializers.DateField(read_only=True)
    papers_due_on = serializers.DateField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "meeting_type",
            "title",
            "organisation",
            "region",
            "committee",
            "starts_at",
            "ends_at",
            "online_link",
            "location",
            "chair",
            "status",
            "cancelled_reason",
            "held_on",
            "agenda_due_on",
            "papers_due_on",
            "version",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True, default=None)

    class Meta:
        model = AgendaItem
        fields = ["id", "order", "title", "title_cy", "description", "organisation", "case", "domain", "presenter"]
        read_only_fields = fields


class PaperSerializer(serializers.ModelSerializer):
    file = AttachmentSerializer(source="attachment", read_only=True)

    class Meta:
        model = Paper
        fields = ["id", "kind", "title", "agenda_item", "submitted_at", "due_on", "late", "file"]
        read_only_fields = fields


class PaperSubmitSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=PaperKind.choices, default=PaperKind.PAPER)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    agenda_item = serializers.IntegerField(required=False, allow_null=True, default=None)


class AttendanceSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    person = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["id", "person", "organisation", "kind", "mark", "deputy_for"]
        read_only_fields = fields

    def get_person(self, attendance) -> str:
        return attendance.display_name


class ActionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    owner = serializers.CharField(source="owner_display", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "meeting",
            "case",
            "title",
            "notes",
            "owner",
            "organisation",
            "due_on",
            "status",
            "completed_on",
            "version",
        ]
        read_only_fields = fields


class ActionStatusSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    on = serializers.DateField()

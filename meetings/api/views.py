"""The meetings API: meetings with their agenda, papers and attendance, actions (whose status
other systems may update), and the caller's calendar. Every write goes through the same
services as the pages, under the same access policy."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight import access

from .. import calendar, selectors, services
from ..choices import MeetingStatus
from ..models import Action, Meeting
from . import serializers as s


class MeetingApiFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__code", label="Organisation code")
    meeting_type = django_filters.CharFilter(field_name="meeting_type__code", label="Meeting type code")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    starts_after = django_filters.DateFilter(field_name="starts_at__date", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_at__date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["organisation", "meeting_type", "status", "starts_after", "starts_before"]


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings the caller may see, with their agenda, papers and attendance."""

    serializer_class = s.MeetingSerializer
    filterset_class = MeetingApiFilter

    def get_queryset(self):
        return selectors.meeting_list(self.request.user)

    def _meeting(self):
        return selectors.meeting_detail(self.request.user, self.kwargs["pk"])

    @extend_schema(responses=s.AgendaItemSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def agenda(self, request, pk=None):
        items = selectors.visible_record(request.user, self._meeting()).agenda_items
        return Response(s.AgendaItemSerializer(items, many=True).data)

    @extend_schema(
        methods=["post"], request={"multipart/form-data": s.PaperSubmitSerializer}, responses={201: s.PaperSerializer}
    )
    @extend_schema(methods=["get"], responses=s.PaperSerializer(many=True), filters=False)
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None)
    def papers(self, request, pk=None):
        """The meeting's papers (each with a download link); POST submits one. Its deadline
        and whether it is late are decided as it arrives."""
        meeting = self._meeting()
        record = selectors.visible_record(request.user, meeting)
        if request.method == "GET":
            return Response(s.PaperSerializer(record.papers, many=True, context={"request": request}).data)
        serializer = s.PaperSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = None
        if data["agenda_item"] is not None:
            item = next((i for i in record.agenda_items if i.pk == data["agenda_item"]), None)
            if item is None:
                return Response(
                    {"detail": "That agenda item is not on this meeting's agenda.", "code": "invalid_agenda_item"},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        paper = services.paper_submit(
            actor=request.user,
            meeting=meeting,
            upload=data["file"],
            kind=data["kind"],
            agenda_item=item,
            title=data["title"],
        )
        return Response(s.PaperSerializer(paper, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AttendanceSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def attendance(self, request, pk=None):
        return Response(s.AttendanceSerializer(self._meeting().attendance.all(), many=True).data)


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions from meetings, as far as the caller may see them. ``status/`` moves one on:
    for other systems that track the work."""

    serializer_class = s.ActionSerializer

    def get_queryset(self):
        return access.restrict(
            Action.objects.select_related("owner", "organisation").order_by("due_on", "pk"), self.request.user
        )

    @extend_schema(request=s.ActionStatusSerializer, responses=s.ActionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        serializer = s.ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        updated = services.action_update_status(
            actor=request.user,
            action=self.get_object(),
            expected_version=data["version"],
            status=data["status"],
            on=data["on"],
        )
        return Response(s.ActionSerializer(updated).data)


class ICalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CalendarView(APIView):
    """The caller's meetings as an iCalendar file (Europe/London times), from 90 days ago on."""

    renderer_classes = [ICalendarRenderer]

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(description="An iCalendar (RFC 5545) file.")})
    def get(self, request):
        meetings = calendar.feed_meetings(request.user)
        body = calendar.meeting_ics(meetings, name="Oversight meetings", base_url=request.build_absolute_uri("/")[:-1])
        return Response(body, content_type="text/calendar; charset=utf-8")

    def handle_exception(self, exc):
        # Errors (e.g. 401) are JSON like every other endpoint, not calendar data.
        from rest_framework.renderers import JSONRenderer

        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

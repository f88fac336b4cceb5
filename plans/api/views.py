"""The plans API: plans and the Minister's outcome, Welsh Government's response, accountability
conditions with their evidence, required submissions and progress on the Ministerial
priorities. Reads start from what the caller may see; every write is a domain action through
the same services as the pages. Another organisation's object is a 404, one the caller may see
but not act on a 403, a rule's refusal a 400 and a stale ``version`` a 409."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from oversight import access
from oversight.errors import OversightError

from .. import selectors, services
from ..filters import ConditionFilter, PlanFilter, SubmissionFilter
from . import serializers as s

REFUSED = OpenApiResponse(description='A rule refused it: {"detail", "code"}.')
FORBIDDEN = OpenApiResponse(description="Visible, but not yours to do.")
NOT_FOUND = OpenApiResponse(description="No such object, or not yours to see.")
CONFLICT = OpenApiResponse(description="Stale version: someone changed it since you loaded it.")


class _Actions:
    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PlanViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Organisations' plans (IMTPs and annual plans) with the Minister's outcome and Welsh
    Government's response. Create records a plan; ``edit/`` changes its details, ``outcome/``
    records the Minister's outcome and ``response/`` Welsh Government's response."""

    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def _respond(self, plan, code=status.HTTP_200_OK):
        plan = selectors.plan_list(user=self.request.user).get(pk=plan.pk)
        return Response(s.PlanSerializer(plan).data, status=code)

    @extend_schema(
        request=s.PlanRecordSerializer, responses={201: s.PlanSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def create(self, request):
        data = self._valid(s.PlanRecordSerializer)
        plan = services.plan_record(actor=request.user, today=timezone.localdate(), **data)
        return self._respond(plan, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PlanUpdateSerializer,
        responses={200: s.PlanSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = dict(self._valid(s.PlanUpdateSerializer))
        version, reason = data.pop("version"), data.pop("reason")
        plan = services.plan_update(
            actor=request.user,
            plan=self.get_object(),
            expected_version=version,
            changes=data,
            today=timezone.localdate(),
            reason=reason,
        )
        return self._respond(plan)

    @extend_schema(
        request=s.PlanOutcomeSerializer,
        responses={200: s.PlanSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = self._valid(s.PlanOutcomeSerializer)
        plan = services.plan_record_outcome(
            actor=request.user,
            plan=self.get_object(),
            expected_version=data["version"],
            outcome=data["outcome"],
            outcome_on=data["outcome_on"],
            today=timezone.localdate(),
        )
        return self._respond(plan)

    @extend_schema(
        request=s.PlanResponseRecordSerializer,
        responses={200: s.PlanSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def response(self, request, pk=None):
        data = self._valid(s.PlanResponseRecordSerializer)
        plan = self.get_object()
        services.response_record(
            actor=request.user,
            plan=plan,
            issued_on=data["issued_on"],
            summary=data["summary"],
            expected_version=data["version"],
            today=timezone.localdate(),
        )
        return self._respond(plan)


class ConditionViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Accountability conditions. Create adds one to a plan's response (WG and NHS P&I);
    ``status/`` marks it met, not met or open again; ``evidence/`` lists the evidence filed
    against it, and POST files more (the organisation's own submitters and executives: a file,
    a note, or both)."""

    serializer_class = s.ConditionSerializer
    filterset_class = ConditionFilter

    def get_queryset(self):
        return selectors.condition_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _respond(self, condition, code=status.HTTP_200_OK):
        condition = selectors.condition_get(user=self.request.user, pk=condition.pk)
        return Response(s.ConditionSerializer(condition, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=s.ConditionAddSerializer,
        responses={201: s.ConditionSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request):
        data = dict(self._valid(s.ConditionAddSerializer))
        plan = access.get_visible_or_404(selectors.plan_list(user=request.user), request.user, pk=data.pop("plan"))
        response = getattr(plan, "response", None)
        access.require(request.user, "plans.condition.manage", plan)
        if response is None:
            raise OversightError("Record Welsh Government's response before its conditions.", code="no_response")
        condition = services.condition_add(actor=request.user, response=response, **data)
        return self._respond(condition, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ConditionStatusSerializer,
        responses={200: s.ConditionSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        data = self._valid(s.ConditionStatusSerializer)
        condition = services.condition_set_status(
            actor=request.user,
            condition=self.get_object(),
            expected_version=data["version"],
            status=data["status"],
            note=data["note"],
            on=timezone.localdate(),
        )
        return self._respond(condition)

    @extend_schema(
        methods=["post"],
        request={
            "multipart/form-data": s.ConditionEvidenceAddSerializer,
            "application/json": s.ConditionEvidenceAddSerializer,
        },
        responses={201: s.EvidenceItemSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(methods=["get"], responses=s.EvidenceItemSerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        condition = self.get_object()
        if request.method == "GET":
            items = condition.evidence.select_related("attachment", "added_by").order_by("created_at", "pk")
            return Response(s.EvidenceItemSerializer(items, many=True, context={"request": request}).data)
        data = self._valid(s.ConditionEvidenceAddSerializer)
        evidence = services.condition_evidence_add(
            actor=request.user, condition=condition, upload=data.get("file"), note=data["note"]
        )
        return Response(
            s.EvidenceItemSerializer(evidence, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class SubmissionViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The submissions escalation cases owe in proportion to their level, with their state
    (due, overdue, received, no longer required). ``receive/`` records one as received, with
    its file (multipart): the organisation's own staff, WG or NHS P&I."""

    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return selectors.submission_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        request={
            "multipart/form-data": s.SubmissionReceiveSerializer,
            "application/json": s.SubmissionReceiveSerializer,
        },
        responses={200: s.SubmissionSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def receive(self, request, pk=None):
        data = self._valid(s.SubmissionReceiveSerializer)
        submission = services.submission_receive(
            actor=request.user,
            submission=self.get_object(),
            expected_version=data["version"],
            received_on=data["received_on"],
            today=timezone.localdate(),
            upload=data.get("file"),
            note=data["note"],
        )
        submission = selectors.submission_get(user=request.user, pk=submission.pk)
        return Response(s.SubmissionSerializer(submission, context=self.get_serializer_context()).data)


class PriorityProgressViewSet(viewsets.GenericViewSet):
    """An organisation's progress on each Ministerial priority of a cycle (default: the current
    one), from its linked measures' latest released values and SPC."""

    serializer_class = s.PriorityProgressReportSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organisation", str, required=True, description="organisation code"),
            OpenApiParameter("cycle", str, description="planning cycle code, e.g. 2025-28; default the current one"),
        ],
        responses={200: s.PriorityProgressReportSerializer, 404: NOT_FOUND},
    )
    def list(self, request):
        query = s.PriorityProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisation = query.validated_data["organisation"]
        if not access.can(request.user, "plans.view", organisation):
            raise Http404("No such organisation, or not yours to see.")
        cycle = query.validated_data.get("cycle") or selectors.current_cycle(timezone.localdate())
        progress = selectors.priorities_progress(organisation, cycle=cycle)
        body = {"organisation": organisation.code, "cycle": cycle.code if cycle else None, "priorities": progress}
        return Response(s.PriorityProgressReportSerializer(body).data)

"""The escalation API: levels (current and as at a date), decisions, and one endpoint per
domain action. Every action goes through the same services as the pages."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from oversight import access

from .. import selectors, services
from ..filters import DecisionFilter
from . import serializers as s


class LevelViewSet(viewsets.GenericViewSet):
    """Escalation levels of every scope the caller may see, on a date (default today)."""

    serializer_class = s.LevelSerializer
    queryset = selectors.EscalationStatus.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("as_at", str, description="YYYY-MM-DD; default today"),
            OpenApiParameter("organisation", str, description="organisation code"),
        ]
    )
    def list(self, request):
        query = s.AsAtQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("as_at") or timezone.localdate()
        queryset = selectors.levels_as_at(user=request.user, on=on).filter(level_on__isnull=False)
        if query.validated_data.get("organisation"):
            queryset = queryset.filter(organisation__code=query.validated_data["organisation"])
        page = self.paginate_queryset(queryset.order_by("organisation__name", "scope_kind", "scope_key"))
        return self.get_paginated_response(s.LevelSerializer(page, many=True, context={"as_at": on}).data)


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Escalation decisions. Writes are domain actions: create (draft), recommend, decide,
    notify, withdraw and supersede. A refusal answers 400 (a rule) or 409 (a stale version or
    a closed decision) with the rule's code."""

    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_list(user=self.request.user).select_related("domain__era")

    def _respond(self, decision, code=status.HTTP_200_OK):
        return Response(s.DecisionSerializer(decision).data, status=code)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.DraftSerializer, responses={201: s.DecisionSerializer})
    def create(self, request):
        data = self._valid(s.DraftSerializer)
        access.require(request.user, "escalation.draft", data["organisation"])
        decision = services.decision_draft(
            actor=request.user,
            organisation=data["organisation"],
            scope=services.Scope(data["scope_kind"], data.get("domain"), data.get("service_name", "")),
            to_level=data["to_level"],
            rationale=data["rationale"],
            evidence=data.get("evidence", ""),
            planned_on=data["planned_on"],
            effective_from=data.get("effective_from"),
        )
        return self._respond(decision, status.HTTP_201_CREATED)

    @extend_schema(request=s.VersionSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        data = self._valid(s.VersionSerializer)
        return self._respond(
            services.decision_recommend(
                actor=request.user,
                decision=self.get_object(),
                expected_version=data["version"],
                on=timezone.localdate(),
            )
        )

    @extend_schema(request=s.DecideSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = self._valid(s.DecideSerializer)
        return self._respond(
            services.decision_decide(
                actor=request.user,
                decision=self.get_object(),
                expected_version=data["version"],
                decided_on=data["decided_on"],
                effective_from=data.get("effective_from"),
                minister_decided_on=data.get("minister_decided_on"),
                notified_on=data.get("notified_on"),
                override_rationale=data.get("override_rationale", ""),
            )
        )

    @extend_schema(request=s.NotifySerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        data = self._valid(s.NotifySerializer)
        return self._respond(
            services.decision_record_notification(
                actor=request.user,
                decision=self.get_object(),
                expected_version=data["version"],
                notified_on=data["notified_on"],
            )
        )

    @extend_schema(request=s.WithdrawSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = self._valid(s.WithdrawSerializer)
        return self._respond(
            services.decision_withdraw(
                actor=request.user,
                decision=self.get_object(),
                expected_version=data["version"],
                reason=data["reason"],
            )
        )

    @extend_schema(request=s.SupersedeSerializer, responses={201: s.DecisionSerializer})
    @action(detail=True, methods=["post"])
    def supersede(self, request, pk=None):
        data = self._valid(s.SupersedeSerializer)
        correction = services.decision_supersede(
            actor=request.user,
            decision=self.get_object(),
            to_level=data["to_level"],
            rationale=data["rationale"],
            decided_on=data["decided_on"],
            effective_from=data.get("effective_from"),
            minister_decided_on=data.get("minister_decided_on"),
            override_rationale=data.get("override_rationale", ""),
        )
        return self._respond(correction, status.HTTP_201_CREATED)

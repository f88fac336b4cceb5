"""The escalation API: levels (current and as at a date), decisions, and one endpoint per
domain action. Every action goes through the same services as the pages."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from oversight import access
from oversight.api import AttachmentSerializer
from oversight.models import SensitiveRead
from oversight.selectors import attachments_for
from oversight.services import record_sensitive_list, record_sensitive_read

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


class _ActionMixin:
    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Escalation cases the caller may see."""

    serializer_class = s.CaseSerializer

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)


class CriterionViewSet(_ActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """De-escalation and sustainability criteria. Create proposes one; ``status/`` moves it on.
    For a criterion bound to a measure, a status that contradicts the computed status needs
    ``override_reason`` (refused 400 with code ``override_reason_required`` otherwise)."""

    serializer_class = s.CriterionSerializer

    def get_queryset(self):
        return selectors.criterion_list(user=self.request.user)

    @extend_schema(request=s.CriterionProposeSerializer, responses={201: s.CriterionSerializer})
    def create(self, request):
        data = self._valid(s.CriterionProposeSerializer)
        case = access.get_visible_or_404(selectors.case_list(user=request.user), request.user, pk=data["case"])
        criterion = services.criterion_propose(actor=request.user, case=case, text=data["text"], owner=data["owner"])
        return Response(s.CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CriterionStatusSerializer, responses=s.CriterionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        data = self._valid(s.CriterionStatusSerializer)
        criterion = services.criterion_set_status(
            actor=request.user,
            criterion=self.get_object(),
            expected_version=data["version"],
            status=data["status"],
            on=data["on"],
            override_reason=data["override_reason"],
        )
        return Response(s.CriterionSerializer(criterion).data)

    @extend_schema(
        methods=["post"], request={"multipart/form-data": s.EvidenceSerializer}, responses={201: AttachmentSerializer}
    )
    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None)
    def evidence(self, request, pk=None):
        """The evidence filed against a criterion; POST files more (WG, NHS P&I or the
        organisation's own staff)."""
        criterion = self.get_object()
        if request.method == "GET":
            files = attachments_for([criterion], user=request.user)[str(criterion.pk)]
            return Response(AttachmentSerializer(files, many=True, context={"request": request}).data)
        data = self._valid(s.EvidenceSerializer)
        attachment = services.criterion_evidence_add(
            actor=request.user, criterion=criterion, upload=data["file"], note=data["note"]
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class SupportPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Improvement plans (levels 2-3) and targeted support (levels 4-5), with interventions,
    milestones and maturity scores."""

    serializer_class = s.SupportPlanSerializer

    def get_queryset(self):
        return selectors.support_plan_list(user=self.request.user)


class ConcernViewSet(_ActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Concerns. Create raises one (an organisation's own staff: a self-referral); ``triage/`` links
    it to a case, closes it with a reason, or marks it triaged."""

    serializer_class = s.ConcernSerializer

    def get_queryset(self):
        return selectors.concern_list(user=self.request.user)

    @extend_schema(request=s.ConcernRaiseSerializer, responses={201: s.ConcernSerializer})
    def create(self, request):
        data = self._valid(s.ConcernRaiseSerializer)
        concern = services.concern_raise(
            actor=request.user,
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
            severity=data["severity"],
            on=data["on"],
        )
        return Response(s.ConcernSerializer(concern).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConcernTriageSerializer, responses=s.ConcernSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        data = self._valid(s.ConcernTriageSerializer)
        case = None
        if data.get("case"):
            case = access.get_visible_or_404(selectors.case_list(user=request.user), request.user, pk=data["case"])
        concern = services.concern_triage(
            actor=request.user,
            concern=self.get_object(),
            expected_version=data["version"],
            case=case,
            close_reason=data["close_reason"],
        )
        return Response(s.ConcernSerializer(concern).data)


class RequestViewSet(_ActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests for information. Create sends one; ``answer/`` records the response."""

    serializer_class = s.RequestSerializer

    def get_queryset(self):
        return selectors.request_list(user=self.request.user)

    @extend_schema(request=s.RequestSendSerializer, responses={201: s.RequestSerializer})
    def create(self, request):
        data = self._valid(s.RequestSendSerializer)
        sent = services.request_send(
            actor=request.user,
            organisation=data["organisation"],
            question=data["question"],
            sent_on=data["sent_on"],
            due_on=data["due_on"],
            addressee=data["addressee"],
        )
        return Response(s.RequestSerializer(sent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RequestAnswerSerializer, responses=s.RequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = self._valid(s.RequestAnswerSerializer)
        answered = services.request_answer(
            actor=request.user,
            request=self.get_object(),
            expected_version=data["version"],
            response=data["response"],
            on=data["on"],
        )
        return Response(s.RequestSerializer(answered).data)


class IntelligenceViewSet(_ActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tripartite intelligence. Create adds an item; ``share/`` shares it with the partners (WG)."""

    serializer_class = s.IntelligenceSerializer

    def get_queryset(self):
        return selectors.intelligence_list(user=self.request.user)

    def paginate_queryset(self, queryset):
        # Every item listed is read (its summary is in the answer): log them, one entry per organisation.
        page = super().paginate_queryset(queryset)
        record_sensitive_list(
            self.request,
            queryset if page is None else page,
            kind=SensitiveRead.Kind.INTELLIGENCE,
            action=SensitiveRead.Action.VIEWED,
            noun="Intelligence items",
        )
        return page

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        record_sensitive_read(
            request,
            obj=item,
            organisation=item.organisation_id,
            kind=SensitiveRead.Kind.INTELLIGENCE,
            action=SensitiveRead.Action.VIEWED,
        )
        return Response(self.get_serializer(item).data)

    @extend_schema(request=s.IntelligenceAddSerializer, responses={201: s.IntelligenceSerializer})
    def create(self, request):
        data = self._valid(s.IntelligenceAddSerializer)
        item = services.intelligence_add(actor=request.user, **data)
        return Response(s.IntelligenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VersionSerializer, responses=s.IntelligenceSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        data = self._valid(s.VersionSerializer)
        item = services.intelligence_share(actor=request.user, item=self.get_object(), expected_version=data["version"])
        # The answer is the item, summary and all: a read like ``retrieve``'s.
        record_sensitive_read(
            request,
            obj=item,
            organisation=item.organisation_id,
            kind=SensitiveRead.Kind.INTELLIGENCE,
            action=SensitiveRead.Action.VIEWED,
        )
        return Response(s.IntelligenceSerializer(item).data)

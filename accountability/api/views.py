"""The accountability API: Chair objectives, flexibilities granted, Well-led self-assessments,
earned autonomy, Accountable Officer letters and the monthly system synthesis. Reads start from
what the caller may see; every write is a domain action through the same services as the pages.
Another organisation's object is a 404 (the synthesis, for anyone but WG and NHS P&I), one the
caller may see but not act on a 403, a rule's refusal a 400 and a stale ``version`` a 409."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from oversight import access
from oversight.api import AttachmentSerializer

from .. import letters, selectors, services
from ..filters import AssessmentFilter, FlexibilityFilter, ObjectiveFilter, SynthesisFilter
from . import serializers as s

REFUSED = OpenApiResponse(description='A rule refused it: {"detail", "code"}.')
FORBIDDEN = OpenApiResponse(description="Visible, but not yours to do.")
NOT_FOUND = OpenApiResponse(description="No such object, or not yours to see.")
CONFLICT = OpenApiResponse(description="Stale version: someone changed it since you loaded it.")
FILES = [MultiPartParser, FormParser, JSONParser]


class _Actions:
    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ObjectiveViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objectives set each year with organisations' Chairs. Create sets one (Welsh Government);
    ``progress/`` records its status and notes; ``evidence/`` lists the evidence filed, and POST
    files more (Welsh Government or the organisation's own staff)."""

    serializer_class = s.ObjectiveSerializer
    filterset_class = ObjectiveFilter

    def get_queryset(self):
        return selectors.objective_list(user=self.request.user)

    def _respond(self, objective, code=status.HTTP_200_OK):
        return Response(
            s.ObjectiveSerializer(selectors.objective_get(user=self.request.user, pk=objective.pk)).data, status=code
        )

    @extend_schema(
        request=s.ObjectiveSetSerializer, responses={201: s.ObjectiveSerializer, 400: REFUSED, 403: FORBIDDEN}
    )
    def create(self, request):
        data = self._valid(s.ObjectiveSetSerializer)
        objective = services.objective_set(actor=request.user, today=timezone.localdate(), **data)
        return self._respond(objective, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ObjectiveProgressSerializer,
        responses={200: s.ObjectiveSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        data = self._valid(s.ObjectiveProgressSerializer)
        objective = services.objective_update(
            actor=request.user,
            objective=self.get_object(),
            expected_version=data["version"],
            status=data["status"],
            progress_notes=data["progress_notes"],
        )
        return self._respond(objective)

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.FileSerializer},
        responses={201: AttachmentSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True), filters=False)
    @action(detail=True, methods=["get", "post"], parser_classes=FILES, pagination_class=None)
    def evidence(self, request, pk=None):
        objective = self.get_object()
        if request.method == "GET":
            files = selectors.attachments_of(objective)
            return Response(AttachmentSerializer(files, many=True, context={"request": request}).data)
        data = self._valid(s.FileSerializer)
        attachment = services.objective_evidence_add(actor=request.user, objective=objective, upload=data["file"])
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class FlexibilityViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Flexibilities granted to organisations, each with its date and reason; create records one
    (Welsh Government only)."""

    serializer_class = s.FlexibilitySerializer
    filterset_class = FlexibilityFilter

    def get_queryset(self):
        return selectors.flexibility_list(user=self.request.user)

    @extend_schema(
        request=s.FlexibilityGrantSerializer, responses={201: s.FlexibilitySerializer, 400: REFUSED, 403: FORBIDDEN}
    )
    def create(self, request):
        data = self._valid(s.FlexibilityGrantSerializer)
        flexibility = services.flexibility_grant(actor=request.user, today=timezone.localdate(), **data)
        return Response(s.FlexibilitySerializer(flexibility).data, status=status.HTTP_201_CREATED)


class AssessmentViewSet(_Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Well-led self-assessments, each area with the organisation's rating and NHS P&I's. Create
    starts one; ``ratings/`` saves the organisation's ratings, ``evidence/`` files evidence and
    ``submit/`` submits it (the organisation's own staff); ``review/`` records NHS P&I's
    assessment (NHS P&I analysts), and a weak one raises one concern."""

    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return selectors.assessment_list(user=self.request.user).prefetch_related("ratings")

    def _respond(self, assessment, code=status.HTTP_200_OK):
        fresh = selectors.assessment_get(user=self.request.user, pk=assessment.pk)
        return Response(s.AssessmentSerializer(fresh).data, status=code)

    @extend_schema(
        request=s.AssessmentStartSerializer, responses={201: s.AssessmentSerializer, 400: REFUSED, 403: FORBIDDEN}
    )
    def create(self, request):
        data = self._valid(s.AssessmentStartSerializer)
        assessment = services.assessment_start(actor=request.user, today=timezone.localdate(), **data)
        return self._respond(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RatingsSerializer,
        responses={200: s.AssessmentSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def ratings(self, request, pk=None):
        data = self._valid(s.RatingsSerializer)
        assessment = services.assessment_update_self(
            actor=request.user,
            assessment=self.get_object(),
            expected_version=data["version"],
            ratings=data["ratings"],
            summary=data["summary"],
        )
        return self._respond(assessment)

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.EvidenceFileSerializer},
        responses={201: AttachmentSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True), filters=False)
    @action(detail=True, methods=["get", "post"], parser_classes=FILES, pagination_class=None)
    def evidence(self, request, pk=None):
        assessment = self.get_object()
        if request.method == "GET":
            files = selectors.attachments_of(assessment)
            return Response(AttachmentSerializer(files, many=True, context={"request": request}).data)
        data = self._valid(s.EvidenceFileSerializer)
        attachment = services.assessment_evidence_add(
            actor=request.user, assessment=assessment, upload=data["file"], area=data["area"]
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.VersionOnlySerializer,
        responses={200: s.AssessmentSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._valid(s.VersionOnlySerializer)
        assessment = services.assessment_submit(
            actor=request.user,
            assessment=self.get_object(),
            expected_version=data["version"],
            today=timezone.localdate(),
        )
        return self._respond(assessment)

    @extend_schema(
        request=s.RatingsSerializer,
        responses={200: s.AssessmentSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = self._valid(s.RatingsSerializer)
        assessment = services.assessment_review(
            actor=request.user,
            assessment=self.get_object(),
            expected_version=data["version"],
            ratings=data["ratings"],
            summary=data["summary"],
            today=timezone.localdate(),
        )
        return self._respond(assessment)


class EarnedAutonomyViewSet(viewsets.GenericViewSet):
    """An organisation's meeting burden at its level beside that at level 1 (meetings a year, from
    the cadence policy data), and the flexibilities it has been granted."""

    serializer_class = s.EarnedAutonomySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.flexibility_list(user=self.request.user).none()

    @extend_schema(
        parameters=[OpenApiParameter("organisation", str, required=True, description="organisation code")],
        responses={200: s.EarnedAutonomySerializer, 404: NOT_FOUND},
    )
    def list(self, request):
        query = s.EarnedAutonomyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisation = query.validated_data["organisation"]
        if not access.can(request.user, "accountability.view", organisation):
            raise Http404("No such organisation, or not yours to see.")
        autonomy = selectors.earned_autonomy(organisation, on=timezone.localdate())
        body = {
            "organisation": organisation.code,
            "on": autonomy.on,
            "level": autonomy.level,
            "meetings_per_year": float(autonomy.current.total),
            "meetings_per_year_at_level_1": float(autonomy.routine.total),
            "lines": [
                {
                    "meeting_type": row.meeting_type.code,
                    "name": row.meeting_type.name,
                    "current_per_year": float(row.current) if row.current is not None else None,
                    "routine_per_year": float(row.routine) if row.routine is not None else None,
                }
                for row in autonomy.rows
            ],
            "flexibilities": list(selectors.flexibility_list(user=request.user).filter(organisation=organisation)),
        }
        return Response(s.EarnedAutonomySerializer(body).data)


class LetterViewSet(_Actions, viewsets.GenericViewSet):
    """Draft an organisation's Accountable Officer letter for a financial year. It then goes
    through the documents API (approve, issue) like any letter."""

    serializer_class = s.LetterDraftedSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.flexibility_list(user=self.request.user).none()

    @extend_schema(
        request=s.LetterDraftSerializer,
        responses={201: s.LetterDraftedSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request):
        data = self._valid(s.LetterDraftSerializer)
        organisation = data["organisation"]
        if not access.can(request.user, "accountability.view", organisation):
            raise Http404("No such organisation, or not yours to see.")
        document = letters.ao_letter_draft(
            actor=request.user,
            organisation=organisation,
            year=data["year"],
            language=data["language"],
            today=timezone.localdate(),
        )
        body = {
            "document": document.pk,
            "title": document.title,
            "year": document.year,
            "status": document.status,
            "url": document.get_absolute_url(),
        }
        return Response(s.LetterDraftedSerializer(body).data, status=status.HTTP_201_CREATED)


class _SynthesisOnly:
    """WG and NHS P&I only: anyone else is answered 404, list included."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        selectors.require_synthesis_view(request.user)


class SynthesisViewSet(
    _SynthesisOnly, _Actions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Each month's system synthesis: the system figures, each organisation's facts, the analyst's
    risks, mitigations, recommended actions and recommendations. ``overview/`` edits the overview
    and ``sign-off/`` signs it off (NHS P&I analysts)."""

    filterset_class = SynthesisFilter

    def get_serializer_class(self):
        return s.SynthesisDetailSerializer if self.action != "list" else s.SynthesisSerializer

    def get_queryset(self):
        return selectors.synthesis_list(user=self.request.user).prefetch_related("entries__organisation")

    def get_object(self):
        return selectors.synthesis_get(user=self.request.user, pk=self.kwargs["pk"])

    def _respond(self, synthesis):
        return Response(s.SynthesisDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=s.OverviewSerializer,
        responses={200: s.SynthesisDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def overview(self, request, pk=None):
        data = self._valid(s.OverviewSerializer)
        synthesis = services.synthesis_summary_update(
            actor=request.user, synthesis=self.get_object(), expected_version=data["version"], summary=data["summary"]
        )
        return self._respond(synthesis)

    @extend_schema(
        request=s.VersionOnlySerializer,
        responses={200: s.SynthesisDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        data = self._valid(s.VersionOnlySerializer)
        synthesis = services.synthesis_sign_off(
            actor=request.user,
            synthesis=self.get_object(),
            expected_version=data["version"],
            today=timezone.localdate(),
        )
        return self._respond(synthesis)


class EntryViewSet(_SynthesisOnly, _Actions, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One organisation's part of a synthesis. ``edit/`` saves the analyst's risks, mitigations and
    recommended actions; ``recommendations/`` adds a recommendation."""

    serializer_class = s.EntrySerializer

    def get_queryset(self):
        return selectors.entry_queryset(user=self.request.user)

    @extend_schema(
        request=s.EntryEditSerializer,
        responses={200: s.EntrySerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = self._valid(s.EntryEditSerializer)
        entry = services.entry_update(
            actor=request.user,
            entry=self.get_object(),
            expected_version=data["version"],
            risks=data["risks"],
            mitigations=data["mitigations"],
            actions=data["actions"],
        )
        return Response(s.EntrySerializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(
        request=s.RecommendationAddSerializer,
        responses={201: s.RecommendationSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def recommendations(self, request, pk=None):
        data = self._valid(s.RecommendationAddSerializer)
        recommendation = services.recommendation_add(
            actor=request.user,
            entry=self.get_object(),
            recommendation=data["recommendation"],
            recommended_level=data["recommended_level"],
            domain=data["pillar"],
            rationale=data["rationale"],
            on=timezone.localdate(),
        )
        return Response(s.RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)


class RecommendationViewSet(_SynthesisOnly, _Actions, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A recommendation in a synthesis. ``edit/`` changes it while the synthesis is a draft;
    ``start-decision/`` starts a draft escalation decision from it once signed off, with its
    scope (organisation, pillar or whole organisation) and proposed level."""

    serializer_class = s.RecommendationSerializer

    def get_queryset(self):
        return selectors.recommendation_queryset(user=self.request.user)

    @extend_schema(
        request=s.RecommendationEditSerializer,
        responses={200: s.RecommendationSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = self._valid(s.RecommendationEditSerializer)
        recommendation = services.recommendation_update(
            actor=request.user,
            recommendation=self.get_object(),
            expected_version=data["version"],
            kind=data["recommendation"],
            recommended_level=data["recommended_level"],
            domain=data["pillar"],
            rationale=data["rationale"],
            on=timezone.localdate(),
        )
        return Response(s.RecommendationSerializer(recommendation).data)

    @extend_schema(
        request=None,
        responses={201: s.DecisionStartedSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="start-decision")
    def start_decision(self, request, pk=None):
        recommendation = self.get_object()
        decision = services.recommendation_start_decision(
            actor=request.user, recommendation=recommendation, planned_on=timezone.localdate()
        )
        body = {
            "decision": decision.pk,
            "organisation": decision.organisation.code,
            "scope_kind": decision.scope_kind,
            "pillar": decision.domain.code if decision.domain_id else None,
            "to_level": decision.to_level,
            "url": reverse("escalation:decision-detail", args=[decision.pk]),
        }
        return Response(s.DecisionStartedSerializer(body).data, status=status.HTTP_201_CREATED)

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..filters import MembershipFilter, OrganisationFilter
from .serializers import (
    HistoryEntrySerializer,
    MembershipSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
    RegionSerializer,
)


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The register of organisations. Members and change history are private to each organisation."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)

    @extend_schema(request=OrganisationUpdateSerializer, responses=OrganisationSerializer)
    def partial_update(self, request, pk=None):
        """Change the register entry (administrators). A stale ``version`` answers 409."""
        organisation = self.get_object()
        serializer = OrganisationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, reason = data.pop("version"), data.pop("reason")
        updated = services.organisation_update(
            actor=request.user, organisation=organisation, expected_version=version, changes=data, reason=reason
        )
        return Response(OrganisationSerializer(updated).data)

    @extend_schema(responses=MembershipSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        """The organisation's members: 404 for anyone who may not see its private data."""
        organisation = selectors.organisation_private_get(user=request.user, pk=pk)
        queryset = selectors.membership_list(user=request.user, organisation=organisation)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Who changed what, and when: 404 for anyone who may not see the organisation's private data."""
        organisation = selectors.organisation_private_get(user=request.user, pk=pk)
        entries = selectors.organisation_history(user=request.user, organisation=organisation)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    queryset = selectors.Region.objects.none()

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Memberships the caller may see: their own organisations', or all for WG and NHS P&I."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return selectors.membership_list(user=self.request.user)

from rest_framework import serializers

from ..models import Membership, Officeholder, Organisation, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "name_cy", "under_ministerial_direction"]


class OrganisationSerializer(serializers.ModelSerializer):
    """The register entry: public to every signed-in user."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    hosted_by = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    holds_levels = serializers.BooleanField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "name_cy",
            "short_name",
            "short_name_cy",
            "kind",
            "ods_code",
            "ons_code",
            "region",
            "hosted_by",
            "statutory",
            "holds_levels",
            "active",
            "version",
            "updated_at",
        ]


class OrganisationUpdateSerializer(serializers.Serializer):
    """An administrator's change to the register. ``version`` is the one the client last read."""

    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=200)
    name = serializers.CharField(max_length=200, required=False)
    name_cy = serializers.CharField(max_length=200, required=False, allow_blank=True)
    welsh_name_verified = serializers.BooleanField(required=False)
    short_name = serializers.CharField(max_length=100, required=False)
    short_name_cy = serializers.CharField(max_length=100, required=False, allow_blank=True)
    ods_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    ons_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    statutory = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class OfficeholderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Officeholder
        fields = ["id", "role", "name", "title", "email", "start_date", "end_date"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "username", "full_name", "role", "job_title"]


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    version = serializers.IntegerField()
    changes = HistoryChangeSerializer(many=True)

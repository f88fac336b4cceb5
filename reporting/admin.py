from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _

from organisations.admin import VersionedHistoryAdmin

from .models import CapRule, ChangePoint, CriterionBinding, Measure, SuggestionThreshold, Trajectory


@admin.register(Measure)
class MeasureAdmin(VersionedHistoryAdmin):
    list_display = [
        "code",
        "name",
        "pillar",
        "unit",
        "direction",
        "national_target",
        "target_verified",
        "frequency",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["pillar", "direction", "frequency", "target_verified", "planning_year"]
    search_fields = ["code", "name", "name_cy", "area"]
    autocomplete_fields = ["variant_of"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # uploads, the API and the reference data know a measure by its code


@admin.register(Trajectory)
class TrajectoryAdmin(VersionedHistoryAdmin):
    list_display = ["organisation", "measure", "period", "value", "tolerance"]
    list_filter = ["measure__pillar", "organisation"]
    search_fields = ["measure__code", "organisation__name"]
    autocomplete_fields = ["organisation", "measure"]
    date_hierarchy = "period"


@admin.register(SuggestionThreshold)
class SuggestionThresholdAdmin(VersionedHistoryAdmin):
    list_display = ["level", "max_average", "note"]


@admin.register(CapRule)
class CapRuleAdmin(VersionedHistoryAdmin):
    list_display = ["name", "code", "pillar", "measure", "operator", "threshold", "minimum_level", "active"]
    list_filter = ["pillar", "active"]
    search_fields = ["code", "name", "name_cy"]
    autocomplete_fields = ["measure"]


@admin.register(ChangePoint)
class ChangePointAdmin(VersionedHistoryAdmin):
    list_display = ["measure", "organisation", "changed_on", "baseline_points", "reason"]
    list_filter = ["measure__pillar"]
    autocomplete_fields = ["organisation", "measure"]


@admin.register(CriterionBinding)
class CriterionBindingAdmin(VersionedHistoryAdmin):
    """Bindings are made on the case page by NHS P&I analysts (``reporting.bindings``), which
    also test the criterion at once. A change made here is picked up by the next daily
    evaluation of bound criteria; a binding deleted here loses its computed status then."""

    list_display = ["criterion", "organisation", "measure", "operator", "threshold", "consecutive_months"]
    list_filter = ["measure__pillar", "operator"]
    list_select_related = ["criterion__organisation", "measure"]
    search_fields = ["criterion__text", "criterion__organisation__name", "measure__code", "measure__name"]
    autocomplete_fields = ["measure"]
    raw_id_fields = ["criterion"]

    @admin.display(description=_("organisation"), ordering="criterion__organisation__name")
    def organisation(self, binding):
        return binding.criterion.organisation


from .models import Document  # noqa: E402


@admin.register(Document)
class DocumentAdmin(VersionedHistoryAdmin):
    """Read-mostly: documents are drafted, approved and issued through the service's pages, which
    keep an issued document unchanged."""

    list_display = ["register_number", "title", "kind", "organisation", "status", "issued_on"]
    list_filter = ["kind", "status", "language"]
    search_fields = ["register_number", "title"]
    readonly_fields = [
        "status",
        "register_number",
        "issued_on",
        "issued_by",
        "file",
        "sha256",
        "size",
        "page_count",
        "replaces",
        "approved_by",
        "approved_on",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    # An administrator reading an unpublished letter here (its text in the change form, or an
    # earlier version's in its history) is logged in the access log as on the letter's own page.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log_read(request, object_id, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_read(request, object_id, response)
        return response

    def _log_read(self, request, object_id, response) -> None:
        if response.status_code != 200:  # refused, missing (a redirect) or saved (a redirect)
            return
        from oversight.models import SensitiveRead
        from oversight.services import document_is_unpublished, record_sensitive_read

        document = Document.objects.select_related("publication", "pack").filter(pk=unquote(object_id)).first()
        if document is not None and document_is_unpublished(document):
            record_sensitive_read(
                request,
                obj=document,
                organisation=document.organisation_id,
                kind=SensitiveRead.Kind.DOCUMENT,
                action=SensitiveRead.Action.VIEWED,
            )

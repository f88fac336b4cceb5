from django.urls import path

from .views import bindings as bindings_views
from .views import measures, packs

app_name = "reporting"

urlpatterns = [
    # Performance packs: list, entry, submission and validation.
    path("packs/", packs.PackListView.as_view(), name="pack-list"),
    path("packs/new/", packs.pack_create, name="pack-create"),
    path("packs/<int:pk>/", packs.pack_detail, name="pack-detail"),
    path("packs/<int:pk>/values/", packs.pack_values, name="pack-values"),
    path("packs/<int:pk>/upload/", packs.pack_upload, name="pack-upload"),
    path("packs/<int:pk>/template.<str:fmt>", packs.pack_template, name="pack-template"),
    path("packs/<int:pk>/narrative/", packs.pack_narrative, name="pack-narrative"),
    path("packs/<int:pk>/risks/", packs.pack_risk_add, name="pack-risk-add"),
    path("packs/<int:pk>/deep-dives/", packs.pack_deep_dive_add, name="pack-deep-dive-add"),
    path("packs/<int:pk>/submit/", packs.pack_submit, name="pack-submit"),
    path("packs/<int:pk>/return/", packs.pack_return, name="pack-return"),
    path("packs/<int:pk>/validate/", packs.pack_validate, name="pack-validate"),
    path("packs/<int:pk>/release/", packs.pack_release, name="pack-release"),
    path("packs/<int:pk>/correct/", packs.pack_correct, name="pack-correct"),
    path("uploads/new/", packs.bulk_upload, name="bulk-upload"),
    path("uploads/<uuid:pk>/", packs.upload_progress, name="upload-progress"),
    # Measures, charts and dashboards.
    path("measures/", measures.MeasureListView.as_view(), name="measure-list"),
    path("measures/<str:code>/", measures.measure_detail, name="measure-detail"),
    path("dashboard/", measures.pillar_dashboard, name="dashboard"),
    path("system/", measures.system_dashboard, name="system-dashboard"),
    # Binding a de-escalation criterion to a measure, from the case page.
    path("criteria/<int:pk>/binding/", bindings_views.criterion_binding, name="criterion-binding"),
    path("criteria/<int:pk>/binding/remove/", bindings_views.criterion_unbind, name="criterion-unbind"),
]

from .views import documents as document_views  # noqa: E402
from .views import publication as publication_views  # noqa: E402

urlpatterns += [
    # Documents: the register, a document and its actions, drafting from a decision, the download.
    path("documents/", document_views.DocumentListView.as_view(), name="document-list"),
    path("documents/<int:pk>/", document_views.document_detail, name="document-detail"),
    path("documents/<int:pk>/edit/", document_views.document_edit, name="document-edit"),
    path("documents/<int:pk>/approve/", document_views.document_approve, name="document-approve"),
    path("documents/<int:pk>/issue/", document_views.document_issue, name="document-issue"),
    path("documents/<int:pk>/reissue/", document_views.document_reissue, name="document-reissue"),
    path("documents/<int:pk>/download.pdf", document_views.document_download, name="document-download"),
    path("documents/from-decision/<int:decision_pk>/", document_views.document_draft, name="document-draft"),
    # The letter after a meeting, a letter of concern from a case, and batches of documents.
    path(
        "documents/from-meeting/<int:meeting_pk>/",
        document_views.meeting_letter_draft,
        name="meeting-letter-draft",
    ),
    path(
        "documents/letter-of-concern/<int:case_pk>/",
        document_views.concern_letter_draft,
        name="concern-letter-draft",
    ),
    path("documents/batches/", document_views.BatchListView.as_view(), name="batch-list"),
    path("documents/batches/new/", document_views.batch_create, name="batch-create"),
    path("documents/batches/<int:pk>/", document_views.batch_detail, name="batch-detail"),
    path("documents/batches/<int:pk>/approve/", document_views.batch_approve, name="batch-approve"),
    path("documents/batches/<int:pk>/issue/", document_views.batch_issue, name="batch-issue"),
    path("publication/decisions/<int:pk>/", publication_views.decision_publication, name="decision-publication"),
    path("publication/decisions/<int:pk>/publish/", publication_views.decision_publish, name="decision-publish"),
    path(
        "publication/decisions/<int:pk>/withdraw/",
        publication_views.decision_publication_withdraw,
        name="decision-publication-withdraw",
    ),
    path("publication/documents/<int:pk>/publish/", publication_views.document_publication, name="document-publish"),
    path(
        "publication/documents/<int:pk>/withdraw/",
        publication_views.document_publication_withdraw,
        name="document-publication-withdraw",
    ),
]

from .views import compositions as composition_views  # noqa: E402

urlpatterns += [
    # Composed documents: drafting a meeting's agenda pack, a pack's PDF, a public accountability summary.
    path("documents/agenda-pack/<int:meeting_pk>/", composition_views.agenda_pack_draft, name="agenda-pack-draft"),
    path("packs/<int:pk>/pdf/", composition_views.performance_pack_draft, name="pack-pdf-draft"),
    path("documents/public-summary/", composition_views.public_summary_draft, name="public-summary-draft"),
    path("documents/<int:pk>/preview.pdf", composition_views.document_preview, name="document-preview"),
]

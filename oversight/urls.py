from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import two_factor, views

api_v1 = [
    path("", include("organisations.api.urls")),
    path("", include("escalation.api.urls")),
    path("", include("meetings.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("accountability.api.urls")),
    path("auth/token/", two_factor.obtain_token, name="token"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("oversight.auth_urls")),
    path("language/<str:code>/", views.switch_language, name="switch-language"),
    path("organisations/", include("organisations.urls")),
    path("escalation/", include("escalation.urls")),
    path("meetings/", include("meetings.urls")),
    path("reporting/", include("reporting.urls")),
    path("plans/", include("plans.urls")),
    path("accountability/", include("accountability.urls")),
    path("public/", include("reporting.public_urls")),
    path("attachments/<uuid:pk>/", views.attachment_download, name="attachment-download"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("audit/sensitive-reads/", views.SensitiveReadListView.as_view(), name="sensitive-read-list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "oversight.errors_views.bad_request"
handler403 = "oversight.errors_views.permission_denied"
handler404 = "oversight.errors_views.page_not_found"
handler500 = "oversight.errors_views.server_error"

"""The public register's addresses (no sign-in): ``/public/...``."""

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("", public.register, name="register"),
    path("decisions/", public.decisions, name="decisions"),
    path("summaries/", public.documents, name="documents"),
    path("summaries/<str:register_number>.pdf", public.document_download, name="document-download"),
    path("organisations/<slug:code>/", public.organisation, name="organisation"),
]

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("conditions/", views.ConditionListView.as_view(), name="condition-list"),
    path("organisation/<int:pk>/", views.organisation_plans, name="organisation"),
    path("organisation/<int:pk>/new/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/outcome/", views.plan_outcome, name="plan-outcome"),
    path("<int:pk>/response/", views.response_record, name="response-record"),
    path("<int:pk>/conditions/", views.condition_add, name="condition-add"),
    path("conditions/<int:pk>/status/", views.condition_status, name="condition-status"),
    path("conditions/<int:pk>/evidence/", views.condition_evidence, name="condition-evidence"),
    path("submissions/<int:pk>/receive/", views.submission_receive, name="submission-receive"),
]

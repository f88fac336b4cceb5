from django.urls import path

from . import views

app_name = "escalation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("decisions/", views.DecisionListView.as_view(), name="decision-list"),
    path("decisions/new/", views.decision_create, name="decision-create"),
    path("decisions/preview/", views.decision_preview, name="decision-preview"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/recommend/", views.decision_recommend, name="decision-recommend"),
    path("decisions/<int:pk>/decide/", views.decision_decide, name="decision-decide"),
    path("decisions/<int:pk>/notify/", views.decision_notify, name="decision-notify"),
    path("decisions/<int:pk>/withdraw/", views.decision_withdraw, name="decision-withdraw"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/criteria/", views.case_criterion_add, name="case-criterion-add"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/plans/", views.support_plan_create, name="support-plan-create"),
    path("plans/<int:pk>/interventions/", views.plan_intervention_add, name="plan-intervention-add"),
    path("plans/<int:pk>/milestones/", views.plan_milestone_add, name="plan-milestone-add"),
    path("plans/<int:pk>/scores/", views.plan_score_record, name="plan-score-record"),
    path("criteria/<int:pk>/status/", views.criterion_status, name="criterion-status"),
    path("criteria/<int:pk>/evidence/", views.criterion_evidence, name="criterion-evidence"),
    path("organisations/<int:pk>/", views.organisation_escalation, name="organisation"),
    path("concerns/", views.ConcernListView.as_view(), name="concern-list"),
    path("concerns/new/", views.concern_raise, name="concern-raise"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern-detail"),
    path("concerns/<int:pk>/triage/", views.concern_triage, name="concern-triage"),
    path("requests/", views.RequestListView.as_view(), name="request-list"),
    path("requests/new/", views.request_send, name="request-send"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request-answer"),
    path("intelligence/", views.IntelligenceListView.as_view(), name="intelligence-list"),
    path("tripartite/", views.TripartiteRoundListView.as_view(), name="tripartite-list"),
    path("tripartite/new/", views.tripartite_round_create, name="tripartite-create"),
    path("tripartite/<int:pk>/", views.tripartite_round_detail, name="tripartite-detail"),
    path("tripartite/<int:pk>/views/", views.tripartite_view_record, name="tripartite-view-record"),
    path("tripartite/views/<int:pk>/start/", views.tripartite_view_start_decision, name="tripartite-view-start"),
    path("intelligence/new/", views.intelligence_add, name="intelligence-add"),
    path("intelligence/<int:pk>/share/", views.intelligence_share, name="intelligence-share"),
]

from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_accountability, name="organisation"),
    path("organisations/<int:pk>/earned-autonomy/", views.earned_autonomy, name="earned-autonomy"),
    path("organisations/<int:pk>/objectives/new/", views.objective_create, name="objective-create"),
    path("organisations/<int:pk>/flexibilities/new/", views.flexibility_grant, name="flexibility-grant"),
    path("organisations/<int:pk>/self-assessments/new/", views.assessment_start, name="assessment-start"),
    path("organisations/<int:pk>/letters/new/", views.letter_draft, name="letter-draft"),
    path("objectives/", views.ObjectiveListView.as_view(), name="objective-list"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/progress/", views.objective_update, name="objective-update"),
    path("objectives/<int:pk>/evidence/", views.objective_evidence, name="objective-evidence"),
    path("flexibilities/", views.FlexibilityListView.as_view(), name="flexibility-list"),
    path("self-assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path("self-assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("self-assessments/<int:pk>/ratings/", views.assessment_edit, name="assessment-edit"),
    path("self-assessments/<int:pk>/evidence/", views.assessment_evidence, name="assessment-evidence"),
    path("self-assessments/<int:pk>/submit/", views.assessment_submit, name="assessment-submit"),
    path("self-assessments/<int:pk>/review/", views.assessment_review, name="assessment-review"),
    path("synthesis/", views.SynthesisListView.as_view(), name="synthesis-list"),
    path("synthesis/<int:pk>/", views.synthesis_detail, name="synthesis-detail"),
    path("synthesis/<int:pk>/overview/", views.synthesis_summary, name="synthesis-summary"),
    path("synthesis/<int:pk>/sign-off/", views.synthesis_signoff, name="synthesis-signoff"),
    path("synthesis/entries/<int:pk>/", views.entry_update, name="entry-update"),
    path("synthesis/entries/<int:pk>/recommendations/", views.recommendation_add, name="recommendation-add"),
    path("synthesis/recommendations/<int:pk>/", views.recommendation_update, name="recommendation-update"),
    path("synthesis/recommendations/<int:pk>/start/", views.recommendation_start, name="recommendation-start"),
    path("meetings/<int:pk>/synthesis/", views.meeting_synthesis, name="meeting-synthesis"),
]

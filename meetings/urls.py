from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),
    path("new/", views.meeting_arrange, name="meeting-arrange"),
    path("cases/<int:pk>/", views.case_panel, name="case-panel"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("calendar/", views.meeting_calendar, name="meeting-calendar"),
    path("calendar-feed/", views.calendar_feed, name="calendar-feed"),
    path("calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("feed/<str:token>.ics", views.meeting_feed, name="meeting-feed"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="meeting-ics"),
    path("<int:pk>/papers/", views.paper_submit, name="paper-submit"),
    path("<int:pk>/advance/", views.meeting_advance, name="meeting-advance"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/agenda/", views.agenda_item_add, name="agenda-item-add"),
    path("<int:pk>/attendance/", views.attendance_record, name="attendance-record"),
    path("<int:pk>/declarations/", views.declaration_record, name="declaration-record"),
    path("<int:pk>/decisions/", views.decision_record, name="decision-record"),
    path("<int:pk>/minutes/", views.minutes_draft, name="minutes-draft"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("<int:pk>/actions/", views.action_add, name="action-add"),
    path("<int:pk>/letter/", views.letter_generate, name="letter-generate"),
    path("<int:pk>/letter/edit/", views.letter_edit, name="letter-edit"),
    path("decisions/<int:pk>/votes/", views.vote_record, name="vote-record"),
    path("actions/", views.MyActionsView.as_view(), name="my-actions"),
    path("actions/<int:pk>/status/", views.action_status, name="action-status"),
    path("organisations/<int:pk>/actions/", views.OrganisationActionsView.as_view(), name="organisation-actions"),
    path("committees/", views.CommitteeListView.as_view(), name="committee-list"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("declarations/<int:user_pk>/", views.DeclarationRegisterView.as_view(), name="declaration-register"),
]

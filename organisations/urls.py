from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.OrganisationMembersView.as_view(), name="members"),
    path("<int:pk>/history/", views.organisation_history, name="history"),
]

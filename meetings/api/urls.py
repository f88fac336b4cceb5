from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ActionViewSet, CalendarView, MeetingViewSet

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("meeting-actions", ActionViewSet, basename="meeting-action")

urlpatterns = [path("meetings/calendar.ics", CalendarView.as_view(), name="meeting-calendar"), *router.urls]

from rest_framework.routers import SimpleRouter

from .views import DecisionViewSet, LevelViewSet

router = SimpleRouter()
router.register("escalation/levels", LevelViewSet, basename="escalation-level")
router.register("escalation/decisions", DecisionViewSet, basename="escalation-decision")

urlpatterns = router.urls

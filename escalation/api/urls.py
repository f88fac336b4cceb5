from rest_framework.routers import SimpleRouter

from .views import (
    CaseViewSet,
    ConcernViewSet,
    CriterionViewSet,
    DecisionViewSet,
    IntelligenceViewSet,
    LevelViewSet,
    RequestViewSet,
    SupportPlanViewSet,
)

router = SimpleRouter()
router.register("escalation/levels", LevelViewSet, basename="escalation-level")
router.register("escalation/decisions", DecisionViewSet, basename="escalation-decision")
router.register("escalation/cases", CaseViewSet, basename="escalation-case")
router.register("escalation/criteria", CriterionViewSet, basename="escalation-criterion")
router.register("escalation/concerns", ConcernViewSet, basename="escalation-concern")
router.register("escalation/requests", RequestViewSet, basename="escalation-request")
router.register("escalation/intelligence", IntelligenceViewSet, basename="escalation-intelligence")

router.register("escalation/support-plans", SupportPlanViewSet, basename="escalation-support-plan")

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from .views import ConditionViewSet, PlanViewSet, PriorityProgressViewSet, SubmissionViewSet

router = SimpleRouter()
router.register("plans/plans", PlanViewSet, basename="plans-plan")
router.register("plans/conditions", ConditionViewSet, basename="plans-condition")
router.register("plans/submissions", SubmissionViewSet, basename="plans-submission")
router.register("plans/priority-progress", PriorityProgressViewSet, basename="plans-priority-progress")

urlpatterns = router.urls

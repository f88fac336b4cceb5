from rest_framework.routers import SimpleRouter

from .views import (
    DailyValueViewSet,
    MeasureViewSet,
    PackViewSet,
    SpcViewSet,
    SuggestedLevelViewSet,
    TrajectoryViewSet,
)

router = SimpleRouter()
router.register("reporting/measures", MeasureViewSet, basename="reporting-measure")
router.register("reporting/trajectories", TrajectoryViewSet, basename="reporting-trajectory")
router.register("reporting/packs", PackViewSet, basename="reporting-pack")
router.register("reporting/daily-values", DailyValueViewSet, basename="reporting-daily-value")
router.register("reporting/spc", SpcViewSet, basename="reporting-spc")
router.register("reporting/suggested-levels", SuggestedLevelViewSet, basename="reporting-suggested-level")

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from .views import (
    AssessmentViewSet,
    EarnedAutonomyViewSet,
    EntryViewSet,
    FlexibilityViewSet,
    LetterViewSet,
    ObjectiveViewSet,
    RecommendationViewSet,
    SynthesisViewSet,
)

router = SimpleRouter()
router.register("accountability/objectives", ObjectiveViewSet, basename="accountability-objective")
router.register("accountability/flexibilities", FlexibilityViewSet, basename="accountability-flexibility")
router.register("accountability/self-assessments", AssessmentViewSet, basename="accountability-assessment")
router.register("accountability/earned-autonomy", EarnedAutonomyViewSet, basename="accountability-earned-autonomy")
router.register("accountability/ao-letters", LetterViewSet, basename="accountability-ao-letter")
router.register("accountability/syntheses", SynthesisViewSet, basename="accountability-synthesis")
router.register("accountability/synthesis-entries", EntryViewSet, basename="accountability-synthesis-entry")
router.register(
    "accountability/synthesis-recommendations",
    RecommendationViewSet,
    basename="accountability-synthesis-recommendation",
)

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from .views import MembershipViewSet, OrganisationViewSet, RegionViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("regions", RegionViewSet, basename="region")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = router.urls

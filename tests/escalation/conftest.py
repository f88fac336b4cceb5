import pytest

from escalation.models import Domain


@pytest.fixture
def pillar(frameworks):
    def _pillar(code, era="2026"):
        return Domain.objects.get(era__code=era, code=code)

    return _pillar

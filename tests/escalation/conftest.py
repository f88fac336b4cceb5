import pytest

from escalation import reference
from escalation.models import Domain


@pytest.fixture
def frameworks(db):
    """The eras, domains, pillars, level descriptions and authority tables, as seeded."""
    reference.seed()


@pytest.fixture
def pillar(frameworks):
    def _pillar(code, era="2026"):
        return Domain.objects.get(era__code=era, code=code)

    return _pillar

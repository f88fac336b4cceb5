"""Fixtures for the accountability tests: putting a scope at a level by a real decision, the
2026 pillars, and a minimal synthesis with one organisation in it."""

from __future__ import annotations

from datetime import date

import pytest

from escalation import services as escalation_services
from escalation.models import Domain


@pytest.fixture
def pillar(frameworks):
    def _pillar(code):
        return Domain.objects.get(era__code="2026", code=code)

    return _pillar


@pytest.fixture
def decide(world):
    """Put ``organisation``'s scope (a pillar code, or None for the whole organisation) at
    ``level`` by a decided decision, as the decision maker."""

    def _decide(organisation, level, on, *, pillar=None):
        scope = (
            escalation_services.Scope("domain", Domain.objects.get(era__code="2026", code=pillar))
            if pillar
            else escalation_services.Scope("organisation")
        )
        draft = escalation_services.decision_draft(
            actor=world.personas["analyst"],
            organisation=organisation,
            scope=scope,
            to_level=level,
            rationale="Test",
            planned_on=on,
        )
        return escalation_services.decision_decide(
            actor=world.personas["decision_maker"],
            decision=draft,
            expected_version=draft.version,
            decided_on=on,
            minister_decided_on=on,
            override_rationale="Criteria sustained",
        )

    return _decide


@pytest.fixture
def reportable(world):
    """Make organisation A reportable this month: an open concern about it."""

    def _reportable(organisation=None, on=date(2026, 11, 2)):
        return escalation_services.concern_raise(
            actor=world.personas["analyst"],
            organisation=organisation or world.org_a,
            title="Waits rising",
            description="Emergency department waits have risen for three months.",
            on=on,
        )

    return _reportable

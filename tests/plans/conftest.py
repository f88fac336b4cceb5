"""Fixtures for the plans tests: the plans reference data, a plan of organisation A's, and a
helper to put a scope at a level by a real decision."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from escalation import services as escalation_services
from escalation.models import Domain
from plans import reference, services
from plans.models import PlanningCycle, PlanResponse


@pytest.fixture
def plans_reference(db, frameworks):
    """Cycles, priorities and submission requirements (measure links only when the catalogue is loaded)."""
    reference.seed()
    return PlanningCycle.objects.get(code="2025-28")


@pytest.fixture
def cycle(plans_reference):
    return plans_reference


@pytest.fixture
def finance_pillar(frameworks):
    return Domain.objects.get(era__code="2026", code="finance")


@pytest.fixture
def record_plan(world, cycle):
    """Record a plan of an organisation (default A) as the analyst, with an optional outcome."""

    def _record(
        organisation=None,
        *,
        plan_type="imtp",
        balanced=True,
        outcome="",
        submitted_on=date(2025, 3, 28),
        outcome_on=date(2025, 7, 14),
    ):
        analyst = world.personas["analyst"]
        plan = services.plan_record(
            actor=analyst,
            organisation=organisation or world.org_a,
            cycle=cycle,
            plan_type=plan_type,
            submitted_on=submitted_on,
            board_approved_on=None,
            financially_balanced=balanced,
            today=date(2026, 11, 30),
        )
        if outcome:
            plan = services.plan_record_outcome(
                actor=analyst,
                plan=plan,
                expected_version=plan.version,
                outcome=outcome,
                outcome_on=outcome_on,
                today=date(2026, 11, 30),
            )
        return plan

    return _record


@pytest.fixture
def condition_of(world, finance_pillar):
    """A response to ``plan`` and an open condition in it, due ``due_on``."""

    def _condition(plan, *, due_on=date(2026, 9, 30), text="Agree a financial recovery plan"):
        analyst = world.personas["analyst"]
        response = PlanResponse.objects.filter(plan=plan).first() or services.response_record(
            actor=analyst,
            plan=plan,
            issued_on=date(2025, 7, 20),
            summary="Accepted with conditions",
            today=date(2026, 11, 30),
        )
        return services.condition_add(
            actor=analyst,
            response=response,
            text=text,
            pillar=finance_pillar,
            due_on=due_on,
            owner="Director of Finance",
        )

    return _condition


@pytest.fixture
def decide(world, frameworks):
    """Put an organisation's scope (default: the whole organisation) at ``level`` from ``on`` by a
    real decision, decided by the decision maker."""

    def _decide(level, on, organisation=None, scope=None):
        scope = scope or escalation_services.Scope("organisation")
        draft = escalation_services.decision_draft(
            actor=world.personas["analyst"],
            organisation=organisation or world.org_a,
            scope=scope,
            to_level=level,
            rationale=f"To level {level}",
            planned_on=on,
        )
        return escalation_services.decision_decide(
            actor=world.personas["decision_maker"],
            decision=draft,
            expected_version=draft.version,
            decided_on=on,
            minister_decided_on=on,
            notified_on=on,
            override_rationale="Test",
        )

    return _decide


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")

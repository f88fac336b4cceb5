"""The reporting tables' own rules: pack versions (unique revision, one current version per
organisation and month, corrections), value, trajectory and measure constraints, the late flag,
risk ratings, choices kept in step with escalation and SPC."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from escalation.choices import ScopeKind
from escalation.models import DeescalationCriterion, Domain
from reporting import reference
from reporting.choices import ESCALATION_DOMAIN_FOR_PILLAR, SPC_DIRECTION, Direction, PackStatus, Pillar, compare
from reporting.models import (
    ChangePoint,
    CriterionBinding,
    DailyValue,
    DeepDiveTopic,
    Measure,
    Pack,
    PackRisk,
    PackValue,
    PillarNarrative,
    Trajectory,
)
from reporting.spc import Direction as SpcDirection
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
NOW = timezone.make_aware(datetime(2026, 6, 10, 12, 0))


@pytest.fixture
def measures():
    reference.seed()
    return {m.code: m for m in Measure.objects.all()}


@pytest.fixture
def org():
    return OrganisationFactory()


def _released(org, period=MAY, **kw):
    return Pack.objects.create(
        organisation=org, period=period, status=PackStatus.RELEASED, validated_at=NOW, released_at=NOW, **kw
    )


def _fails(**kw):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pack.objects.create(**kw)


# --- Pack versions ----------------------------------------------------------------------------


def test_a_pack_starts_as_the_current_draft_version_1(org):
    pack = Pack.objects.create(organisation=org, period=MAY)
    assert (pack.revision, pack.is_current, pack.status, pack.version) == (1, True, PackStatus.DRAFT, 1)
    assert str(pack).endswith("May 2026")


def test_the_same_version_cannot_be_stored_twice(org):
    first = _released(org)
    first.is_current = False
    first.save()
    _fails(organisation=org, period=MAY, revision=1)


def test_only_one_current_pack_per_organisation_and_month(org):
    first = _released(org)
    _fails(organisation=org, period=MAY, revision=2, corrects=first, correction_reason="Wrong RTT figure")
    # Another month, or another organisation, is fine.
    Pack.objects.create(organisation=org, period=date(2026, 6, 1))
    Pack.objects.create(organisation=OrganisationFactory(), period=MAY)


def test_a_correction_supersedes_the_released_version(org):
    first = _released(org)
    first.is_current = False
    first.save()
    second = Pack.objects.create(
        organisation=org, period=MAY, revision=2, corrects=first, correction_reason="Wrong RTT figure"
    )
    assert first.corrected_by == second
    assert list(Pack.objects.current()) == [second]
    # While the correction is a draft, the released numbers are still version 1's.
    assert list(Pack.objects.latest_released()) == [first]
    second.status, second.validated_at, second.released_at = PackStatus.RELEASED, NOW, NOW
    second.save()
    assert list(Pack.objects.latest_released()) == [second]
    assert str(second).endswith("(version 2)")


def test_only_a_released_pack_can_be_superseded(org):
    _fails(organisation=org, period=MAY, is_current=False, status=PackStatus.VALIDATED, validated_at=NOW)


def test_a_correction_needs_the_previous_version_and_a_reason(org):
    first = _released(org)
    first.is_current = False
    first.save()
    _fails(organisation=org, period=MAY, revision=2, corrects=first, correction_reason="")
    _fails(organisation=org, period=MAY, revision=2)
    _fails(organisation=org, period=MAY, revision=0, is_current=False, status=PackStatus.RELEASED)


def test_a_pack_is_corrected_at_most_once(org):
    first = _released(org)
    first.is_current = False
    first.save()
    second = _released(org, revision=2, corrects=first, correction_reason="One", is_current=False)
    assert second.pk
    _fails(organisation=org, period=MAY, revision=3, corrects=first, correction_reason="Two")


def test_a_correction_must_follow_the_same_pack(org):
    first = _released(org)
    other = Pack(organisation=org, period=date(2026, 6, 1), revision=2, corrects=first, correction_reason="Wrong month")
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "corrects" in error.value.message_dict


def test_status_needs_its_facts(org):
    _fails(organisation=org, period=MAY, status=PackStatus.RELEASED, validated_at=NOW)
    _fails(organisation=org, period=MAY, status=PackStatus.VALIDATED)
    _fails(organisation=org, period=MAY, status=PackStatus.RETURNED)
    Pack.objects.create(organisation=org, period=MAY, status=PackStatus.RETURNED, returned_comment="Check RTT")


def test_the_period_is_the_first_of_the_month(org):
    with pytest.raises(ValidationError) as error:
        Pack(organisation=org, period=date(2026, 5, 2)).full_clean()
    assert "period" in error.value.message_dict


def test_late_flag(org):
    pack = Pack(organisation=org, period=MAY, due_on=date(2026, 6, 10))
    assert not pack.is_late(today=date(2026, 6, 10))
    assert pack.is_late(today=date(2026, 6, 11))
    pack.submitted_at = NOW
    assert not pack.is_late(today=date(2026, 7, 1))
    pack.submitted_at = timezone.make_aware(datetime(2026, 6, 11, 9, 0))
    assert pack.is_late()
    assert not Pack(organisation=org, period=MAY).is_late()


# --- Pack contents ----------------------------------------------------------------------------


def test_values_are_unique_per_measure_and_a_missing_value_needs_a_reason(org, measures):
    pack = Pack.objects.create(organisation=org, period=MAY)
    PackValue.objects.create(pack=pack, measure=measures["UEC-ED4H"], value=Decimal("67.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PackValue.objects.create(pack=pack, measure=measures["UEC-ED4H"], value=Decimal("68"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PackValue.objects.create(pack=pack, measure=measures["UEC-ED12H"], value=None)
    PackValue.objects.create(pack=pack, measure=measures["UEC-ED12H"], value=None, not_available_reason="System outage")


def test_one_narrative_per_pillar(org):
    pack = Pack.objects.create(organisation=org, period=MAY)
    PillarNarrative.objects.create(pack=pack, pillar=Pillar.FINANCE, text="On plan.")
    with pytest.raises(IntegrityError), transaction.atomic():
        PillarNarrative.objects.create(pack=pack, pillar=Pillar.FINANCE, text="Again.")


def test_risk_score_and_rag(org):
    pack = Pack.objects.create(organisation=org, period=MAY)
    risk = PackRisk.objects.create(pack=pack, description="Winter pressures", likelihood=4, consequence=4)
    assert (risk.score, risk.rag) == (16, "red")
    assert PackRisk(pack=pack, description="x", likelihood=2, consequence=4).rag == "amber"
    assert PackRisk(pack=pack, description="x", likelihood=1, consequence=3).rag == "green"
    with pytest.raises(IntegrityError), transaction.atomic():
        PackRisk.objects.create(pack=pack, description="Out of range", likelihood=6, consequence=1)


def test_deep_dives_go_with_a_quarters_last_month(org):
    june = Pack.objects.create(organisation=org, period=date(2026, 6, 1))
    DeepDiveTopic(pack=june, title="Stroke services").full_clean()
    may = Pack.objects.create(organisation=org, period=MAY)
    with pytest.raises(ValidationError):
        DeepDiveTopic(pack=may, title="Stroke services").full_clean()


# --- Other tables -----------------------------------------------------------------------------


def test_trajectory_is_unique_per_organisation_measure_and_month(org, measures):
    Trajectory.objects.create(organisation=org, measure=measures["UEC-ED4H"], period=MAY, value=70, tolerance=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(organisation=org, measure=measures["UEC-ED4H"], period=MAY, value=72)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(
            organisation=org, measure=measures["UEC-ED4H"], period=date(2026, 6, 1), value=72, tolerance=-1
        )


def test_daily_value_is_unique_per_day(org, measures):
    DailyValue.objects.create(organisation=org, measure=measures["UEC-ED4H-D"], day=MAY, value=66)
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyValue.objects.create(organisation=org, measure=measures["UEC-ED4H-D"], day=MAY, value=67)


def test_change_points_are_unique_with_or_without_an_organisation(org, measures):
    measure = measures["UEC-ED4H"]
    ChangePoint.objects.create(measure=measure, changed_on=MAY, reason="New definition")
    ChangePoint.objects.create(organisation=org, measure=measure, changed_on=MAY, reason="New department")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangePoint.objects.create(measure=measure, changed_on=MAY, reason="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangePoint.objects.create(organisation=org, measure=measure, changed_on=MAY, reason="Again")


def test_measure_dates_in_order(measures):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(code="UEC-RED8").update(valid_from=date(2025, 7, 1), valid_to=date(2025, 6, 30))


def test_a_criterion_binds_to_one_measure_and_condition(org, measures):
    criterion = DeescalationCriterion.objects.create(
        organisation=org, scope_kind=ScopeKind.ORGANISATION, scope_key="organisation", text="12-hour waits ≤ 500"
    )
    binding = CriterionBinding.objects.create(
        criterion=criterion, measure=measures["UEC-ED12H"], operator="le", threshold=500, consecutive_months=3
    )
    assert criterion.measure_binding == binding
    assert str(binding) == "UEC-ED12H ≤ 500 for 3 month(s)"
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionBinding.objects.create(criterion=criterion, measure=measures["UEC-ED12H"], operator="le", threshold=1)


# --- Choices in step --------------------------------------------------------------------------


def test_every_pillar_maps_to_a_2026_escalation_pillar():
    codes = set(Domain.objects.filter(era__code="2026").values_list("code", flat=True))
    assert set(ESCALATION_DOMAIN_FOR_PILLAR) == set(Pillar.values)
    assert set(ESCALATION_DOMAIN_FOR_PILLAR.values()) <= codes


def test_every_direction_maps_to_an_spc_direction():
    assert set(SPC_DIRECTION) == set(Direction.values)
    assert set(SPC_DIRECTION.values()) == set(SpcDirection)


@pytest.mark.parametrize(
    ("value", "operator", "threshold", "expected"),
    [
        (1, "lt", 2, True),
        (2, "le", 2, True),
        (2, "eq", 2, True),
        (2, "ne", 2, False),
        (2, "ge", 3, False),
        (3, "gt", 2, True),
    ],
)
def test_compare(value, operator, threshold, expected):
    assert compare(value, operator, threshold) is expected

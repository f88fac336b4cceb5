"""Early warnings from released packs: a concerning SPC signal or a missed trajectory raises
one concern in the triage queue, however often the analytics run; a stable organisation
raises none; unreleased figures are never read."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from escalation.models import Concern
from reporting import analytics, reference
from reporting.models import Measure, Pack, PackValue, Trajectory

TODAY = date(2026, 11, 20)


@pytest.fixture
def measure(frameworks):
    reference.seed()
    return Measure.objects.get(code="UEC-ED12H")  # a count; lower is better


def months(n, end=date(2026, 10, 1)):
    """The first days of the ``n`` months up to and including ``end``, oldest first."""
    out, year, month = [], end.year, end.month
    for _ in range(n):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def release(organisation, measure, values, *, status="released"):
    now = timezone.now()
    for period, value in zip(months(len(values)), values, strict=True):
        pack = Pack.objects.create(
            organisation=organisation,
            period=period,
            status=status,
            validated_at=now if status == "released" else None,
            released_at=now if status == "released" else None,
        )
        PackValue.objects.create(pack=pack, measure=measure, value=value)


STABLE = [95, 105] * 12  # two years of common-cause variation around 100


def test_a_deteriorating_organisation_raises_one_concern_however_often_the_analytics_run(world, measure):
    release(world.org_a, measure, [*STABLE, 140, 150, 145, 160])  # beyond the upper limit
    release(world.org_b, measure, [*STABLE, 95, 105, 95, 105])
    first = analytics.early_warnings(today=TODAY)
    second = analytics.early_warnings(today=TODAY)
    concerns = Concern.objects.filter(source="automated")
    assert [c.organisation for c in concerns] == [world.org_a]
    concern = concerns.get()
    assert concern.source_key == "spc:ORGA:UEC-ED12H:2026-07:beyond_limits"
    assert concern.domain.code == "delivery" and concern.status == "open"
    assert "since July 2026" in concern.description and "160 in October 2026" in concern.description
    assert len(first.raised) == 1 and second.raised == [] and second.already_raised == 1


def test_unreleased_figures_are_never_read(world, measure):
    release(world.org_a, measure, [*STABLE, 140, 150, 145, 160], status="submitted")
    assert analytics.early_warnings(today=TODAY).series == 0
    assert not Concern.objects.exists()


def test_too_few_released_months_raise_nothing(world, measure):
    release(world.org_a, measure, [95, 105, 95, 105, 400])
    analytics.early_warnings(today=TODAY)
    assert not Concern.objects.exists()


def test_a_trajectory_missed_three_months_running_raises_a_concern(world, measure):
    release(world.org_b, measure, [*STABLE, 95, 105, 95, 105])
    for period in months(3):
        Trajectory.objects.create(organisation=world.org_b, measure=measure, period=period, value=90, tolerance=2)
    analytics.early_warnings(today=TODAY)
    concern = Concern.objects.get()
    assert concern.organisation == world.org_b
    assert concern.source_key == "trajectory:ORGB:UEC-ED12H:2026-08:missed"
    # Met in the latest month: no warning for that run.
    Concern.objects.all().delete()
    Trajectory.objects.filter(organisation=world.org_b, period=date(2026, 10, 1)).update(value=110)
    analytics.early_warnings(today=TODAY)
    assert not Concern.objects.exists()


def test_the_command_reports_what_it_raised(world, measure):
    release(world.org_a, measure, [*STABLE, 140, 150, 145, 160])
    out = io.StringIO()
    call_command("run_analytics", "--on", "2026-11-20", stdout=out)
    assert "raised    spc:ORGA:UEC-ED12H:2026-07:beyond_limits" in out.getvalue()
    assert "Analytics: 1 concerns raised" in out.getvalue()


def test_a_change_point_rebases_only_its_own_measure_and_can_freeze_the_limits():
    from reporting.analytics import Series, chart
    from reporting.models import ChangePoint, Measure

    periods = tuple(date(2024 + m // 12, m % 12 + 1, 1) for m in range(30))
    values = tuple(float(50 + (7 * n) % 5) for n in range(30))
    ours, other = Measure(pk=1, code="A", direction="higher"), Measure(pk=2, code="B", direction="higher")
    series = Series(organisation_id=1, measure=ours, periods=periods, values=values)
    elsewhere = ChangePoint(measure=other, organisation_id=None, changed_on=date(2025, 1, 1), reason="r")
    assert len(chart(series, change_points=[elsewhere]).segments) == 1
    here = ChangePoint(measure=ours, organisation_id=None, changed_on=date(2025, 1, 1), reason="r")
    assert len(chart(series, change_points=[here]).segments) == 2
    frozen = ChangePoint(measure=ours, organisation_id=1, changed_on=date(2025, 1, 1), reason="r", baseline_points=12)
    assert chart(series, change_points=[frozen]).segments[-1].limits.baseline_points == 12

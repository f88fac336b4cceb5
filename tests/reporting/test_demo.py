"""The demo performance packs: three years of released values for every organisation and
measure that applies, designed so that the early warnings raised on them are exactly the
designed set (one deteriorating organisation, one missed trajectory, nothing for the stable
organisation), whatever the random noise; and loading the demo twice adds nothing."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from escalation.models import Concern, DeescalationCriterion
from organisations import reference as organisation_reference
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from reporting import analytics, demo, reference, rules, selectors, spc
from reporting.choices import Frequency, PackStatus, Pillar, Unit
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

TODAY = date(2026, 11, 15)
FIRST, LAST = date(2023, 11, 1), date(2026, 10, 1)  # 36 months ending with the last complete month
DESIGNED = {
    "spc:SBUHB:UEC-ED12H:2026-07:beyond_limits",  # the deteriorating organisation, since July
    "trajectory:CTMUHB:PC-RTT52:2026-08:missed",  # missed August, September and October
}


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """One generation for the whole class, rolled back afterwards; each test runs in a
    savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        organisation_reference.seed()
        reference.seed()
        summary = demo.generate(today=TODAY)
        yield summary
        transaction.set_rollback(True)


def _statutory():
    return list(Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).order_by("code"))


def _chart(organisation_code, measure_code, *, change_points=None):
    measure = Measure.objects.get(code=measure_code)
    organisation = Organisation.objects.get(code=organisation_code)
    series = analytics.released_series(measure)[organisation.pk]
    if change_points is None:
        change_points = list(ChangePoint.objects.all())
    return series, analytics.chart(series, change_points=change_points)


@pytest.mark.usefixtures("generated")
class TestGeneratedPacks:
    def test_every_organisation_has_36_released_months_of_every_measure_that_applies(self, db, generated):
        organisations = _statutory()
        assert len(organisations) == 12
        assert sorted(generated.organisations) == [o.code for o in organisations]
        assert generated.periods[0] == FIRST and generated.periods[-1] == LAST and len(generated.periods) == 36

        packs = list(Pack.objects.select_related("organisation"))
        assert len(packs) == 12 * 36
        assert {p.status for p in packs} == {PackStatus.RELEASED}
        for pack in packs:
            assert pack.is_current and pack.revision == 1
            assert pack.due_on == rules.pack_due_on(pack.period)
            assert pack.submitted_at <= pack.validated_at <= pack.released_at
            assert timezone.localdate(pack.released_at) <= TODAY
        for organisation in organisations:
            periods = sorted(p.period for p in packs if p.organisation_id == organisation.pk)
            assert periods == generated.periods
        late = [p for p in packs if p.is_late(TODAY)]
        assert 0 < len(late) < len(packs) / 10  # mostly on time, a few late

        catalogue = list(Measure.objects.all())
        by_pack = defaultdict(dict)
        for pack_id, code, value in PackValue.objects.values_list("pack_id", "measure__code", "value"):
            by_pack[pack_id][code] = value
        units = {m.code: m.unit for m in catalogue}
        for pack in packs:
            expected = {m.code for m in selectors.pack_measures(pack.organisation, pack.period, measures=catalogue)}
            assert set(by_pack[pack.pk]) == expected, (pack.organisation.code, pack.period)
            for code, value in by_pack[pack.pk].items():
                assert value is not None
                # The product's own check of a value's range for its unit.
                assert rules.value_refusal(unit=units[code], value=value, measure=code) is None, (code, value)
        # The ambulance measures change model on 1 July 2025.
        wast = next(p for p in packs if p.organisation.code == "WAST" and p.period == date(2025, 6, 1))
        assert "UEC-RED8" in by_pack[wast.pk] and "UEC-RED-MED" not in by_pack[wast.pk]

    def test_values_are_plausible_for_their_units(self, db, generated):
        values = defaultdict(list)
        for organisation, kind, code, unit, value in PackValue.objects.values_list(
            "pack__organisation__code", "pack__organisation__kind", "measure__code", "measure__unit", "value"
        ):
            values[(kind, code, unit)].append(value)
            values[(organisation, code)].append(value)
        for (_kind, code, unit), found in ((k, v) for k, v in values.items() if len(k) == 3):
            if unit == Unit.YES_NO:
                assert set(found) <= {0, 1}
            if unit == Unit.COUNT:
                assert all(v >= 0 and v == v.to_integral_value() for v in found)
            if unit == Unit.PERCENT:
                assert all(0 <= v <= 100 for v in found)
                assert len(set(found)) > 5, code  # noise, not a constant
        # Trusts' finances sit around break-even; most health boards are in deficit.
        assert all(abs(v) < 2 for v in values[("trust", "F-FORECAST", Unit.GBP_MILLIONS)])
        assert sum(v < 0 for v in values[("health_board", "F-BREAKEVEN", Unit.GBP_MILLIONS)]) > 200
        # Far from the 95% target, as in Wales; bigger boards have more long waits.
        assert 50 < sum(values[("health_board", "UEC-ED4H", Unit.PERCENT)]) / (7 * 36) < 80
        assert sum(values[("BCUHB", "UEC-ED12H")]) > 3 * sum(values[("PTHB", "UEC-ED12H")])

    def test_the_deteriorating_measure_ends_with_a_concerning_special_cause(self, db, generated):
        series, result = _chart(*demo.DETERIORATING)
        assert len(series.values) == 36
        assert result.points[-1].point_type == spc.PointType.CONCERN
        assert result.variation_icon == spc.VariationIcon.CONCERNING_HIGH  # more 12-hour waits
        upper = result.latest_limits.upper
        assert all(v > upper for v in series.values[-4:]) and series.values[-5] <= upper
        assert analytics.concerning_episode_start(series, result)[0] == date(2026, 7, 1)

    @pytest.mark.parametrize("pair", demo.IMPROVING)
    def test_the_improving_measures_end_improving(self, db, generated, pair):
        _series, result = _chart(*pair)
        assert result.points[-1].point_type == spc.PointType.IMPROVEMENT
        assert result.variation_icon in (spc.VariationIcon.IMPROVING_HIGH, spc.VariationIcon.IMPROVING_LOW)

    def test_the_step_change_is_detected_and_the_chart_rebases_at_its_change_point(self, db, generated):
        organisation_code, measure_code = demo.STEP
        change = ChangePoint.objects.get(organisation__code=organisation_code, measure__code=measure_code)
        assert change.changed_on == date(2025, 5, 1)  # 18 months before the end
        assert change.reason.strip()
        assert ChangePoint.objects.count() == 1

        series, unrebased = _chart(organisation_code, measure_code, change_points=[])
        assert len(unrebased.segments) == 1
        step = series.periods.index(change.changed_on)
        shifted = [p.index for p in unrebased.points if any(s.test == spc.SpecialCause.SHIFT for s in p.signals)]
        assert any(i < step for i in shifted) and any(i >= step for i in shifted)
        assert unrebased.points[-1].point_type == spc.PointType.IMPROVEMENT

        _series, rebased = _chart(organisation_code, measure_code)
        assert [s.start for s in rebased.segments] == [0, step]
        before, after = (s.limits.mean for s in rebased.segments)
        assert after - before > 8  # percentage points of handovers within 15 minutes
        assert rebased.points[-1].point_type == spc.PointType.COMMON_CAUSE

    def test_the_stable_organisation_shows_no_concern_anywhere(self, db, generated):
        stable = Organisation.objects.get(code=demo.STABLE)
        measures = Measure.objects.filter(frequency=Frequency.MONTHLY)
        charted = 0
        for measure in measures:
            series = analytics.released_series(measure, organisation_ids=[stable.pk]).get(stable.pk)
            if series is None:
                continue
            result = analytics.chart(series, change_points=ChangePoint.objects.all())
            assert all(p.point_type != spc.PointType.CONCERN for p in result.points), measure.code
            charted += 1
        assert charted > 30

    def test_early_warnings_raise_exactly_the_designed_concerns_however_often_they_run(self, db, generated):
        assert generated.expected_warnings == DESIGNED
        first = analytics.early_warnings(today=TODAY)
        second = analytics.early_warnings(today=TODAY)
        automated = Concern.objects.filter(source="automated")
        assert set(automated.values_list("source_key", flat=True)) == DESIGNED
        assert automated.count() == len(DESIGNED)
        assert automated.filter(organisation__code=demo.DETERIORATING[0]).count() == 1
        assert not automated.filter(organisation__code=demo.STABLE).exists()
        assert sorted(first.raised) == sorted(DESIGNED) and first.series > 250
        assert second.raised == [] and second.already_raised == len(DESIGNED)

    def test_trajectories_cover_the_last_year_and_one_is_missed_three_months_running(self, db, generated):
        pairs = {
            (t.organisation.code, t.measure.code) for t in Trajectory.objects.select_related("organisation", "measure")
        }
        assert pairs == {demo.TRAJECTORY_MISSED, *demo.TRAJECTORIES_ON_TRACK}
        for organisation_code, measure_code in pairs:
            periods = list(
                Trajectory.objects.filter(organisation__code=organisation_code, measure__code=measure_code)
                .order_by("period")
                .values_list("period", flat=True)
            )
            assert periods == generated.periods[-12:]

        missed = Trajectory.objects.filter(
            organisation__code=demo.TRAJECTORY_MISSED[0], measure__code=demo.TRAJECTORY_MISSED[1]
        ).order_by("period")
        series, _result = _chart(*demo.TRAJECTORY_MISSED)
        actual = dict(zip(series.periods, series.values, strict=True))
        # Lower is better: missed means above the agreed value by more than the tolerance.
        misses = [actual[t.period] > float(t.value + t.tolerance) for t in missed]
        assert misses[-3:] == [True, True, True]

    def test_the_latest_packs_carry_narratives_risks_and_the_quarter_ends_deep_dives(self, db, generated):
        latest = Pack.objects.filter(period=LAST)
        assert latest.count() == 12
        for pack in latest:
            assert {n.pillar for n in pack.narratives.all()} == set(Pillar.values)
            assert pack.risks.count() == 2
        assert PillarNarrative.objects.exclude(pack__period=LAST).count() == 0
        assert PackRisk.objects.exclude(pack__period=LAST).count() == 0
        sbuhb = PillarNarrative.objects.get(
            pack__organisation__code="SBUHB", pack__period=LAST, pillar=Pillar.DELIVERY_PERFORMANCE
        )
        assert "12 hours" in sbuhb.text

        quarter_ends = set(DeepDiveTopic.objects.values_list("pack__period", flat=True))
        assert quarter_ends == {date(2025, 12, 1), date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1)}
        assert DeepDiveTopic.objects.count() == 12 * 4

    def test_daily_values_cover_the_last_90_days_for_every_daily_measure_that_applies(self, db, generated):
        daily = Measure.objects.filter(frequency=Frequency.DAILY)
        expected = 0
        for organisation in _statutory():
            for measure in daily:
                if rules.measure_applies(applies_to=measure.applies_to, kind=organisation.kind, code=organisation.code):
                    days = list(
                        DailyValue.objects.filter(organisation=organisation, measure=measure)
                        .order_by("day")
                        .values_list("day", flat=True)
                    )
                    assert days[0] == date(2026, 8, 17) and days[-1] == date(2026, 11, 14) and len(days) == 90
                    expected += 90
        assert DailyValue.objects.count() == expected > 0
        for value in DailyValue.objects.select_related("measure"):
            assert rules.value_refusal(unit=value.measure.unit, value=value.value) is None

    def test_generating_again_adds_nothing(self, db, generated):
        counts = [m.objects.count() for m in (Pack, PackValue, Trajectory, ChangePoint, DailyValue, PillarNarrative)]
        again = demo.generate(today=TODAY)
        assert (again.packs, again.values, again.trajectories, again.change_points, again.daily_values) == (0,) * 5
        assert [m.objects.count() for m in (Pack, PackValue, Trajectory, ChangePoint, DailyValue, PillarNarrative)] == (
            counts
        )
        assert again.expected_warnings == DESIGNED  # deterministic


def test_generate_for_a_few_organisations_only_loading_the_catalogue_if_it_is_empty(db):
    organisation_reference.seed()
    assert not Measure.objects.exists()
    wanted = list(Organisation.objects.filter(code__in=["PTHB", "SBUHB"]))
    summary = demo.generate(today=TODAY, organisations=wanted, months=24)
    assert Pack.objects.count() == 2 * 24
    assert Pack.objects.order_by("period").first().period == date(2024, 11, 1)
    assert summary.expected_warnings == {"spc:SBUHB:UEC-ED12H:2026-07:beyond_limits"}
    assert not Trajectory.objects.exists() and not ChangePoint.objects.exists()


def test_seed_demo_loads_packs_once_with_a_draft_for_the_submitter_and_a_bound_criterion(db, settings):
    settings.DEBUG = True
    call_command("seed_reference")
    call_command("seed_demo")
    today = timezone.localdate()
    periods = demo.demo_months(today)
    models = (
        Pack,
        PackValue,
        PillarNarrative,
        PackRisk,
        DeepDiveTopic,
        Trajectory,
        ChangePoint,
        DailyValue,
        CriterionBinding,
        Concern,
    )
    counts = {m.__name__: m.objects.count() for m in models}
    assert counts["Pack"] == 12 * 36 + 1

    # The submitter's organisation has an empty draft for the current month to fill in.
    draft = Pack.objects.exclude(status=PackStatus.RELEASED).get()
    assert draft.organisation.code == demo.submitter_organisation_code() == "BCUHB"
    assert draft.period == today.replace(day=1) and draft.status == PackStatus.DRAFT
    assert not draft.values.exists()
    assert Pack.objects.released().order_by("-period").first().period == periods[-1]

    # One criterion of the escalation demo's open case tests itself against a measure.
    binding = CriterionBinding.objects.select_related("criterion", "measure").get()
    assert binding.criterion.organisation.code == "BCUHB"
    assert binding.measure.code == "F-FORECAST" and binding.threshold == Decimal(0)
    assert DeescalationCriterion.objects.filter(pk=binding.criterion.pk, case__phase="active").exists()
    forecast = [
        float(v.value) for v in selectors.released_values(measure="F-FORECAST", organisations=[draft.organisation])
    ]
    assert not rules.criterion_met(
        values=forecast, operator=binding.operator, threshold=binding.threshold, months=binding.consecutive_months
    )  # improving, not yet balanced

    # The early warnings ran: exactly the designed concerns for today's window.
    assert set(Concern.objects.filter(source="automated").values_list("source_key", flat=True)) == {
        f"spc:SBUHB:UEC-ED12H:{periods[-4]:%Y-%m}:beyond_limits",
        f"trajectory:CTMUHB:PC-RTT52:{periods[-3]:%Y-%m}:missed",
    }

    call_command("seed_demo")
    assert {m.__name__: m.objects.count() for m in models} == counts

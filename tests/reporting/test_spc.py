"""SPC (reporting.spc): hand-worked series for every rule and icon, then NHSRplotthedots' own expectations."""

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from escalation.rules import Refusal
from reporting import spc as s
from reporting.spc import AssuranceIcon as A
from reporting.spc import Direction as D
from reporting.spc import Side, Signal, Status
from reporting.spc import SpecialCause as Check
from reporting.spc import VariationIcon as V

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))
from r_rnorm import RRandom  # noqa: E402

REF = json.loads((DATA / "ptd_reference.json").read_text())

# A stable baseline: mean 11, every moving range 2, so limits 11 ± 5.32 = 5.68 / 16.32,
# sigma = 2 × 2.66 / 3 = 1.773333, two-sigma lines 7.453333 / 14.546667. It ends below the mean.
BASE = [12.0, 10.0] * 6


def frozen(extra, **kw):
    kw.setdefault("direction", D.HIGHER_IS_BETTER)
    return s.spc(BASE + list(extra), baseline_points=12, **kw)


def signals_at(result, i):
    return [(sig.test, sig.side) for sig in result.points[i].signals]


# --- XmR arithmetic --------------------------------------------------------------------------


def test_xmr_limits_hand_worked():
    limits = s.xmr_limits(BASE)
    assert limits.mean == pytest.approx(11)
    assert limits.mean_moving_range == pytest.approx(2)
    assert (limits.lower, limits.upper) == pytest.approx((5.68, 16.32))
    assert limits.sigma_line(1) == pytest.approx((11 - 1.773333, 11 + 1.773333), abs=1e-6)
    assert limits.sigma_line(2) == pytest.approx((7.453333, 14.546667), abs=1e-6)
    assert s.moving_ranges([3, 7, 4]) == (4, 3)


def test_moving_range_screening_excludes_ranges_above_upper_range_limit():
    values = [*BASE, 30.0]  # ranges: eleven of 2, one of 20; mean 42 / 12 = 3.5; 3.267 × 3.5 = 11.43
    screened = s.xmr_limits(values)
    assert screened.moving_ranges_excluded == 1
    assert screened.mean_moving_range == pytest.approx(2)
    unscreened = s.xmr_limits(values, screen_moving_ranges=False)
    assert unscreened.mean_moving_range == pytest.approx(3.5)
    assert unscreened.mean == pytest.approx(162 / 13)


def test_common_cause_series_has_no_signals():
    r = s.spc(BASE, direction=D.HIGHER_IS_BETTER)
    assert r.sufficient and r.variation_icon == V.COMMON_CAUSE
    assert all(not p.signals for p in r.points)
    assert r.points[0].moving_range is None and r.points[1].moving_range == 2


# --- The four tests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "side", "higher", "lower", "context"),
    [
        ([17.0], Side.HIGH, V.IMPROVING_HIGH, V.CONCERNING_HIGH, V.NEITHER_HIGH),
        ([5.0], Side.LOW, V.CONCERNING_LOW, V.IMPROVING_LOW, V.NEITHER_LOW),
    ],
)
def test_point_beyond_limits_and_direction(extra, side, higher, lower, context):
    for direction, icon in ((D.HIGHER_IS_BETTER, higher), (D.LOWER_IS_BETTER, lower), (D.CONTEXT_ONLY, context)):
        r = frozen(extra, direction=direction)
        assert signals_at(r, 12) == [(Check.BEYOND_LIMITS, side)]
        assert r.variation_icon == icon
    assert frozen([16.3]).points[12].signals == ()  # 16.3 is inside the limit: one near point alone is no signal


def test_two_of_three_beyond_two_sigma_same_side():
    r = frozen([15.0, 12.0, 15.0])  # 15 > 14.546667; 12 above the mean, so all three on one side
    assert signals_at(r, 12) == [(Check.TWO_OF_THREE, Side.HIGH)]
    assert signals_at(r, 13) == []  # the middle point is not itself beyond two sigma
    assert signals_at(r, 14) == [(Check.TWO_OF_THREE, Side.HIGH)]
    assert r.variation_icon == V.IMPROVING_HIGH
    opposite = frozen([15.0, 10.0, 15.0])  # the middle point is below the mean
    assert all(not p.signals for p in opposite.points)
    assert frozen([7.0, 10.0, 7.0], direction=D.HIGHER_IS_BETTER).variation_icon == V.CONCERNING_LOW


def test_shift_of_seven_and_points_on_the_mean_break_it():
    r = frozen([12.0] * 7)
    assert [i for i, p in enumerate(r.points) if p.signals] == list(range(12, 19))
    assert signals_at(r, 18) == [(Check.SHIFT, Side.HIGH)]
    assert r.variation_icon == V.IMPROVING_HIGH
    assert frozen([12.0] * 6).variation_icon == V.COMMON_CAUSE
    broken = frozen([12.0, 12.0, 12.0, 11.0, 12.0, 12.0, 12.0, 12.0])  # 11 is on the mean
    assert broken.variation_icon == V.COMMON_CAUSE
    assert frozen([12.0, 12.0, 12.0, 11.0, 12.0, 12.0, 12.0, 12.0], rules=s.Rules(shift_length=4)).points[
        -1
    ].signals == (Signal(Check.SHIFT, Side.HIGH),)


def test_trend_of_seven_rising_and_equal_values_break_it():
    r = frozen([10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5])  # from the baseline's last 10: eight rising
    assert [i for i, p in enumerate(r.points) if p.signals] == list(range(11, 19))
    assert signals_at(r, 18) == [(Check.TREND, Side.HIGH)]
    assert r.variation_icon == V.IMPROVING_HIGH
    assert frozen([10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5], direction=D.LOWER_IS_BETTER).variation_icon == (
        V.CONCERNING_HIGH
    )
    flat = frozen([10.5, 11.0, 11.0, 11.5, 12.0, 12.5, 13.0])
    assert flat.variation_icon == V.COMMON_CAUSE
    assert frozen([10.5, 11.0, 11.0, 11.5, 12.0, 12.5, 13.0], rules=s.Rules(trend_length=5)).points[-1].signals == (
        Signal(Check.TREND, Side.HIGH),
    )


def test_falling_trend_takes_precedence_but_all_tests_are_reported():
    r = frozen([9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5])
    last = r.points[-1]
    assert last.signals == (
        Signal(Check.TREND, Side.LOW),
        Signal(Check.TWO_OF_THREE, Side.LOW),
        Signal(Check.SHIFT, Side.LOW),
    )
    assert r.variation_icon == V.CONCERNING_LOW


def test_two_of_three_run_configuration():
    # one point beyond two sigma is not enough for two of three, but is for "one of one"
    assert frozen([15.0]).variation_icon == V.COMMON_CAUSE
    one = frozen([15.0], rules=s.Rules(near_limit_count=1, near_limit_window=1))
    assert one.variation_icon == V.IMPROVING_HIGH
    with pytest.raises(ValueError):
        s.Rules(near_limit_count=4, near_limit_window=3)


# --- Baselines, rebasing, too few points -----------------------------------------------------


def test_frozen_baseline_fixes_mean_and_limits():
    free = s.spc([*BASE, 30.0], direction=D.HIGHER_IS_BETTER)
    fixed = s.spc([*BASE, 30.0], direction=D.HIGHER_IS_BETTER, baseline_points=12)
    assert free.latest_limits.mean == pytest.approx(12.461538, abs=1e-6)
    assert fixed.latest_limits.mean == pytest.approx(11)
    assert (fixed.latest_limits.lower, fixed.latest_limits.upper) == pytest.approx((5.68, 16.32))
    assert fixed.latest_limits.baseline_points == 12


def test_rebase_at_change_date_gives_each_segment_its_own_limits():
    values = BASE + [22.0, 20.0] * 6
    dates = [date(2023, 4, 1) + timedelta(days=31 * i) for i in range(24)]
    plain = s.spc(values, dates=dates, direction=D.HIGHER_IS_BETTER)
    assert len(plain.segments) == 1 and plain.latest_limits.mean == pytest.approx(16)
    assert plain.variation_icon == V.IMPROVING_HIGH
    rebased = s.spc(values, dates=dates, change_dates=[dates[12]], direction=D.HIGHER_IS_BETTER)
    assert [seg.limits.mean for seg in rebased.segments] == pytest.approx([11, 21])
    assert (rebased.latest_limits.lower, rebased.latest_limits.upper) == pytest.approx((15.68, 26.32))
    assert [p.segment for p in rebased.points] == [0] * 12 + [1] * 12
    assert rebased.variation_icon == V.COMMON_CAUSE
    assert all(not p.signals for p in rebased.points)


def test_too_few_points_says_so():
    r = s.spc(BASE[:11], direction=D.HIGHER_IS_BETTER, target=11)
    assert not r.sufficient
    assert "11" in r.reason and "12" in r.reason
    assert isinstance(r.refusal, Refusal) and r.refusal.code == "spc_too_few_points"
    assert r.variation_icon is None and r.assurance_icon is None and r.segments == ()
    assert s.spc(BASE[:11], direction=D.HIGHER_IS_BETTER, rules=s.Rules(min_points=11)).sufficient
    assert not s.spc([], direction=D.HIGHER_IS_BETTER).sufficient


def test_short_segment_after_rebase_is_insufficient():
    values = BASE + [22.0, 20.0] * 3
    dates = [date(2024, 1, 1) + timedelta(days=i) for i in range(18)]
    r = s.spc(values, dates=dates, change_dates=[dates[12]], direction=D.HIGHER_IS_BETTER)
    assert not r.sufficient and "segment 2 of 2" in r.reason and "6" in r.reason


# --- Assurance and value status --------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "direction", "expected"),
    [
        (20, D.HIGHER_IS_BETTER, A.CONSISTENTLY_FAILING),
        (3, D.HIGHER_IS_BETTER, A.CONSISTENTLY_PASSING),
        (11, D.HIGHER_IS_BETTER, A.HIT_AND_MISS),
        (20, D.LOWER_IS_BETTER, A.CONSISTENTLY_PASSING),
        (3, D.LOWER_IS_BETTER, A.CONSISTENTLY_FAILING),
        (16.32 - 1e-9, D.LOWER_IS_BETTER, A.HIT_AND_MISS),
        (20, D.CONTEXT_ONLY, None),
        (None, D.HIGHER_IS_BETTER, None),
    ],
)
def test_assurance_icon(target, direction, expected):
    assert s.spc(BASE, direction=direction, target=target).assurance_icon == expected


@pytest.mark.parametrize(
    ("value", "direction", "trajectory", "tolerance", "expected_target", "expected_trajectory"),
    [
        (95, D.HIGHER_IS_BETTER, None, None, Status.MET, None),
        (94, D.HIGHER_IS_BETTER, None, 2, Status.WITHIN_TOLERANCE, None),
        (92, D.HIGHER_IS_BETTER, 90, 2, Status.MISSED, Status.MET),
        (92.5, D.HIGHER_IS_BETTER, 94, None, Status.MISSED, Status.MISSED),
        (500, D.LOWER_IS_BETTER, 480, 25, Status.MISSED, Status.WITHIN_TOLERANCE),
        (300, D.LOWER_IS_BETTER, None, None, Status.MET, None),
    ],
)
def test_value_status(value, direction, trajectory, tolerance, expected_target, expected_trajectory):
    target = 95 if direction == D.HIGHER_IS_BETTER else 400
    result = s.value_status(value, target=target, direction=direction, trajectory=trajectory, tolerance=tolerance)
    assert result == s.ValueStatus(target=expected_target, trajectory=expected_trajectory)


def test_value_status_refuses_context_only():
    assert isinstance(s.value_status(1, target=2, direction=D.CONTEXT_ONLY), Refusal)


# --- Outside reference: NHSRplotthedots' published test expectations -------------------------


def test_r_random_stream_rebuilds_the_reference_series():
    assert RRandom(123).rnorm(20) == pytest.approx(REF["rnorm_123_20"], abs=5e-9)


def _series(name):
    r = RRandom(123)
    base = r.rnorm(24) if name.startswith("icons") else r.rnorm(20)
    if name == "rnorm20":
        return base
    if name == "rnorm20_y15_10":
        return [*base[:14], 10.0, *base[15:]]
    if name == "rnorm20_first10":
        return base[:10]
    if name == "rnorm20_last10":
        return base[10:]
    if name == "icons_base":
        return base
    if name == "icons_base_f0":
        return base[:12]
    if name == "icons_base_f1":
        return base[12:]
    plus5 = base[:12] + r.rnorm(12, 5)
    if name == "icons_plus5":
        return plus5
    return base[:12] + r.rnorm(12, -5)  # icons_minus5


@pytest.mark.parametrize("case", REF["limits"], ids=lambda c: c["id"])
def test_reference_limits(case):
    values = _series(case["series"])
    rules = s.Rules(screen_moving_ranges=case["screen"], min_points=case.get("min_points", 12))
    r = s.spc(values, direction=D.HIGHER_IS_BETTER, rules=rules)
    assert r.sufficient
    limits = r.latest_limits
    assert limits.mean == pytest.approx(case["mean"], abs=case["tol"])
    assert limits.lower == pytest.approx(case["lpl"], abs=case["tol"])
    assert limits.upper == pytest.approx(case["upl"], abs=case["tol"])
    for key, got in (
        ("relative_to_mean_head", [s._sign(v - limits.mean) for v in values]),
        ("outside_limits_head", [Check.BEYOND_LIMITS in [g.test for g in p.signals] for p in r.points]),
        ("close_to_limits_head", [Check.TWO_OF_THREE in [g.test for g in p.signals] for p in r.points]),
    ):
        if key in case:
            assert got[: len(case[key])] == case[key]
    if "common_cause" in case:
        assert sum(p.point_type == s.PointType.COMMON_CAUSE for p in r.points) == case["common_cause"]
        assert sum(p.point_type == s.PointType.IMPROVEMENT for p in r.points) == case["improvement"]


PTD_DIRECTION = {"increase": D.HIGHER_IS_BETTER, "decrease": D.LOWER_IS_BETTER, "neutral": D.CONTEXT_ONLY}
PTD_VARIATION = {
    "common_cause.svg": V.COMMON_CAUSE,
    "improvement_high.svg": V.IMPROVING_HIGH,
    "improvement_low.svg": V.IMPROVING_LOW,
    "concern_high.svg": V.CONCERNING_HIGH,
    "concern_low.svg": V.CONCERNING_LOW,
    "neutral_high.svg": V.NEITHER_HIGH,
    "neutral_low.svg": V.NEITHER_LOW,
}
PTD_ASSURANCE = {
    None: None,
    "pass.svg": A.CONSISTENTLY_PASSING,
    "fail.svg": A.CONSISTENTLY_FAILING,
    "inconsistent.svg": A.HIT_AND_MISS,
    "consistent_pass": A.CONSISTENTLY_PASSING,
    "consistent_fail": A.CONSISTENTLY_FAILING,
    "inconsistent": A.HIT_AND_MISS,
}


@pytest.mark.parametrize("case", REF["icons"], ids=lambda c: c["id"])
def test_reference_icons(case):
    r = s.spc(_series(case["series"]), direction=PTD_DIRECTION[case["direction"]], target=case["target"])
    assert r.variation_icon == PTD_VARIATION[case["variation"]]
    assert r.assurance_icon == PTD_ASSURANCE[case["assurance"]]


def test_reference_two_of_three_needs_same_side():
    case = REF["opposite_sides_two_of_three"]
    r = s.spc(case["values"], direction=D.HIGHER_IS_BETTER)
    assert [p.point_type.value for p in r.points[-2:]] == case["last_two_point_types"]


def test_reference_rebase_groups():
    case = REF["rebase_groups"]
    dates = [date(2020, 1, 2) + timedelta(days=i) for i in range(case["n"])]
    r = s.spc(
        _series("rnorm20"),
        dates=dates,
        change_dates=[dates[case["rebase_at_point"] - 1]],
        direction=D.HIGHER_IS_BETTER,
        rules=s.Rules(min_points=10),
    )
    assert [p.segment for p in r.points] == case["rebase_group"]


@pytest.mark.parametrize("case", REF["seven_point_one_side_mean"])
def test_reference_shift_flags(case):
    assert s._shift_flags(case["input"], 7) == case["expected"]


@pytest.mark.parametrize("case", REF["part_of_seven_trend"])
def test_reference_part_of_run(case):
    assert [int(x) for x in s._part_of_run(case["input"], 7)] == case["expected"]


@pytest.mark.parametrize("case", REF["seven_point_trend"])
def test_reference_trend_flags(case):
    assert s._trend_flags(case["input"], 7) == case["expected"]


@pytest.mark.parametrize("case", REF["two_in_three"])
def test_reference_two_in_three(case):
    assert [int(x) for x in s._near_limit_windows(case["close"], case["rtm"], 2, 3)] == case["expected"]


@pytest.mark.parametrize("case", REF["part_of_two_in_three"])
def test_reference_part_of_two_in_three(case):
    windows = s._near_limit_windows(case["close"], case["rtm"], 2, 3)
    assert [int(w and bool(c)) for w, c in zip(windows, case["close"], strict=True)] == case["expected"]


@pytest.mark.parametrize("direction", ["increase", "decrease", "neutral"])
def test_reference_assurance(direction):
    case = REF["assurance"]
    got = [
        s.assurance_icon(target=case["target"], lower=lo, upper=up, direction=PTD_DIRECTION[direction])
        for lo, up in zip(case["lpl"], case["upl"], strict=True)
    ]
    assert got == [PTD_ASSURANCE[e] for e in case["expected"][direction]]

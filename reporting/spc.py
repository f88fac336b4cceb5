"""Statistical Process Control, as NHS England's "Making Data Count" (MDC) defines it.

Pure functions over plain values: no Django, no database, no clock. Callers pass in the series
(oldest first), the recorded change dates, the direction of improvement and the target.

Sources:
- MDC = NHS England, "Making Data Count: Strengthening your decisions" (2019, rev. 2021) and
  "Making Data Count: Getting started" (2019): XmR charts, the four special-cause tests, the
  variation and assurance icons, and the advice to use at least 12 (ideally 15-20) points.
- PTD = NHSRplotthedots, the NHS-R community's implementation of MDC (GitHub
  ``nhs-r-community/NHSRplotthedots``, files ``R/ptd_spc_standard.R``,
  ``R/ptd_calculate_point_type.R``, ``R/ptd_calculate_assurance_type.R``, ``R/geom_ptd_icon.R``).
  Where MDC leaves a detail open we follow PTD, and say so below, so that our results match
  its published test expectations (``tests/reporting/test_spc.py``).

Conventions taken from PTD (each is also noted where it is applied):
- Process limits are mean ± 2.66 × mean moving range [MDC]. One sigma is 2.66 / 3 × mean
  moving range (≈ mean MR / 1.128, the d2 constant for n = 2); PTD uses exactly 2.66 / 3, so do we.
- Moving ranges at or above 3.267 × the mean moving range (the upper range limit) are
  excluded and the mean moving range recomputed once, before the limits are set
  (PTD ``screen_outliers = TRUE``, its default). This can be switched off.
- A point exactly on the mean is on neither side, so it breaks a shift.
- Equal consecutive values break a trend (PTD compares ``sign(diff(y))``: 0 is neither rising
  nor falling).
- "Two of three beyond two sigma" counts only points between the two-sigma line and the
  process limit (a point beyond the limit is already its own signal), needs all three points on
  the same side of the mean, and flags only the points beyond two sigma.
- Every point in a qualifying run is flagged, not only the last. Where one point meets several
  tests the first of: beyond limits, trend, two of three, shift, decides its type (PTD
  ``ptd_special_cause_type``); all the tests it meets are still reported.
- Tests run within each segment (between change dates), never across a rebase.
- The variation icon is the type of the most recent point; the assurance icon compares the
  target with the most recent segment's limits (PTD ``ptd_get_icons``).
- Too few points: PTD warns when a segment has fewer than 12 points (its code compares
  ``n() < 13``, its message says "n < 12"); MDC advises at least 12 to set limits. Here a series
  whose baseline has fewer than ``min_points`` points (default 12) gets no limits and no icons.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from escalation.rules import Refusal

SOURCE_MDC = "NHS England, Making Data Count"
SOURCE_PTD = "NHSRplotthedots"

LIMIT_MULTIPLIER = 2.66  # process limits at mean ± 2.66 × mean moving range [MDC]
SIGMA_PER_MEAN_MOVING_RANGE = LIMIT_MULTIPLIER / 3  # ≈ 1 / 1.128 [MDC; PTD uses 2.66 / 3]
UPPER_RANGE_LIMIT_MULTIPLIER = 3.267  # moving ranges at or above this × mean MR are screened [PTD]
MINIMUM_POINTS = 12  # [MDC: "at least 12 data points" before calculating limits]


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    CONTEXT_ONLY = "context_only"


class Side(StrEnum):
    HIGH = "high"
    LOW = "low"


class SpecialCause(StrEnum):
    """The four MDC special-cause tests, in PTD's order of precedence."""

    BEYOND_LIMITS = "beyond_limits"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    SHIFT = "shift"


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEITHER_HIGH = "special_cause_neither_high"
    NEITHER_LOW = "special_cause_neither_low"


class VariationIcon(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVING_HIGH = "improving_high"
    IMPROVING_LOW = "improving_low"
    CONCERNING_HIGH = "concerning_high"
    CONCERNING_LOW = "concerning_low"
    NEITHER_HIGH = "neither_high"
    NEITHER_LOW = "neither_low"


class AssuranceIcon(StrEnum):
    CONSISTENTLY_PASSING = "consistently_passing"
    CONSISTENTLY_FAILING = "consistently_failing"
    HIT_AND_MISS = "hit_and_miss"


class Status(StrEnum):
    MET = "met"
    WITHIN_TOLERANCE = "within_tolerance"
    MISSED = "missed"


@dataclass(frozen=True)
class Rules:
    """The tunable parts of the MDC tests; the defaults are MDC's."""

    shift_length: int = 7  # points in a row on one side of the mean [MDC]
    trend_length: int = 7  # points in a row all rising or all falling [MDC]
    near_limit_count: int = 2  # "two of three" beyond two sigma [MDC]
    near_limit_window: int = 3
    min_points: int = MINIMUM_POINTS
    screen_moving_ranges: bool = True  # [PTD screen_outliers, default TRUE]

    def __post_init__(self):
        for name in ("shift_length", "trend_length", "near_limit_count", "near_limit_window"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.trend_length < 2:
            raise ValueError("trend_length must be at least 2")
        if self.near_limit_count > self.near_limit_window:
            raise ValueError("near_limit_count cannot exceed near_limit_window")
        if self.min_points < 2:
            raise ValueError("min_points must be at least 2: limits need a moving range")


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Signal:
    test: SpecialCause
    side: Side


@dataclass(frozen=True)
class Limits:
    """One segment's XmR centre line and limits, from its baseline points [MDC]."""

    mean: float
    mean_moving_range: float
    baseline_points: int
    moving_ranges_used: int
    moving_ranges_excluded: int

    @property
    def sigma(self) -> float:
        return SIGMA_PER_MEAN_MOVING_RANGE * self.mean_moving_range

    @property
    def lower(self) -> float:
        return self.mean - LIMIT_MULTIPLIER * self.mean_moving_range

    @property
    def upper(self) -> float:
        return self.mean + LIMIT_MULTIPLIER * self.mean_moving_range

    def sigma_line(self, k: int) -> tuple[float, float]:
        """The lower and upper ``k``-sigma lines (k = 1, 2; 3 is the process limits)."""
        return self.mean - k * self.sigma, self.mean + k * self.sigma


@dataclass(frozen=True)
class Segment:
    start: int  # index of its first point in the series
    end: int  # index one past its last point
    limits: Limits


@dataclass(frozen=True)
class Point:
    index: int
    value: float
    segment: int
    moving_range: float | None
    signals: tuple[Signal, ...]  # every test the point meets, in PTD's order of precedence
    point_type: PointType

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)


@dataclass(frozen=True)
class SpcResult:
    sufficient: bool
    reason: str = ""
    refusal: Refusal | None = None
    segments: tuple[Segment, ...] = ()
    points: tuple[Point, ...] = ()
    variation_icon: VariationIcon | None = None
    assurance_icon: AssuranceIcon | None = None
    direction: Direction = Direction.CONTEXT_ONLY
    notes: tuple[str, ...] = field(default=())

    @property
    def latest_limits(self) -> Limits | None:
        return self.segments[-1].limits if self.segments else None


# --- XmR --------------------------------------------------------------------------------------


def moving_ranges(values: Sequence[float]) -> tuple[float, ...]:
    """|x_i − x_{i−1}| for consecutive points: one fewer than the values [MDC]."""
    return tuple(abs(b - a) for a, b in itertools.pairwise(values))


def xmr_limits(
    values: Sequence[float],
    *,
    baseline_points: int | None = None,
    screen_moving_ranges: bool = True,
) -> Limits:
    """Mean and mean moving range of the first ``baseline_points`` values (all by default).

    MDC: process limits at mean ± 2.66 × mean moving range. With ``screen_moving_ranges`` the
    moving ranges at or above the upper range limit (3.267 × mean MR) are dropped and the mean
    recomputed once, as PTD's ``ptd_spc_standard`` does by default. Raises ``ValueError`` when
    fewer than two baseline values are given.
    """
    base = list(values[:baseline_points] if baseline_points else values)
    if len(base) < 2:
        raise ValueError("at least two values are needed for a moving range")
    mean = sum(base) / len(base)
    ranges = moving_ranges(base)
    amr = sum(ranges) / len(ranges)
    kept = ranges
    if screen_moving_ranges:
        # PTD keeps ``mr < 3.267 * amr``: a range equal to the upper range limit is dropped too.
        kept = tuple(r for r in ranges if r < UPPER_RANGE_LIMIT_MULTIPLIER * amr)
        if kept:
            amr = sum(kept) / len(kept)
        else:  # all ranges zero: nothing to screen
            kept = ranges
    return Limits(
        mean=mean,
        mean_moving_range=amr,
        baseline_points=len(base),
        moving_ranges_used=len(kept),
        moving_ranges_excluded=len(ranges) - len(kept),
    )


# --- Special-cause tests ----------------------------------------------------------------------


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _part_of_run(flags: Sequence[int], length: int) -> list[bool]:
    """A point belongs to a run if a run of ``length`` ends at it or at one of the next
    ``length − 1`` points (PTD ``ptd_part_of_seven_trend``)."""
    n = len(flags)
    return [any(flags[j] for j in range(i, min(n, i + length))) for i in range(n)]


def _shift_flags(relative: Sequence[int], length: int) -> list[int]:
    """1 where the last ``length`` points are all above, or all below, the mean; a point on the
    mean breaks the run (PTD ``ptd_seven_point_one_side_mean``)."""
    out = []
    for i in range(len(relative)):
        window = relative[i - length + 1 : i + 1] if i >= length - 1 else []
        same = window and window[0] != 0 and all(r == window[0] for r in window)
        out.append(1 if same else 0)
    return out


def _trend_flags(values: Sequence[float], length: int) -> list[int]:
    """+1/−1 where the last ``length`` points each rise/fall strictly (equal values break)."""
    out = []
    for i in range(len(values)):
        if i < length - 1:
            out.append(0)
            continue
        steps = {_sign(values[j] - values[j - 1]) for j in range(i - length + 2, i + 1)}
        out.append(steps.pop() if len(steps) == 1 and 0 not in steps else 0)
    return out


def _near_limit_windows(near: Sequence[bool], relative: Sequence[int], needed: int, window: int) -> list[bool]:
    """Points lying in a window of ``window`` consecutive points, all on one side of the mean, of
    which at least ``needed`` are beyond two sigma (PTD ``ptd_two_in_three``)."""
    n = len(near)
    flags = [False] * n
    for start in range(0, n - window + 1):
        idx = range(start, start + window)
        side = relative[start]
        if side != 0 and all(relative[i] == side for i in idx) and sum(bool(near[i]) for i in idx) >= needed:
            for i in idx:
                flags[i] = True
    return flags


def special_causes(
    values: Sequence[float],
    *,
    limits: Limits,
    rules: Rules = DEFAULT_RULES,
) -> tuple[tuple[Signal, ...], ...]:
    """Per point, the MDC special-cause tests it meets and on which side, for one segment.

    Follows PTD ``ptd_special_cause_type``: all points of a qualifying run are flagged; the
    signals come in PTD's precedence (beyond limits, trend, two of three, shift).
    """
    n = len(values)
    mean = limits.mean
    relative = [_sign(v - mean) for v in values]
    outside = [v > limits.upper or v < limits.lower for v in values]
    low2, high2 = limits.sigma_line(2)
    near = [not outside[i] and (values[i] < low2 or values[i] > high2) for i in range(n)]

    trend = _part_of_run(_trend_flags(values, rules.trend_length), rules.trend_length)
    shift = _part_of_run(_shift_flags(relative, rules.shift_length), rules.shift_length)

    in_window = _near_limit_windows(near, relative, rules.near_limit_count, rules.near_limit_window)
    two_of_three = [flag and close for flag, close in zip(in_window, near, strict=True)]

    def side_of(r: int) -> Side:
        return Side.HIGH if r > 0 else Side.LOW

    result = []
    for i in range(n):
        signals = []
        if outside[i]:
            signals.append(Signal(SpecialCause.BEYOND_LIMITS, side_of(relative[i])))
        if trend[i]:
            # PTD: if this point and the next are both in a trend, the direction is the step to
            # the next point, otherwise the step from the previous one; anything but a rise
            # counts as falling.
            if i + 1 < n and trend[i + 1]:
                step = _sign(values[i + 1] - values[i])
            else:
                step = _sign(values[i] - values[i - 1]) if i > 0 else 0
            signals.append(Signal(SpecialCause.TREND, Side.HIGH if step == 1 else Side.LOW))
        if two_of_three[i]:
            signals.append(Signal(SpecialCause.TWO_OF_THREE, side_of(relative[i])))
        if shift[i]:
            signals.append(Signal(SpecialCause.SHIFT, side_of(relative[i])))
        result.append(tuple(signals))
    return tuple(result)


def point_type(signals: Sequence[Signal], direction: Direction) -> PointType:
    """Improvement, concern or neither, from the point's leading signal [MDC; PTD ``ptd_point_type``]."""
    if not signals:
        return PointType.COMMON_CAUSE
    side = signals[0].side
    if direction == Direction.CONTEXT_ONLY:
        return PointType.NEITHER_HIGH if side == Side.HIGH else PointType.NEITHER_LOW
    good = Side.HIGH if direction == Direction.HIGHER_IS_BETTER else Side.LOW
    return PointType.IMPROVEMENT if side == good else PointType.CONCERN


def variation_icon(latest: PointType, direction: Direction) -> VariationIcon:
    """The MDC variation icon for the most recent point (PTD ``ptd_get_icons``)."""
    higher = direction == Direction.HIGHER_IS_BETTER
    return {
        PointType.COMMON_CAUSE: VariationIcon.COMMON_CAUSE,
        PointType.NEITHER_HIGH: VariationIcon.NEITHER_HIGH,
        PointType.NEITHER_LOW: VariationIcon.NEITHER_LOW,
        PointType.IMPROVEMENT: VariationIcon.IMPROVING_HIGH if higher else VariationIcon.IMPROVING_LOW,
        PointType.CONCERN: VariationIcon.CONCERNING_LOW if higher else VariationIcon.CONCERNING_HIGH,
    }[latest]


def assurance_icon(*, target: float | None, lower: float, upper: float, direction: Direction) -> AssuranceIcon | None:
    """MDC assurance: will the process reliably meet the target? (PTD ``ptd_calculate_assurance_type``).

    Target beyond the upper limit: consistently failing if higher is better, passing if lower
    is; beyond the lower limit the reverse; between the limits (inclusive), hit and miss. None
    without a target or for a context-only measure.
    """
    if target is None or direction == Direction.CONTEXT_ONLY:
        return None
    higher = direction == Direction.HIGHER_IS_BETTER
    if target > upper:
        return AssuranceIcon.CONSISTENTLY_FAILING if higher else AssuranceIcon.CONSISTENTLY_PASSING
    if target < lower:
        return AssuranceIcon.CONSISTENTLY_PASSING if higher else AssuranceIcon.CONSISTENTLY_FAILING
    return AssuranceIcon.HIT_AND_MISS


# --- The whole chart --------------------------------------------------------------------------


def _segment_starts(dates: Sequence[date], change_dates: Sequence[date]) -> list[int]:
    starts = {0}
    for change in change_dates:
        first = next((i for i, d in enumerate(dates) if d >= change), None)
        if first is not None:
            starts.add(first)
    return sorted(starts)


def _insufficient(reason: str, code: str, direction: Direction) -> SpcResult:
    return SpcResult(
        sufficient=False,
        reason=reason,
        refusal=Refusal(code, f"{reason} ({SOURCE_MDC})."),
        direction=direction,
    )


def spc(
    values: Sequence[float],
    *,
    direction: Direction | str,
    dates: Sequence[date] | None = None,
    change_dates: Sequence[date] = (),
    baseline_points: int | None = None,
    target: float | None = None,
    rules: Rules = DEFAULT_RULES,
) -> SpcResult:
    """An MDC XmR chart for ``values`` (oldest first), with signals and icons.

    - ``change_dates``: recorded changes; each starts a segment at the first point dated on or
      after it, with its own mean and limits (MDC "recalculating limits"; PTD ``rebase``).
    - ``baseline_points``: fix ("freeze") each segment's mean and limits on its first N points
      (PTD ``fix_after_n_points``); later points are judged against them.
    - A segment whose baseline has fewer than ``rules.min_points`` points makes the result
      insufficient: no limits, no icons, and a reason.
    """
    direction = Direction(direction)
    values = [float(v) for v in values]
    if any(not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    if dates is not None and len(dates) != len(values):
        raise ValueError("dates and values must be the same length")
    if dates is not None and any(b <= a for a, b in itertools.pairwise(dates)):
        raise ValueError("dates must be strictly increasing")
    if change_dates and dates is None:
        raise ValueError("change dates need the dates of the points")
    if baseline_points is not None and baseline_points < 2:
        raise ValueError("baseline_points must be at least 2")
    if not values:
        return _insufficient(f"No points: at least {rules.min_points} are needed", "spc_no_points", direction)

    starts = _segment_starts(dates, change_dates) if dates is not None else [0]
    bounds = list(zip(starts, [*starts[1:], len(values)], strict=True))
    segments: list[Segment] = []
    for number, (start, end) in enumerate(bounds, start=1):
        size = end - start
        base = min(size, baseline_points) if baseline_points else size
        if base < rules.min_points:
            where = "" if len(bounds) == 1 else f" in segment {number} of {len(bounds)} (from point {start + 1})"
            return _insufficient(
                f"Too few points{where}: {base} in the baseline, at least {rules.min_points} are needed "
                "to set process limits",
                "spc_too_few_points",
                direction,
            )
        limits = xmr_limits(
            values[start:end], baseline_points=baseline_points, screen_moving_ranges=rules.screen_moving_ranges
        )
        segments.append(Segment(start=start, end=end, limits=limits))

    points: list[Point] = []
    for number, seg in enumerate(segments):
        chunk = values[seg.start : seg.end]
        signals = special_causes(chunk, limits=seg.limits, rules=rules)
        for offset, (value, sig) in enumerate(zip(chunk, signals, strict=True)):
            i = seg.start + offset
            points.append(
                Point(
                    index=i,
                    value=value,
                    segment=number,
                    moving_range=abs(value - values[i - 1]) if offset else None,
                    signals=sig,
                    point_type=point_type(sig, direction),
                )
            )

    return SpcResult(
        sufficient=True,
        segments=tuple(segments),
        points=tuple(points),
        variation_icon=variation_icon(points[-1].point_type, direction),
        assurance_icon=assurance_icon(
            target=target, lower=segments[-1].limits.lower, upper=segments[-1].limits.upper, direction=direction
        ),
        direction=direction,
    )


# --- Status against target and trajectory -----------------------------------------------------


@dataclass(frozen=True)
class ValueStatus:
    target: Status | None
    trajectory: Status | None


def _status(value: float, *, aim: float, higher: bool, tolerance: float | None) -> Status:
    gap = (aim - value) if higher else (value - aim)  # how far short of the aim; ≤ 0 means met
    if gap <= 0:
        return Status.MET
    if tolerance is not None and gap <= tolerance:
        return Status.WITHIN_TOLERANCE
    return Status.MISSED


def value_status(
    value: float,
    *,
    target: float | None,
    direction: Direction | str,
    trajectory: float | None = None,
    tolerance: float | None = None,
) -> ValueStatus | Refusal:
    """Met, within tolerance, or missed, against the target and (if any) the trajectory.

    Met means on the good side of the aim or on it; within tolerance means short of it by no
    more than ``tolerance`` (in the measure's units); otherwise missed. A context-only measure
    has no good side, so it is refused.
    """
    direction = Direction(direction)
    if direction == Direction.CONTEXT_ONLY:
        return Refusal(
            "status_context_only", "A context-only measure has no improvement direction, so no target status."
        )
    if tolerance is not None and tolerance < 0:
        raise ValueError("tolerance cannot be negative")
    higher = direction == Direction.HIGHER_IS_BETTER
    return ValueStatus(
        target=None if target is None else _status(value, aim=target, higher=higher, tolerance=tolerance),
        trajectory=None if trajectory is None else _status(value, aim=trajectory, higher=higher, tolerance=tolerance),
    )

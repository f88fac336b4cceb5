"""Demo performance packs, so the reporting pages, SPC charts and early warnings have something
to show. Loaded by ``seed_demo`` (demo mode only), after the organisations and escalation demo
data; the numbers are illustrative, generated, and not any organisation's real performance.

What ``seed()`` loads, for every statutory organisation that holds an escalation level:

- ``months`` (36) released monthly packs ending with the last complete month, holding a value
  for every measure ``selectors.pack_measures`` says applies that month. Values come from a
  baseline per measure (its level and spread from its unit, national target and direction, an
  organisation's size and how well it generally performs) plus seeded random noise, so they
  are the same on every run. Percentages stay within 0-100, counts are whole and not
  negative, yes/no measures are 0 or 1, £ million figures sit around zero for trusts and in
  deficit for most health boards.
- The designed stories (module constants): one deteriorating organisation and measure
  (``DETERIORATING``), a few improving ones (``IMPROVING``), one step change with a recorded
  ``ChangePoint`` so its chart rebases (``STEP``), a stable organisation (``STABLE``), a few
  trajectories on track and one missed three months running (``TRAJECTORY_MISSED``).
- A narrative for every pillar and two risks on each organisation's latest pack, a deep-dive
  topic on each quarter-end pack of the last year, 90 days of daily values for the system
  dashboard, and a measure binding for one de-escalation criterion of the escalation demo.
- The demo submitter's organisation gets a draft pack with no values for the current month,
  so that a person trying the demo can fill in or upload one.

Exactly the designed early warnings. ``analytics.early_warnings`` raises a concern for every
organisation and measure whose latest released point is a concerning special cause, and for
every trajectory missed three released months running. Random noise over hundreds of series
would raise a few by chance, so each series is drawn, judged with the analytics' own
functions (``analytics.chart``, ``analytics.concerning_episode_start`` and the trajectory
check), and drawn again with the next sub-seed until it shows what it was designed to show:
the latest point common cause for an ordinary series (never a concern for rare-event counts,
whose runs of zeros are bound to signal), no special cause anywhere for the stable
organisation (no concern anywhere for its rare events), a concern beginning exactly
``DETERIORATING_MONTHS`` months ago for the deteriorating one, and so on. Series are drawn
from index 0, not from calendar months, so the design holds whatever the date; drawing is
deterministic, so the set of warnings the demo raises is ``Summary.expected_warnings``.

Speed. Rows are written with ``simple_history.utils.bulk_create_with_history`` (a few
queries per table, with a history row for each, as the services would have written). That
is fast enough: ``seed()`` writes about 11,000 values and 2,600 daily values for the 12
organisations, and runs the early warnings, in about 7-8 seconds on SQLite, most of it in
the inserts (drawing and judging every series takes under half a second). ``generate`` is
the deterministic core (no escalation demo needed), for tests that want three years of
released data quickly.

The measure catalogue is loaded by ``seed_reference`` (``reporting.reference.seed``, like
every app's reference data); ``generate`` and ``seed`` load it themselves only if it is empty.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS

from . import analytics, reference, rules, selectors, spc
from .choices import Comparison, Direction, Frequency, PackStatus, Pillar, Unit, ValueSource
from .models import (
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

SOURCE = "Demo data"
DEFAULT_SEED = 20261115
MONTHS = 36
DAILY_DAYS = 90
MAX_DRAWS = 400  # sub-seeds tried per series before the design is declared impossible

# --- The designed stories ---------------------------------------------------------------------

# (organisation code, measure code). Only this pair ends with a concerning special cause: its
# last ``DETERIORATING_MONTHS`` months are beyond the process limit on the bad side.
DETERIORATING = ("SBUHB", "UEC-ED12H")
DETERIORATING_MONTHS = 4
# An organisation with no special cause in any series (rare-event counts aside), so no warning.
STABLE = "PTHB"
# Sustained improvement over the last ``IMPROVING_MONTHS`` months: the latest point is a
# special cause of improvement.
IMPROVING = (("ABUHB", "PC-RTT104"), ("HDUHB", "CAN-SCP62"), ("BCUHB", "F-FORECAST"))
IMPROVING_MONTHS = 9
# A step improvement ``STEP_MONTHS`` months before the end, with a change point recorded
# there: the chart rebases, and the new segment is common cause.
STEP = ("CAVUHB", "UEC-HO15")
STEP_MONTHS = 18
STEP_REASON = (
    "Demo data: an ambulance handover unit opened at the University Hospital of Wales this month, "
    "changing the handover process, so the limits are recalculated from here."
)
# Agreed trajectories for the last ``TRAJECTORY_MONTHS`` months: one missed the last three
# released months running (a warning), the others on track or within tolerance.
TRAJECTORY_MISSED = ("CTMUHB", "PC-RTT52")
TRAJECTORIES_ON_TRACK = (("BCUHB", "UEC-ED4H"), ("ABUHB", "PC-RTT104"), ("HDUHB", "CAN-SCP62"))
TRAJECTORY_MONTHS = 12


def submitter_organisation_code() -> str:
    """The organisation of the demo submitter (organisations' demo sign-ins)."""
    from organisations.demo import DEMO_USERS

    return next(code for username, _f, _l, code, _r, _t in DEMO_USERS if username == "submitter")


# --- Baselines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How an organisation's demo numbers look: ``size`` scales counts (1 ≈ an average health
    board), ``performance`` (-1 poor to +1 good) moves levels towards or away from target, and
    ``drift`` (in standard deviations over the window, + improving) tilts every series."""

    size: float = 1.0
    performance: float = 0.0
    drift: float = 0.0


PROFILES = {
    "BCUHB": Profile(size=1.55, performance=-0.8, drift=0.4),
    "HDUHB": Profile(size=0.85, performance=-0.4, drift=-0.6),
    "SBUHB": Profile(size=0.85, performance=-0.2, drift=-0.4),
    "CAVUHB": Profile(size=1.1, performance=0.2, drift=0.5),
    "CTMUHB": Profile(size=1.0, performance=-0.5, drift=-0.5),
    "ABUHB": Profile(size=1.3, performance=0.1, drift=0.6),
    "PTHB": Profile(size=0.3, performance=0.6, drift=0.0),
    "WAST": Profile(performance=-0.3, drift=0.3),
    "VUNHST": Profile(performance=0.3),
    "PHW": Profile(performance=0.2),
    "DHCW": Profile(performance=0.3),
    "HEIW": Profile(performance=0.4),
}


@dataclass(frozen=True)
class Baseline:
    """A measure's demo level and spread for an average organisation. With ``relative`` the
    spread and swing are fractions of the level; with ``scaled`` the level grows with the
    organisation's size; ``swing`` is how far performance -1..+1 moves the level (towards
    the good side); ``poisson`` draws rare-event counts."""

    level: float
    spread: float
    swing: float = 0.0
    places: int = 1
    relative: bool = False
    scaled: bool = False
    poisson: bool = False


def _count(level, spread=0.06, swing=0.25, scaled=True) -> Baseline:
    return Baseline(level, spread, swing, places=0, relative=True, scaled=scaled)


BASELINES = {
    "UEC-ED4H": Baseline(67, 2.0, 5),
    "UEC-ED12H": _count(1400, 0.07),
    "UEC-RED8": Baseline(50, 2.5, 4),
    "UEC-REDCALLS": _count(4800, 0.05, 0, scaled=False),
    "UEC-PURPLE-MED": Baseline(7.4, 0.3, 0.4, places=2),
    "UEC-RED-MED": Baseline(9.3, 0.4, 0.5, places=2),
    "UEC-HO15": Baseline(30, 3.0, 8),
    "UEC-HO60": _count(650, 0.09, 0.3),
    "UEC-LOSTHRS": _count(2700, 0.09, 0.3),
    "UEC-POCD": _count(190, 0.06, 0.2),
    "PC-RTT-TOTAL": _count(110000, 0.012, 0.1),
    "PC-RTT26": Baseline(58, 1.0, 4),
    "PC-RTT36": _count(38000, 0.025, 0.2),
    "PC-RTT52": _count(13000, 0.03, 0.3),
    "PC-RTT104": _count(1200, 0.06, 0.4),
    "PC-OP52": _count(7000, 0.04, 0.3),
    "PC-DIAG8": _count(5500, 0.06, 0.3),
    "PC-THER14": _count(1300, 0.08, 0.4),
    "CAN-SCP62": Baseline(61, 2.5, 6),
    "MH-P1A": Baseline(74, 4, 8),
    "MH-P1B": Baseline(80, 4, 8),
    "MH-CAMHS-P1A": Baseline(45, 7, 15),
    "MH-CAMHS-P1B": Baseline(62, 6, 12),
    "MH-P2-CTP": Baseline(79, 2, 5),
    "MH-P3-10D": Baseline(90, 2.5, 4),
    "MH-PSYT26": Baseline(58, 4, 8),
    "Q-CDIFF": Baseline(28, 4, 5),
    "Q-SAB": Baseline(24, 3, 4),
    "Q-ECOLI": Baseline(78, 6, 8),
    "Q-KLEB": Baseline(19, 2.5, 3),
    "Q-PAER": Baseline(6, 1.0, 1),
    "Q-ROSC": Baseline(25, 2, 2),
    "Q-NEVER": Baseline(0.4, 0, 0.3, places=0, scaled=True, poisson=True),
    "Q-111ANS": Baseline(90, 3, 3),
    "W-SICK": Baseline(6.3, 0.15, 0.6, places=2),
    "W-PADR": Baseline(70, 2, 8),
    "W-STATMAND": Baseline(82, 1.5, 5),
    "W-AGENCY": Baseline(4.5, 0.4, 1.5, places=2),
    "F-BREAKEVEN": Baseline(-30, 1.0, 20, scaled=True),
    "F-FORECAST": Baseline(-15, 1.2, 12, scaled=True),
    "F-PSPP": Baseline(94, 1.0, 2),
}
# Where a kind of body, or one body, differs from a health board.
KIND_BASELINES = {
    ("trust", "F-BREAKEVEN"): Baseline(0.4, 0.1, 0.3, places=2),
    ("trust", "F-FORECAST"): Baseline(0.1, 0.15, 0.2, places=2),
    ("trust", "Q-NEVER"): Baseline(0.2, 0, 0.3, places=0, poisson=True),
    ("special_health_authority", "Q-NEVER"): Baseline(0, 0, places=0, poisson=True),
}
ORGANISATION_BASELINES = {
    ("VUNHST", "PC-RTT-TOTAL"): _count(1500, 0.03, 0.1, scaled=False),
    ("VUNHST", "Q-CDIFF"): Baseline(9, 1.5, 2),
    ("VUNHST", "Q-SAB"): Baseline(8, 1.2, 1.5),
    ("VUNHST", "Q-ECOLI"): Baseline(20, 2.5, 3),
    ("VUNHST", "Q-KLEB"): Baseline(6, 1.0, 1),
    ("VUNHST", "Q-PAER"): Baseline(2.5, 0.5, 0.5),
    ("PHW", "Q-NEVER"): Baseline(0, 0, places=0, poisson=True),
}
# The health boards and trusts whose three-year plan is not approved in the demo.
IMTP_NOT_APPROVED_BELOW = -0.3  # performance below this: no approvable IMTP

UNIT_PLACES = {
    Unit.PERCENT: 1,
    Unit.COUNT: 0,
    Unit.MINUTES: 2,
    Unit.HOURS: 0,
    Unit.RATE_PER_100000: 1,
    Unit.GBP_MILLIONS: 1,
    Unit.YES_NO: 0,
}


def _good(measure: Measure) -> int:
    """+1 when higher is better, -1 when lower is, 0 for a context-only measure."""
    return {Direction.HIGHER: 1, Direction.LOWER: -1}.get(measure.direction, 0)


def generic_baseline(measure: Measure) -> Baseline:
    """A sensible baseline from the measure's unit, national target and direction, for a
    measure the demo does not know by code (e.g. one an administrator added)."""
    target = float(measure.national_target) if measure.national_target is not None else None
    good = _good(measure)
    places = UNIT_PLACES.get(measure.unit, 1)
    if measure.unit == Unit.PERCENT:
        if target is not None and good:
            return Baseline(min(max(target - 12 * good, 5), 95), 2.5, 5)
        return Baseline(8 if good < 0 else 75, 2.5, 5)
    if measure.unit in (Unit.COUNT, Unit.HOURS):
        return Baseline(400, 0.08, 0.25, places=places, relative=True, scaled=True)
    if measure.unit == Unit.MINUTES:
        return Baseline(target * 1.2 if target else 8.5, 0.35, 0.5, places=2)
    if measure.unit == Unit.RATE_PER_100000:
        return Baseline(20, 2.5, 3)
    if measure.unit == Unit.GBP_MILLIONS:
        return Baseline(-8, 1.2, 6, scaled=True)
    if measure.unit == Unit.YES_NO:
        return Baseline(1, 0, places=0)
    return Baseline(50, 3, 5, places=places)


def baseline_for(organisation, measure: Measure) -> Baseline:
    return (
        ORGANISATION_BASELINES.get((organisation.code, measure.code))
        or KIND_BASELINES.get((organisation.kind, measure.code))
        or BASELINES.get(measure.code)
        or generic_baseline(measure)
    )


@dataclass(frozen=True)
class Level:
    """A measure's level and spread for one organisation, in the measure's unit."""

    mean: float
    sd: float
    places: int
    poisson: bool


def level_for(organisation, measure: Measure) -> Level:
    base = baseline_for(organisation, measure)
    profile = PROFILES.get(organisation.code, Profile())
    good = _good(measure)
    size = profile.size if base.scaled else 1.0
    if measure.unit == Unit.YES_NO:
        return Level(1.0 if profile.performance >= IMTP_NOT_APPROVED_BELOW else 0.0, 0.0, 0, False)
    if base.poisson:
        return Level(max(0.0, base.level * size * (1 - profile.performance * base.swing)), 0.0, 0, True)
    if base.relative:
        mean = base.level * size * (1 + profile.performance * base.swing * good)
        return Level(mean, base.spread * mean, base.places, False)
    mean = (base.level + profile.performance * base.swing * good) * size
    return Level(mean, base.spread * size, base.places, False)


# --- Months -----------------------------------------------------------------------------------


def add_months(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def demo_months(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the ``months`` months ending with the last complete month before
    ``today``, oldest first."""
    last = add_months(today.replace(day=1), -1)
    return [add_months(last, offset) for offset in range(-(months - 1), 1)]


# --- One series -------------------------------------------------------------------------------


@dataclass
class SeriesPlan:
    """One organisation's designed values for one measure, and what it was designed to show."""

    organisation: Organisation
    measure: Measure
    role: str  # background, stable, deteriorating, improving, step
    periods: list[date]
    values: list[Decimal] = field(default_factory=list)
    expected: list[float] = field(default_factory=list)  # the noise-free path
    trajectory: list[tuple[date, Decimal, Decimal]] = field(default_factory=list)
    change_on: date | None = None
    warnings: list[str] = field(default_factory=list)
    draws: int = 0


def _round(value: float, measure: Measure, level: Level) -> Decimal:
    if measure.unit == Unit.PERCENT:
        value = min(100.0, max(0.0, value))
    elif measure.unit == Unit.YES_NO:
        value = 1.0 if value >= 0.5 else 0.0
    elif measure.unit in (Unit.COUNT, Unit.MINUTES, Unit.HOURS, Unit.RATE_PER_100000):
        value = max(0.0, value)
    places = 0 if measure.unit in (Unit.COUNT, Unit.YES_NO) else level.places
    number = Decimal(repr(round(value, places))).quantize(Decimal(1).scaleb(-places))
    return number + 0  # no negative zero


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _rng(key: str) -> random.Random:
    """A generator seeded by a string: the same draws on every run and every machine."""
    return random.Random(key)  # noqa: S311 - demo numbers, not security


def _noise(rng: random.Random) -> float:
    """Standard normal noise, bounded at ±2.5: no freak points beyond the process limits."""
    return max(-2.5, min(2.5, rng.gauss(0.0, 1.0)))


def _role(organisation_code: str, measure_code: str, points: int) -> str:
    pair = (organisation_code, measure_code)
    if pair == DETERIORATING and points >= spc.MINIMUM_POINTS + DETERIORATING_MONTHS:
        return "deteriorating"
    if pair in IMPROVING and points >= spc.MINIMUM_POINTS + IMPROVING_MONTHS:
        return "improving"
    if pair == STEP and points >= spc.MINIMUM_POINTS + STEP_MONTHS:
        return "step"
    if organisation_code == STABLE:
        return "stable"
    return "background"


def _trajectory_kind(organisation_code: str, measure_code: str, points: int) -> str | None:
    if points < max(TRAJECTORY_MONTHS, spc.MINIMUM_POINTS):
        return None
    pair = (organisation_code, measure_code)
    if pair == TRAJECTORY_MISSED:
        return "missed"
    if pair in TRAJECTORIES_ON_TRACK:
        return "on_track"
    return None


def _path(plan: SeriesPlan, level: Level) -> list[float]:
    """The noise-free path: the level, the organisation's drift, and the designed pattern."""
    n = len(plan.periods)
    good = _good(plan.measure)
    drift = 0.0 if plan.role in ("step", "stable") else PROFILES.get(plan.organisation.code, Profile()).drift
    path = [level.mean + drift * level.sd * good * (i / max(1, n - 1) - 0.5) for i in range(n)]
    if plan.role == "deteriorating":
        for j, lift in enumerate((4.6, 5.0, 5.6, 6.2)[-DETERIORATING_MONTHS:]):
            path[n - DETERIORATING_MONTHS + j] -= good * lift * level.sd
    elif plan.role == "improving":
        for j in range(IMPROVING_MONTHS):
            path[n - IMPROVING_MONTHS + j] += good * 4.0 * level.sd * (j + 1) / IMPROVING_MONTHS
    elif plan.role == "step":
        for i in range(n - STEP_MONTHS, n):
            path[i] += good * 4.0 * level.sd
    return path


def _trajectory_values(plan: SeriesPlan, kind: str, level: Level) -> list[tuple[date, Decimal, Decimal]]:
    """Agreed values for the last ``TRAJECTORY_MONTHS`` months, from the noise-free path: a
    little less ambitious than it when on track; ever more ambitious than delivery when missed."""
    good = _good(plan.measure)
    tolerance = _round(level.sd, plan.measure, level)
    out = []
    start = len(plan.periods) - TRAJECTORY_MONTHS
    for j in range(TRAJECTORY_MONTHS):
        expected = plan.expected[start + j]
        if kind == "missed":
            aim = expected + good * level.sd * (0.2 + 3.8 * j / (TRAJECTORY_MONTHS - 1))
        else:
            aim = expected - good * 0.5 * level.sd
        out.append((plan.periods[start + j], _round(aim, plan.measure, level), tolerance))
    return out


def _chart(plan: SeriesPlan, values: list[float], change_dates=()) -> tuple[analytics.Series, spc.SpcResult]:
    series = analytics.Series(
        organisation_id=0, measure=plan.measure, periods=tuple(plan.periods), values=tuple(values)
    )
    changes = [
        SimpleNamespace(measure_id=plan.measure.pk, organisation_id=None, changed_on=d, baseline_points=None)
        for d in change_dates
    ]
    return series, analytics.chart(series, change_points=changes)


def _shows_design(plan: SeriesPlan, values: list[float], sparse: bool) -> bool:
    """Does this draw show what the series was designed to show, as the analytics see it?"""
    series, result = _chart(plan, values, [plan.change_on] if plan.change_on else ())
    if not result.sufficient:
        return plan.role in ("background", "stable")
    latest = result.points[-1].point_type
    if plan.role == "deteriorating":
        episode = analytics.concerning_episode_start(series, result)
        return (
            episode is not None
            and episode[0] == plan.periods[-DETERIORATING_MONTHS]
            and episode[1].test == spc.SpecialCause.BEYOND_LIMITS
        )
    if plan.role == "improving":
        return latest == spc.PointType.IMPROVEMENT
    if plan.role == "step":
        _unused, unrebased = _chart(plan, values)
        shifted = any(s.test == spc.SpecialCause.SHIFT for p in unrebased.points for s in p.signals)
        return shifted and latest == spc.PointType.COMMON_CAUSE
    if plan.role == "stable":
        if sparse:  # rare events: a run of zeros signals improvement; no concern anywhere
            return all(p.point_type != spc.PointType.CONCERN for p in result.points)
        return all(p.point_type == spc.PointType.COMMON_CAUSE for p in result.points)
    if sparse:  # rare events (never events): runs of zeros are bound to signal; never a concern
        return latest != spc.PointType.CONCERN
    return latest == spc.PointType.COMMON_CAUSE


def _trajectory_as_designed(plan: SeriesPlan, values: list[float], kind: str) -> bool:
    series = analytics.Series(
        organisation_id=0, measure=plan.measure, periods=tuple(plan.periods), values=tuple(values)
    )
    agreed = {p: SimpleNamespace(value=v, tolerance=t) for p, v, t in plan.trajectory}
    missed_since = analytics.trajectory_missed_since(series, agreed, analytics.TRAJECTORY_MISSED_MONTHS)
    if kind == "missed":
        return missed_since == plan.periods[-analytics.TRAJECTORY_MISSED_MONTHS]
    return missed_since is None


def plan_series(organisation, measure: Measure, periods: list[date], *, seed: int = DEFAULT_SEED) -> SeriesPlan:
    """Draw one organisation's values of one measure over ``periods`` (the months it applies),
    again and again with a new sub-seed until the draw shows its design (see the module
    docstring). Deterministic: the same arguments always give the same values."""
    n = len(periods)
    plan = SeriesPlan(
        organisation=organisation, measure=measure, role=_role(organisation.code, measure.code, n), periods=periods
    )
    level = level_for(organisation, measure)
    plan.expected = _path(plan, level)
    if plan.role == "step":
        plan.change_on = periods[n - STEP_MONTHS]
    trajectory = _trajectory_kind(organisation.code, measure.code, n)
    if trajectory:
        plan.trajectory = _trajectory_values(plan, trajectory, level)
    sparse = level.poisson or measure.unit == Unit.YES_NO
    for draw in range(MAX_DRAWS):
        rng = _rng(f"{seed}:{organisation.code}:{measure.code}:{draw}")
        if level.poisson:
            drawn = [_poisson(rng, mean) for mean in plan.expected]
        else:
            drawn = [mean + level.sd * _noise(rng) for mean in plan.expected]
        values = [_round(v, measure, level) for v in drawn]
        floats = [float(v) for v in values]
        if _shows_design(plan, floats, sparse) and (
            not trajectory or _trajectory_as_designed(plan, floats, trajectory)
        ):
            plan.values, plan.draws = values, draw + 1
            break
    else:
        raise RuntimeError(
            f"Demo data: no draw of {organisation.code} {measure.code} shows its design ({plan.role}) "
            f"in {MAX_DRAWS} tries; change the baseline or the design."
        )
    if plan.role == "deteriorating":
        began = periods[-DETERIORATING_MONTHS]
        plan.warnings.append(f"spc:{organisation.code}:{measure.code}:{began:%Y-%m}:{spc.SpecialCause.BEYOND_LIMITS}")
    if trajectory == "missed":
        since = periods[-analytics.TRAJECTORY_MISSED_MONTHS]
        plan.warnings.append(f"trajectory:{organisation.code}:{measure.code}:{since:%Y-%m}:missed")
    return plan


# --- Texts ------------------------------------------------------------------------------------

STORIES = {
    DETERIORATING: (
        Pillar.DELIVERY_PERFORMANCE,
        "The number of patients waiting 12 hours or more in our emergency departments has risen "
        "sharply over the last four months, above anything seen in the previous three years. "
        "High bed occupancy and delayed discharges are the main causes; a recovery plan goes to "
        "the board next month.",
    ),
    IMPROVING[0]: (
        Pillar.DELIVERY_PERFORMANCE,
        "Pathways waiting more than two years have fallen steadily over the last nine months, as "
        "insourcing and regional orthopaedic lists take effect.",
    ),
    IMPROVING[1]: (
        Pillar.DELIVERY_PERFORMANCE,
        "Performance against the single cancer pathway has improved steadily since the "
        "straight-to-test pathways for lower gastrointestinal and urology referrals began.",
    ),
    IMPROVING[2]: (
        Pillar.FINANCE,
        "The forecast year-end deficit has narrowed over the last nine months as the savings "
        "programme delivers, though the board is not yet forecasting a balanced position.",
    ),
    STEP: (
        Pillar.DELIVERY_PERFORMANCE,
        "Handovers within 15 minutes stepped up when the ambulance handover unit opened and the "
        "improvement has held; the charts are rebased from the month it opened.",
    ),
    TRAJECTORY_MISSED: (
        Pillar.DELIVERY_PERFORMANCE,
        "Pathways waiting more than 52 weeks are behind the agreed trajectory for the third month "
        "running: theatre capacity lost to estates work has not yet been recovered.",
    ),
}

GENERIC_NARRATIVE = {
    Pillar.QUALITY: (
        "No new themes from incidents, complaints or inspections this month. Healthcare associated "
        "infection rates are within their usual range and are reviewed at the quality and safety "
        "committee."
    ),
    Pillar.WORKFORCE: (
        "Sickness absence remains close to last year's level. Appraisal and statutory and "
        "mandatory training compliance are reported to each directorate monthly."
    ),
    Pillar.FINANCE: (
        "The financial position is in line with the plan submitted to the Welsh Government; the "
        "savings programme is tracked by the finance and performance committee."
    ),
    Pillar.DELIVERY_PERFORMANCE: (
        "Performance is broadly in line with recent months; exceptions are covered in the accompanying risks."
    ),
    Pillar.LEADERSHIP: (
        "The board met in public this month. The executive team is stable, and the board's "
        "self-assessment against the well-led evidence areas is on track for the spring."
    ),
}

RISKS = {
    "health_board": [
        (
            Pillar.DELIVERY_PERFORMANCE,
            "Sustained pressure on emergency departments over the winter leads to more 12-hour waits "
            "and ambulance handover delays.",
            "Winter plan agreed with the local authorities; same-day emergency care extended to "
            "seven days; additional discharge-to-assess capacity commissioned.",
            4,
            4,
        ),
        (
            Pillar.FINANCE,
            "The savings programme is not delivered in full, widening the forecast year-end deficit.",
            "Monthly grip-and-control reviews by the executive team; vacancy control panel; cap on agency spend.",
            3,
            4,
        ),
        (
            Pillar.WORKFORCE,
            "Reliance on agency nursing staff in emergency and medical wards.",
            "Recruitment of internationally educated nurses; bank rates reviewed; e-rostering extended to every ward.",
            3,
            3,
        ),
        (
            Pillar.DELIVERY_PERFORMANCE,
            "Theatre capacity lost to estates work delays treatment for the longest waiters.",
            "Insourcing agreed for the affected specialties; regional lists shared with neighbouring health boards.",
            3,
            3,
        ),
    ],
    "trust": [
        (
            Pillar.FINANCE,
            "Cost pressures from pay awards are not fully funded.",
            "Discussions with commissioners and the Welsh Government; non-pay savings identified.",
            3,
            3,
        ),
        (
            Pillar.WORKFORCE,
            "Turnover in specialist roles delays the delivery of the annual plan.",
            "Retention plan agreed; development offer for specialist staff refreshed.",
            2,
            3,
        ),
    ],
    "special_health_authority": [
        (
            Pillar.QUALITY,
            "A cyber-security incident disrupts national systems that services rely on.",
            "Cyber resilience programme; incident response exercised with health boards twice a year.",
            2,
            5,
        ),
        (
            Pillar.WORKFORCE,
            "Difficulty recruiting to specialist technical roles.",
            "Market supplement reviewed; graduate programme expanded.",
            3,
            2,
        ),
    ],
}
WAST_RISKS = [
    (
        Pillar.DELIVERY_PERFORMANCE,
        "Ambulance hours lost to handover delays at emergency departments keep crews from "
        "responding to calls in the community.",
        "Joint handover improvement plan with each health board; hospital ambulance liaison "
        "officers at the busiest sites.",
        4,
        4,
    ),
    RISKS["trust"][1],
]

DEEP_DIVES = {
    "health_board": [
        (
            "Urgent and emergency care: flow and discharge",
            "Demo data: bed occupancy, pathway of care delays and their effect on emergency "
            "department waits, with the actions agreed with local authority partners.",
        ),
        (
            "Planned care: the longest waits",
            "Demo data: pathways waiting over 104 and 52 weeks by specialty, the plan to treat them, "
            "and the capacity it relies on.",
        ),
        (
            "Cancer: the single cancer pathway",
            "Demo data: performance by tumour site, the diagnostic steps that cause delay, and the "
            "effect of straight-to-test pathways.",
        ),
        (
            "Mental health: access for children and young people",
            "Demo data: CAMHS assessment and intervention waits, demand, and the workforce plan.",
        ),
    ],
    "trust": [
        ("Workforce: recruitment and retention", "Demo data: vacancies, turnover and the retention plan."),
        ("Financial sustainability", "Demo data: the run-rate, savings delivered and the risks to them."),
    ],
    "special_health_authority": [
        ("Workforce: recruitment and retention", "Demo data: vacancies, turnover and the retention plan."),
        ("Delivery of the annual plan", "Demo data: milestones met, those at risk, and why."),
    ],
}


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if value == value.to_integral_value() else f"{value:,.1f}"


def narratives_for(organisation, period: date, latest: dict[str, Decimal]) -> dict[str, str]:
    """A narrative for each pillar of an organisation's latest pack: its figures, then its
    designed story (``STORIES``) or, without one, a routine paragraph."""
    month = f"{period:%B %Y}"
    facts: dict[str, list[str]] = defaultdict(list)
    if "UEC-ED4H" in latest:
        facts[Pillar.DELIVERY_PERFORMANCE].append(
            f"In {month}, {_fmt(latest['UEC-ED4H'])}% of patients spent less than four hours in our "
            f"emergency departments (the national target is 95%)"
            + (f" and {_fmt(latest['UEC-ED12H'])} spent 12 hours or more." if "UEC-ED12H" in latest else ".")
        )
    if "PC-RTT52" in latest:
        facts[Pillar.DELIVERY_PERFORMANCE].append(
            f"{_fmt(latest['PC-RTT52'])} pathways were waiting more than 52 weeks for treatment."
        )
    if "UEC-RED-MED" in latest:
        facts[Pillar.DELIVERY_PERFORMANCE].append(
            f"The median response to red calls in {month} was {_fmt(latest['UEC-RED-MED'])} minutes "
            "(the standard is six to eight)."
        )
    if "F-FORECAST" in latest:
        forecast = latest["F-FORECAST"]
        position = "a surplus" if forecast > 0 else "a deficit" if forecast < 0 else "a balanced position"
        amount = f" of £{_fmt(abs(forecast))} million" if forecast else ""
        facts[Pillar.FINANCE].append(f"We forecast {position}{amount} against plan at the year end.")
    if "W-SICK" in latest:
        facts[Pillar.WORKFORCE].append(f"Sickness absence (12-month rolling) is {_fmt(latest['W-SICK'])}%.")
    stories: dict[str, list[str]] = defaultdict(list)
    for (code, measure_code), (pillar, story) in STORIES.items():
        if code == organisation.code and measure_code in latest:
            stories[pillar].append(story)
    return {
        pillar: " ".join(["Demo data.", *facts[pillar], *(stories[pillar] or [GENERIC_NARRATIVE[pillar]])])
        for pillar in Pillar.values
    }


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class Summary:
    """What ``generate`` wrote, and the early warnings its data are designed to raise."""

    today: date
    periods: list[date]
    organisations: list[str]
    packs: int = 0
    values: int = 0
    narratives: int = 0
    risks: int = 0
    deep_dives: int = 0
    trajectories: int = 0
    change_points: int = 0
    daily_values: int = 0
    draws: int = 0
    expected_warnings: set[str] = field(default_factory=set)
    plans: dict[tuple[str, str], SeriesPlan] = field(default_factory=dict, repr=False)

    def __str__(self):
        return (
            f"{self.packs} packs, {self.values} values, {self.trajectories} trajectories, "
            f"{self.daily_values} daily values, {len(self.expected_warnings)} designed warnings"
        )


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pack_times(organisation, period: date, due_on: date, *, seed: int, latest: datetime):
    """Submitted before the due date (about one pack in 15 late), validated and released a few
    days later; never after ``latest``."""
    rng = _rng(f"{seed}:pack:{organisation.code}:{period}")
    if rng.random() < 1 / 15:
        submitted_on = due_on + timedelta(days=rng.randint(1, 4))
    else:
        submitted_on = due_on - timedelta(days=rng.randint(0, 5))
    submitted = _aware(submitted_on, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
    validated = submitted + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
    released = validated + timedelta(days=rng.randint(0, 2), hours=1)
    released = min(released, latest)
    validated = min(validated, released - timedelta(minutes=30))
    submitted = min(submitted, validated - timedelta(minutes=30))
    return submitted, validated, released


def default_organisations():
    return Organisation.objects.filter(statutory=True, active=True, kind__in=LEVEL_HOLDING_KINDS).order_by("code")


def generate(*, today: date, organisations=None, months: int = MONTHS, seed: int = DEFAULT_SEED) -> Summary:
    """Write ``months`` of released demo packs ending with the last complete month before
    ``today`` for ``organisations`` (default: every active statutory organisation that holds a
    level), with their values, narratives, risks, deep dives, trajectories, the step change's
    change point and ``DAILY_DAYS`` days of daily values. Loads the measure catalogue first if
    it is empty. Rows that already exist (a pack for the month, a trajectory, a daily value)
    are left alone, so calling it twice adds nothing. Deterministic for a given ``today`` and
    ``seed``; ``Summary.expected_warnings`` is the set of ``source_key`` the early warnings
    raise on these data (run with the same ``today``)."""
    if months < 1:
        raise ValueError("months must be at least 1")
    if not Measure.objects.exists():
        reference.seed()
    organisations = list(default_organisations() if organisations is None else organisations)
    periods = demo_months(today, months)
    catalogue = list(Measure.objects.order_by("order", "code"))
    monthly = [m for m in catalogue if m.frequency != Frequency.DAILY]
    daily = [m for m in catalogue if m.frequency == Frequency.DAILY]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("analyst", "submitter"))}
    analyst, submitter = users.get("analyst"), users.get("submitter")
    submitter_code = submitter_organisation_code()
    summary = Summary(today=today, periods=periods, organisations=[o.code for o in organisations])

    # Plan every series: which months each measure applies in, then the designed draws.
    plans: list[SeriesPlan] = []
    for organisation in organisations:
        applies: dict[int, list[date]] = defaultdict(list)
        by_id = {}
        for period in periods:
            for measure in selectors.pack_measures(organisation, period, measures=monthly):
                applies[measure.pk].append(period)
                by_id[measure.pk] = measure
        for measure_id, measure_periods in applies.items():
            plan = plan_series(organisation, by_id[measure_id], measure_periods, seed=seed)
            plans.append(plan)
            summary.plans[(organisation.code, plan.measure.code)] = plan
            summary.draws += plan.draws
            summary.expected_warnings.update(plan.warnings)

    # Packs, for the months that have none yet.
    existing = set(
        Pack.objects.filter(organisation__in=organisations, period__in=periods).values_list("organisation_id", "period")
    )
    latest_time = _aware(today, 9)
    new_packs = []
    for organisation in organisations:
        for period in periods:
            if (organisation.pk, period) in existing:
                continue
            due_on = rules.pack_due_on(period)
            submitted, validated, released = _pack_times(organisation, period, due_on, seed=seed, latest=latest_time)
            new_packs.append(
                Pack(
                    organisation=organisation,
                    period=period,
                    status=PackStatus.RELEASED,
                    due_on=due_on,
                    submitted_at=submitted,
                    submitted_by=submitter if organisation.code == submitter_code else None,
                    validated_at=validated,
                    validated_by=analyst,
                    released_at=released,
                    released_by=analyst,
                )
            )
    created = bulk_create_with_history(
        new_packs, Pack, batch_size=500, default_user=analyst, default_change_reason=f"{SOURCE}: released"
    )
    summary.packs = len(created)
    packs = {(p.organisation_id, p.period): p for p in created}

    # Values, in the new packs only.
    sources = (ValueSource.UPLOAD, ValueSource.UPLOAD, ValueSource.FORM, ValueSource.API)
    values = []
    latest_by_organisation: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for plan in plans:
        source = sources[plan.organisation.pk % len(sources)]
        for period, value in zip(plan.periods, plan.values, strict=True):
            pack = packs.get((plan.organisation.pk, period))
            if pack is None:
                continue
            values.append(PackValue(pack=pack, measure=plan.measure, value=value, source=source))
            if period == periods[-1]:
                latest_by_organisation[plan.organisation.pk][plan.measure.code] = value
    bulk_create_with_history(values, PackValue, batch_size=2000, default_user=analyst, default_change_reason=SOURCE)
    summary.values = len(values)

    # The latest pack's narratives and risks; deep dives at each quarter's end in the last year.
    narratives, risks, topics = [], [], []
    last_year = set(periods[-12:])
    for index, organisation in enumerate(organisations):
        latest = packs.get((organisation.pk, periods[-1]))
        if latest is not None:
            for pillar, text in narratives_for(
                organisation, periods[-1], latest_by_organisation[organisation.pk]
            ).items():
                narratives.append(PillarNarrative(pack=latest, pillar=pillar, text=text))
            choices = WAST_RISKS if organisation.code == "WAST" else RISKS.get(organisation.kind, RISKS["trust"])
            rng = _rng(f"{seed}:risks:{organisation.code}")
            for pillar, description, mitigation, likelihood, consequence in rng.sample(choices, 2):
                risks.append(
                    PackRisk(
                        pack=latest,
                        pillar=pillar,
                        description=description,
                        mitigation=mitigation,
                        likelihood=likelihood,
                        consequence=consequence,
                    )
                )
        topics_for_kind = DEEP_DIVES.get(organisation.kind, DEEP_DIVES["trust"])
        for number, period in enumerate(p for p in periods if p in last_year and p.month in (3, 6, 9, 12)):
            pack = packs.get((organisation.pk, period))
            if pack is not None:
                title, text = topics_for_kind[(number + index) % len(topics_for_kind)]
                topics.append(DeepDiveTopic(pack=pack, title=title, summary=text))
    bulk_create_with_history(narratives, PillarNarrative, default_user=analyst, default_change_reason=SOURCE)
    bulk_create_with_history(risks, PackRisk, default_user=analyst, default_change_reason=SOURCE)
    bulk_create_with_history(topics, DeepDiveTopic, default_user=analyst, default_change_reason=SOURCE)
    summary.narratives, summary.risks, summary.deep_dives = len(narratives), len(risks), len(topics)

    # Trajectories and the step change's change point.
    have_trajectories = set(
        Trajectory.objects.filter(organisation__in=organisations).values_list("organisation_id", "measure_id", "period")
    )
    trajectories, change_points = [], []
    for plan in plans:
        for period, value, tolerance in plan.trajectory:
            if (plan.organisation.pk, plan.measure.pk, period) not in have_trajectories:
                trajectories.append(
                    Trajectory(
                        organisation=plan.organisation,
                        measure=plan.measure,
                        period=period,
                        value=value,
                        tolerance=tolerance,
                        note=f"{SOURCE}: agreed in the organisation's plan.",
                    )
                )
        if (
            plan.change_on is not None
            and not ChangePoint.objects.filter(
                organisation=plan.organisation, measure=plan.measure, changed_on=plan.change_on
            ).exists()
        ):
            change_points.append(
                ChangePoint(
                    organisation=plan.organisation, measure=plan.measure, changed_on=plan.change_on, reason=STEP_REASON
                )
            )
    bulk_create_with_history(trajectories, Trajectory, default_user=analyst, default_change_reason=SOURCE)
    bulk_create_with_history(change_points, ChangePoint, default_user=analyst, default_change_reason=SOURCE)
    summary.trajectories, summary.change_points = len(trajectories), len(change_points)

    summary.daily_values = _daily_values(organisations, daily, summary, seed=seed, actor=analyst)
    return summary


# Daily values from the latest monthly level: a monthly count is spread over the month's days.
DAILY_FROM_MONTHLY = {"UEC-ED4H-D": 1.0, "UEC-ED12H-D": 1 / 30.4, "UEC-HO60-D": 1 / 30.4, "UEC-RED-MED-D": 1.0}
ATTENDANCES_PER_DAY = 390  # an average health board's emergency department attendances
WEEKDAY_FACTOR = (1.10, 1.03, 1.0, 0.99, 1.0, 0.93, 0.92)  # Monday busiest, weekends quietest


def _daily_values(organisations, daily: list[Measure], summary: Summary, *, seed: int, actor) -> int:
    days = [summary.today - timedelta(days=offset) for offset in range(DAILY_DAYS, 0, -1)]
    have = set(
        DailyValue.objects.filter(organisation__in=organisations, measure__in=daily, day__gte=days[0]).values_list(
            "organisation_id", "measure_id", "day"
        )
    )
    rows = []
    for organisation in organisations:
        profile = PROFILES.get(organisation.code, Profile())
        for measure in daily:
            if not rules.measure_applies(applies_to=measure.applies_to, kind=organisation.kind, code=organisation.code):
                continue
            monthly = summary.plans.get((organisation.code, measure.variant_of.code)) if measure.variant_of else None
            level = level_for(organisation, measure)
            if measure.code == "UEC-ED-ATT-D":
                mean, spread = ATTENDANCES_PER_DAY * profile.size, 0.06
            elif monthly is not None and measure.code in DAILY_FROM_MONTHLY:
                mean = float(monthly.values[-1]) * DAILY_FROM_MONTHLY[measure.code]
                spread = 0.05 if measure.unit in (Unit.PERCENT, Unit.MINUTES) else 0.2
            else:
                mean, spread = level.mean, (level.sd / level.mean if level.mean else 0.1)
            rng = _rng(f"{seed}:daily:{organisation.code}:{measure.code}")
            for day in days:
                if not measure.in_force_on(day) or (organisation.pk, measure.pk, day) in have:
                    continue
                weekday = WEEKDAY_FACTOR[day.weekday()] if measure.unit == Unit.COUNT else 1.0
                value = mean * weekday * (1 + spread * _noise(rng))
                rows.append(
                    DailyValue(
                        organisation=organisation,
                        measure=measure,
                        day=day,
                        value=_round(value, measure, level),
                        source=ValueSource.API,
                    )
                )
    bulk_create_with_history(rows, DailyValue, batch_size=2000, default_user=actor, default_change_reason=SOURCE)
    return len(rows)


# --- The demo ---------------------------------------------------------------------------------


def open_current_draft(organisation, today: date, *, actor=None) -> Pack | None:
    """A draft with no values for the current month, for a person trying the demo to fill in
    or upload; nothing if the month already has a pack."""
    period = today.replace(day=1)
    if Pack.objects.filter(organisation=organisation, period=period).exists():
        return None
    pack = Pack(organisation=organisation, period=period, status=PackStatus.DRAFT, due_on=rules.pack_due_on(period))
    bulk_create_with_history([pack], Pack, default_user=actor, default_change_reason=f"{SOURCE}: pack opened")
    return pack


def bind_criterion(organisations, *, actor=None) -> CriterionBinding | None:
    """Bind one de-escalation criterion of an open escalation case (from the escalation demo)
    to a measure, so that it tests itself against released packs. A criterion about a
    balanced financial plan "delivered for two quarters" becomes "forecast outturn ≥ £0m for
    6 consecutive released months" (the demo forecast is improving but still in deficit, so
    not yet met); failing that, the first criterion becomes "ED 12-hour waits at or below the
    organisation's median of the last year for 3 consecutive months"."""
    from escalation.choices import CasePhase
    from escalation.models import DeescalationCriterion

    criteria = list(
        DeescalationCriterion.objects.filter(
            case__phase=CasePhase.ACTIVE, organisation__in=organisations, measure_binding__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation__code", "created_at", "pk")
    )
    if not criteria or CriterionBinding.objects.filter(criterion__in=criteria).exists():
        return None
    measures = {m.code: m for m in Measure.objects.filter(code__in=("F-FORECAST", "UEC-ED12H"))}
    financial = next((c for c in criteria if "financial" in c.text.lower()), None)
    if financial is not None and "F-FORECAST" in measures:
        binding = CriterionBinding(
            criterion=financial,
            measure=measures["F-FORECAST"],
            operator=Comparison.GE,
            threshold=Decimal(0),
            consecutive_months=6,
        )
    elif "UEC-ED12H" in measures:
        criterion = criteria[0]
        recent = [
            v.value
            for v in selectors.released_values(measure=measures["UEC-ED12H"], organisations=[criterion.organisation])
            if v.value is not None
        ][-12:]
        if not recent:
            return None
        threshold = sorted(recent)[len(recent) // 2]
        binding = CriterionBinding(
            criterion=criterion,
            measure=measures["UEC-ED12H"],
            operator=Comparison.LE,
            threshold=threshold,
            consecutive_months=3,
        )
    else:
        return None
    bulk_create_with_history([binding], CriterionBinding, default_user=actor, default_change_reason=SOURCE)
    return binding


def publish_demo_decisions() -> None:
    """Make the demo escalation decisions public, so the public register has something to show
    (each once; an illustrative summary, marked as demo data)."""
    from escalation.choices import DecisionStatus
    from escalation.models import EscalationDecision

    from . import publication
    from .models import PublishedDecision

    official = get_user_model().objects.filter(username="official").first()
    if official is None:
        return
    done = set(PublishedDecision.objects.values_list("decision_id", flat=True))
    decisions = EscalationDecision.objects.filter(status=DecisionStatus.DECIDED, source="Demo data").exclude(
        pk__in=done
    )
    for decision in decisions.select_related("organisation", "domain").order_by("effective_from", "pk"):
        publication.decision_publish(
            actor=official,
            decision=decision,
            summary=f"Demo data: an illustrative summary of why {decision.organisation.short_name} moved to "
            f"level {decision.to_level} for {decision.scope_label}.",
            summary_cy=f"Data enghreifftiol: crynodeb enghreifftiol o pam y symudodd "
            f"{decision.organisation.short_name_cy or decision.organisation.short_name} i lefel {decision.to_level}.",
        )


def seed() -> list[str]:
    """The reporting demo, once: skipped when released packs already exist (running
    ``seed_demo`` again changes nothing). Raises the designed early warnings at the end, so
    the triage queue shows them straight away."""
    publish_demo_decisions()
    if Pack.objects.filter(status=PackStatus.RELEASED).exists():
        return []
    today = timezone.localdate()
    if not Measure.objects.exists():  # seed_reference loads the catalogue; this is a fallback
        reference.seed()
    organisations = list(default_organisations())
    if not organisations:
        return []
    analyst = get_user_model().objects.filter(username="analyst").first()
    generate(today=today, organisations=organisations)
    submitter_organisation = next((o for o in organisations if o.code == submitter_organisation_code()), None)
    if submitter_organisation is not None:
        open_current_draft(submitter_organisation, today, actor=analyst)
    bind_criterion(organisations, actor=analyst)
    analytics.early_warnings(today=today)
    return []

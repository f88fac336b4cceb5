"""The rules of plans and accountability, as pure functions over plain values.

No Django, no database, no clock: callers pass the plans, dates and levels in. The services
(``plans.services``, ``plans.submissions``), selectors and pages all ask these, so each rule
lives here and nowhere else.

Sources: 002 = Oversight and Escalation Framework (January 2024), §25, §57, §59 and Annex 1;
001 = the operating and accountability framework from 1 April 2026, §3.2, §6.3, §7, §9.3, §10;
004 = the Welsh NHS Confederation's explainer on planning and escalation (January 2025).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

# Codes as in plans.choices (rules import nothing of Django).
IMTP, ANNUAL = "imtp", "annual"
APPROVED, ACCEPTED_ANNUAL, NOT_APPROVED = "approved", "accepted_annual", "not_approved"
OPEN, MET, NOT_MET = "open", "met", "not_met"
DUE, RECEIVED, CANCELLED = "due", "received", "cancelled"
NONE_SUBMITTED, NOT_BALANCED, ANNUAL_ONLY = "none_submitted", "not_balanced", "annual_only"
ON_TRACK, MIXED, OF_CONCERN, NO_DATA, NO_SIGNAL = "on_track", "mixed", "of_concern", "no_data", "no_signal"

PILLAR_ERA = "2026"  # accountability conditions are set against the 2026 pillars [001 §9]

# Where the Finance flag comes from, in the framework's own structure.
FLAG_ESCALATION_REFERENCE = "002 Annex 1, level 1, criteria for escalation to a higher level"
FLAG_DEESCALATION_REFERENCE = "002 Annex 1, level 2, criteria for de-escalation to a lower level"
FLAG_PLANNING_REFERENCE = "004 (statutory duty to plan); 002 §57"


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    def __str__(self):
        return self.message


# --- Planning cycles ------------------------------------------------------------------------


def current_cycle(cycles: Iterable[tuple[str, date, date]], on: date) -> str | None:
    """The planning cycle that is current on ``on``: of the cycles running that day, the one
    that started last (a new Planning Framework's cycle overlaps the previous one's last years
    [004]). None when no cycle is running."""
    running = [(starts, code) for code, starts, ends in cycles if starts <= on <= ends]
    return max(running)[1] if running else None


# --- Plans ----------------------------------------------------------------------------------


def plan_refusal(
    *, holds_levels: bool, organisation_name: str, submitted_on: date, board_approved_on: date | None, today: date
) -> Refusal | None:
    """May this plan be recorded? Only statutory NHS bodies plan under the duty and hold levels;
    a board approves its plan before the plan is submitted [004]; nothing is submitted in the future."""
    if not holds_levels:
        return Refusal(
            "organisation_does_not_plan",
            f"{organisation_name} is not a statutory NHS organisation, so no plan is recorded for it here "
            "(004: the duty to plan is on health boards, trusts and special health authorities).",
        )
    if submitted_on > today:
        return Refusal("submitted_in_future", "A plan cannot be recorded as submitted on a date still to come.")
    if board_approved_on is not None and board_approved_on > submitted_on:
        return Refusal(
            "board_after_submission",
            "The board approves its plan before it is submitted to Welsh Government (004): "
            "the board approval date cannot be after the submission date.",
        )
    return None


def outcome_refusal(
    *, plan_type: str, outcome: str, outcome_on: date | None, submitted_on: date, today: date
) -> Refusal | None:
    """May the Minister's outcome be recorded so? An annual plan is accepted as an annual plan,
    never approved as a three-year plan [004]; an outcome has a date, on or after submission."""
    if not outcome:
        if outcome_on is not None:
            return Refusal("date_without_outcome", "Give the outcome as well as its date, or neither.")
        return None
    if outcome_on is None:
        return Refusal("outcome_needs_date", "Give the date of the Minister's decision.")
    if outcome_on < submitted_on:
        return Refusal("outcome_before_submission", "The Minister's decision cannot come before the plan's submission.")
    if outcome_on > today:
        return Refusal("outcome_in_future", "The Minister's decision cannot be recorded for a date still to come.")
    if plan_type == ANNUAL and outcome == APPROVED:
        return Refusal(
            "annual_plan_not_approvable",
            "An annual plan is accepted as an annual plan; only a three-year plan (IMTP) is approved (004). "
            "Record it as accepted as an annual plan.",
        )
    return None


# --- The Finance flag -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    """What the Finance flag needs to know of one plan."""

    plan_type: str
    financially_balanced: bool
    outcome: str  # "" while awaiting the Minister's decision
    submitted_on: date
    key: int = 0  # tie-breaker for two plans submitted on the same day (the later record wins)
    outcome_on: date | None = None  # the day of the Minister's decision (None: not recorded)

    @property
    def clears_flag(self) -> bool:
        return self.plan_type == IMTP and self.financially_balanced and self.outcome == APPROVED

    def as_on(self, on: date) -> PlanFacts:
        """The plan as it stood on ``on``: an outcome decided after that day was still awaited."""
        if self.outcome and self.outcome_on is not None and self.outcome_on > on:
            return replace(self, outcome="")
        return self


@dataclass(frozen=True)
class FinanceFlag:
    reason: str  # one of plans.choices.FlagReason
    cycle: str
    plan: PlanFacts | None = None  # the plan the reason is about (the latest submitted)


def finance_flag(plans: Iterable[PlanFacts], *, cycle: str, on: date) -> FinanceFlag | None:
    """Is the organisation flagged on ``on`` for lacking an approved, financially balanced
    three-year plan for the cycle? [002 Annex 1 (level 1 escalation, level 2 de-escalation);
    002 §57; 004]

    Only what was known on ``on`` counts: plans submitted by then, and the Minister's outcome
    only from the day it was decided (before it, the plan was awaiting the decision).
    Not flagged as soon as any plan of the cycle is a balanced IMTP the Minister approved.
    Otherwise the reason is read from the latest plan submitted: an annual plan, or a plan
    accepted only as an annual plan → "only an annual plan"; a plan not financially balanced →
    "not balanced"; otherwise (refused, or still awaiting the Minister) → "not approved"; and
    with no plan at all → "none submitted"."""
    plans = [plan.as_on(on) for plan in plans if plan.submitted_on <= on]
    if any(plan.clears_flag for plan in plans):
        return None
    if not plans:
        return FinanceFlag(NONE_SUBMITTED, cycle)
    latest = max(plans, key=lambda plan: (plan.submitted_on, plan.key))
    if latest.plan_type == ANNUAL or latest.outcome == ACCEPTED_ANNUAL:
        return FinanceFlag(ANNUAL_ONLY, cycle, latest)
    if not latest.financially_balanced:
        return FinanceFlag(NOT_BALANCED, cycle, latest)
    return FinanceFlag(NOT_APPROVED, cycle, latest)


# --- Accountability conditions ----------------------------------------------------------------


def pillar_refusal(*, era_code: str, pillar_name: str) -> Refusal | None:
    """Conditions are set against the 2026 pillars and foundation [001 §9]."""
    if era_code == PILLAR_ERA:
        return None
    return Refusal(
        "pillar_not_2026",
        f"“{pillar_name}” is not one of the 2026 pillars; set the condition against Quality, Workforce, Finance, "
        "Delivery/Performance or the Leadership (Well-led) foundation (001 §9).",
    )


def condition_status_refusal(*, current: str, new: str, has_evidence: bool, note: str) -> Refusal | None:
    """May a condition's status change so? Met needs evidence filed or a note saying what shows
    it; not met needs a note saying why; reopening needs a note too."""
    note = note.strip()
    if new == current:
        return Refusal("status_unchanged", "The condition already has that status.")
    if new == MET and not has_evidence and not note:
        return Refusal(
            "met_needs_evidence",
            "No evidence is filed against this condition: file the evidence, or say in the note what shows it is met.",
        )
    if new == NOT_MET and not note:
        return Refusal("not_met_needs_note", "Say in the note why the condition is not met.")
    if new == OPEN and not note:
        return Refusal("reopen_needs_note", "Say in the note why the condition is open again.")
    return None


def condition_overdue(*, status: str, due_on: date | None, today: date) -> bool:
    return status == OPEN and due_on is not None and today > due_on


def evidence_refusal(*, has_file: bool, note: str) -> Refusal | None:
    if has_file or note.strip():
        return None
    return Refusal("evidence_empty", "Choose a file, or write a note describing the evidence.")


# --- Break-even duty ------------------------------------------------------------------------

BREAK_EVEN_YEARS = 3  # the duty to break even over a rolling three years [004]
PASS, FAIL, INSUFFICIENT = "pass", "fail", "insufficient"


def financial_year(day: date) -> int:
    """The year a financial year starts in (April to March): 2025 for any day of 2025-26."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class YearPosition:
    start: int  # the year the financial year starts
    value: float | None  # the revenue surplus (positive) or deficit (negative), £ million
    month: date | None  # the released month the value is from
    forecast: bool  # True unless the value is the year end's (March)

    @property
    def label(self) -> str:
        return financial_year_label(self.start)


@dataclass(frozen=True)
class BreakEven:
    years: tuple[YearPosition, ...]
    total: float | None
    status: str  # PASS, FAIL or INSUFFICIENT

    @property
    def passes(self) -> bool:
        return self.status == PASS


def break_even(values: Iterable[tuple[date, float]], *, on: date) -> BreakEven:
    """The statutory duty to break even over a rolling three years [004], from released values of
    the revenue position (F-BREAKEVEN, £ million, a deficit negative).

    Each financial year's position is its last released month on or before ``on``: March, the
    year end, when released; otherwise the latest month, as a forecast. The three years are
    the latest financial year with a released value and the two before it. The duty is met
    when their sum is not a deficit (≥ 0); with a year missing the result is "insufficient"
    (the sum of what there is is still shown)."""
    latest: dict[int, tuple[date, float]] = {}
    for month, value in values:
        if month > on:
            continue
        year = financial_year(month)
        if year not in latest or month > latest[year][0]:
            latest[year] = (month, value)
    if not latest:
        return BreakEven(years=(), total=None, status=INSUFFICIENT)
    last = max(latest)
    years = []
    for start in range(last - BREAK_EVEN_YEARS + 1, last + 1):
        found = latest.get(start)
        if found is None:
            years.append(YearPosition(start=start, value=None, month=None, forecast=False))
        else:
            month, value = found
            years.append(YearPosition(start=start, value=value, month=month, forecast=month.month != 3))
    present = [y.value for y in years if y.value is not None]
    total = round(sum(present), 4)
    if len(present) < BREAK_EVEN_YEARS:
        return BreakEven(years=tuple(years), total=total, status=INSUFFICIENT)
    return BreakEven(years=tuple(years), total=total, status=PASS if total >= 0 else FAIL)


# --- Ministerial priorities -----------------------------------------------------------------


@dataclass(frozen=True)
class MeasureState:
    """One linked measure's latest released position, as the SPC and the target give it."""

    has_value: bool
    target: str | None = None  # "met", "within_tolerance", "missed" or None (no target)
    variation: str | None = None  # "improving", "concerning", "common", "neither" or None


def measure_signal(state: MeasureState) -> str | None:
    """ "good", "bad" or None (no clear signal) for one measure: an improving special cause or a
    target met is good; a concerning special cause, or a missed target without improvement, bad."""
    if not state.has_value:
        return None
    if state.variation == "concerning":
        return "bad"
    if state.variation == "improving" or state.target in ("met", "within_tolerance"):
        return "good"
    if state.target == "missed":
        return "bad"
    return None


def priority_progress(states: Iterable[MeasureState]) -> str:
    """An organisation's progress on a priority from its linked measures' latest released values
    [001 §10: progress against Ministerial priorities is published]: "no released data" with no
    value at all; "on track" when the signals are all good; "of concern" when they are all bad;
    "mixed" with both; "no clear signal" with values but neither (no target, common cause)."""
    signals = [measure_signal(state) for state in states if state.has_value]
    if not signals:
        return NO_DATA
    good, bad = signals.count("good"), signals.count("bad")
    if good and bad:
        return MIXED
    if good:
        return ON_TRACK
    if bad:
        return OF_CONCERN
    return NO_SIGNAL


# --- Reporting in proportion to level ---------------------------------------------------------

SCHEDULE_BACKLOG_DAYS = 365  # a first run does not schedule (or remind about) anything older


@dataclass(frozen=True)
class Requirement:
    """A kind of submission a level requires, every ``interval_months`` (editable data)."""

    kind: str
    level: int
    interval_months: int


@dataclass(frozen=True)
class Due:
    kind: str
    due_on: date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def level_since(decisions: Sequence[tuple[date, int]], *, on: date) -> tuple[int, date | None]:
    """A scope's level on ``on`` and the day it reached it, from its effective decisions as
    (effective from, to level), oldest first. A decision that maintains the level does not
    restart the count; with no decision the scope is at level 1, since no date."""
    in_force = [(day, level) for day, level in decisions if day <= on]
    if not in_force:
        return 1, None
    level = in_force[-1][1]
    since = in_force[-1][0]
    for day, to_level in reversed(in_force):
        if to_level != level:
            break
        since = day
    return level, since


def submission_due_dates(
    *, level: int, since: date | None, today: date, requirements: Iterable[Requirement], not_before: date | None = None
) -> list[Due]:
    """The submissions a scope at ``level`` since ``since`` owes, by kind and due date
    [002 §59; 001 §6.3]: each requirement of that level falls due every interval, the first
    one interval after the level began, up to and including the first due date after
    ``today``. Dates before ``not_before`` are left out. Sorted by date, then kind."""
    if since is None:
        return []
    found = []
    for requirement in requirements:
        if requirement.level != level or requirement.interval_months < 1:
            continue
        step = 1
        while True:
            due_on = add_months(since, requirement.interval_months * step)
            if not_before is None or due_on >= not_before:
                found.append(Due(requirement.kind, due_on))
            if due_on > today:
                break
            step += 1
    return sorted(found, key=lambda due: (due.due_on, due.kind))


@dataclass(frozen=True)
class Pending:
    """A submission scheduled and not yet received."""

    key: int
    kind: str
    level: int
    due_on: date


def submissions_to_cancel(
    *, pending: Iterable[Pending], schedule: Iterable[Due], level: int, since: date | None, today: date
) -> list[int]:
    """Which pending submissions are no longer required: those scheduled for another level and
    due after the current level began (an escalation or de-escalation replaces them), and those
    still to come that the current schedule no longer holds (the requirements were changed).
    A submission already due under the level in force on its date stays owed (and overdue)."""
    wanted = {(due.kind, due.due_on) for due in schedule}
    cancel = []
    for item in pending:
        replaced = item.level != level and (since is None or item.due_on > since)
        dropped = item.due_on > today and (item.kind, item.due_on) not in wanted
        if replaced or dropped:
            cancel.append(item.key)
    return cancel


def submission_state(*, status: str, due_on: date, today: date) -> str:
    """ "received", "cancelled", "overdue" (due and its date has passed) or "due"."""
    if status in (RECEIVED, CANCELLED):
        return status
    return "overdue" if today > due_on else DUE


def receive_refusal(*, status: str, received_on: date, today: date) -> Refusal | None:
    if status == RECEIVED:
        return Refusal("already_received", "This submission is already recorded as received.")
    if status == CANCELLED:
        return Refusal("no_longer_required", "This submission is no longer required: the level changed.")
    if received_on > today:
        return Refusal("received_in_future", "A submission cannot be received on a date still to come.")
    return None

"""The rules of accountability, as pure functions over plain values.

No Django, no database, no clock: callers pass the levels, ratings, statuses and dates in.
The services, selectors, pages, API and tasks all ask these, so each rule lives here only.

Sources: 002 = Oversight and Escalation Framework (January 2024): §22 (clear lines of
accountability; earned autonomy), §25 (annual objectives with Chairs, review frequency by
escalation status; Accountable Officer letters; Welsh Government's response to plans);
001 = the operating and accountability framework from 1 April 2026: §3.2 (NHS P&I's monthly
system synthesis), §7.1 (earned autonomy: fewer meetings, flexibilities), §9 (the Leadership
(Well-led) foundation and its six areas of evidence), §9.3 (self-assessment), §10.

Where the sources are silent (the rating scale, what makes an assessment weak, when a synthesis
may be signed off), the choice made here is stated beside the rule and in docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

# Codes as in accountability.choices and escalation.choices (rules import nothing of Django).
OBJECTIVE_STATUSES = ("set", "on_track", "at_risk", "achieved", "not_achieved", "withdrawn")
OBJECTIVE_NEEDS_NOTE = frozenset({"at_risk", "not_achieved", "withdrawn"})
DRAFT, SUBMITTED, ASSESSED = "draft", "submitted", "assessed"
SYNTHESIS_DRAFT, SIGNED_OFF = "draft", "signed_off"
MAINTAIN, ESCALATE, DEESCALATE = "maintain", "escalate", "de-escalate"

# The six areas of evidence of the Leadership (Well-led) foundation [001 §9, (i)-(vi)].
WELL_LED_AREAS = (
    "direction_culture",
    "governance_risk",
    "data_insight",
    "people_leadership",
    "improvement",
    "system_relationships",
)
WELL_LED_REFERENCE = "001 §9 (Leadership (Well-led), areas of evidence (i)-(vi)), §9.3"

# The rating scale: 1 (significant concerns) to 4 (strong). Four points, so there is no
# neutral middle: 1 and 2 are below it, 3 and 4 above [choice: docs/decisions.md].
RATING_MIN, RATING_MAX = 1, 4
RATING_MIDDLE = Fraction(RATING_MIN + RATING_MAX, 2)  # 2.5

LEVELS = (1, 2, 3, 4, 5)
MONTHS_IN_A_YEAR = 12


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    def __str__(self):
        return self.message


# --- Chair objectives [002 §25] --------------------------------------------------------------


def objective_refusal(*, text: str, year: int, today: date) -> Refusal | None:
    """An objective needs its text, and is set for last year, this year or next (objectives
    are set each year [002 §25]; a year further off is a typing slip)."""
    if not text.strip():
        return Refusal("objective_text_required", "Write the objective.")
    if not today.year - 1 <= year <= today.year + 1:
        return Refusal(
            "objective_year",
            f"Objectives are set for one year at a time: give a year from {today.year - 1} to {today.year + 1}.",
        )
    return None


def objective_status_refusal(*, current: str, new: str, note: str) -> Refusal | None:
    """A withdrawn objective stays withdrawn (set a new one instead). Saying an objective is at
    risk, not achieved or withdrawn needs a note of why."""
    if new not in OBJECTIVE_STATUSES:
        return Refusal("objective_status", f"Unknown status “{new}”.")
    if current == "withdrawn" and new != "withdrawn":
        return Refusal("objective_withdrawn", "This objective was withdrawn: set a new objective instead.")
    if new != current and new in OBJECTIVE_NEEDS_NOTE and not note.strip():
        return Refusal("objective_note_required", "Say why, in the progress notes.")
    return None


# --- Earned autonomy [001 §7.1; 002 §22] -----------------------------------------------------


@dataclass(frozen=True)
class BurdenLine:
    meeting_type: str  # the meeting type's code
    interval_months: int
    per_year: Fraction


@dataclass(frozen=True)
class Burden:
    """The meetings an organisation holds with Welsh Government and NHS P&I in a year at a level."""

    level: int
    lines: tuple[BurdenLine, ...]

    @property
    def total(self) -> Fraction:
        return sum((line.per_year for line in self.lines), Fraction(0))

    def per_type(self) -> dict[str, Fraction]:
        return {line.meeting_type: line.per_year for line in self.lines}


def meetings_per_year(interval_months: int) -> Fraction:
    """Meetings a year for a meeting every ``interval_months`` months: 12 / interval."""
    if interval_months < 1:
        raise ValueError("A meeting interval is at least one month")
    return Fraction(MONTHS_IN_A_YEAR, interval_months)


def meeting_burden(
    *, level: int, policies: Mapping[str, Mapping[int, int]], fixed: Mapping[str, int] | None = None
) -> Burden:
    """The meeting burden at ``level``: for each level-driven meeting type (``policies``: months
    between meetings by level, as the cadence policy data hold them), the meetings a year at that
    level, where the policy has the level (a type with no row for it is not held then: Whole
    Board meetings exist at level 5 only); and each meeting held whatever the level (``fixed``:
    months between meetings by type, e.g. the yearly Public Accountability Meeting)."""
    if level not in LEVELS:
        raise ValueError(f"No level {level}")
    lines = [
        BurdenLine(code, table[level], meetings_per_year(table[level]))
        for code, table in sorted(policies.items())
        if level in table
    ]
    lines += [BurdenLine(code, months, meetings_per_year(months)) for code, months in sorted((fixed or {}).items())]
    return Burden(level=level, lines=tuple(lines))


def burden_saving(*, current: Burden, routine: Burden) -> Fraction:
    """How many more meetings a year the organisation holds than it would at routine
    arrangements (level 1): the burden its level adds, which earned autonomy takes away."""
    return current.total - routine.total


def as_number(value: Fraction) -> str:
    """A number of meetings a year as people write it: whole, or to one decimal place."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}"


# --- Flexibilities granted [001 §7.1] --------------------------------------------------------


def flexibility_refusal(*, what: str, reason: str, granted_on: date, today: date) -> Refusal | None:
    """A flexibility names what is granted and why, on a day already come."""
    if not what.strip():
        return Refusal("flexibility_what_required", "Say what flexibility is granted.")
    if not reason.strip():
        return Refusal("flexibility_reason_required", "Give the reason it is granted.")
    if granted_on > today:
        return Refusal("flexibility_date", "A flexibility is recorded once granted: give today or an earlier date.")
    return None


# --- The Well-led self-assessment [001 §9, §9.3] ---------------------------------------------


def rating_refusal(rating: int | None) -> Refusal | None:
    if rating is None:
        return None
    if not RATING_MIN <= rating <= RATING_MAX:
        return Refusal("rating_range", f"A rating is from {RATING_MIN} to {RATING_MAX}.")
    return None


def _unrated(ratings: Mapping[str, int | None]) -> list[str]:
    return [area for area in WELL_LED_AREAS if ratings.get(area) is None]


def assessment_year_refusal(*, year: int, today: date) -> Refusal | None:
    """A self-assessment is annual: for this year or last (a late one), never ahead."""
    if not today.year - 1 <= year <= today.year:
        return Refusal("assessment_year", f"Give the year assessed: {today.year - 1} or {today.year}.")
    return None


def self_edit_refusal(*, status: str) -> Refusal | None:
    """The organisation changes its own ratings until it submits them."""
    if status != DRAFT:
        return Refusal("assessment_submitted", "This self-assessment has been submitted and can no longer change.")
    return None


def submit_refusal(*, status: str, ratings: Mapping[str, int | None]) -> Refusal | None:
    """Submitted once, with a rating for each of the six areas."""
    if status != DRAFT:
        return Refusal("assessment_submitted", "This self-assessment has already been submitted.")
    missing = _unrated(ratings)
    if missing:
        return Refusal("assessment_incomplete", f"Rate every area before submitting ({len(missing)} not rated).")
    return None


def review_refusal(*, status: str, ratings: Mapping[str, int | None]) -> Refusal | None:
    """NHS P&I assesses a submitted self-assessment (and may revise its assessment), rating every
    area."""
    if status == DRAFT:
        return Refusal("assessment_not_submitted", "The organisation has not yet submitted this self-assessment.")
    missing = _unrated(ratings)
    if missing:
        return Refusal("assessment_incomplete", f"Rate every area ({len(missing)} not rated).")
    return None


@dataclass(frozen=True)
class WeakResult:
    weak: bool
    lowest: tuple[str, ...]  # areas rated at the lowest point
    below_middle: tuple[str, ...]  # areas rated below the middle of the scale


def assessment_weak(ratings: Mapping[str, int | None]) -> WeakResult:
    """Is NHS P&I's assessment weak? Weak when it rates any area at the lowest point of the
    scale (1), or most areas (more than half, so four of six) below the middle (1 or 2). The
    sources set no threshold [001 §9 says leadership concerns may trigger or amplify
    escalation]: this is the default recorded in docs/decisions.md. Unrated areas do not count."""
    rated = {area: rating for area, rating in ratings.items() if rating is not None and area in WELL_LED_AREAS}
    lowest = tuple(area for area in WELL_LED_AREAS if rated.get(area) == RATING_MIN)
    below = tuple(area for area in WELL_LED_AREAS if area in rated and rated[area] < RATING_MIDDLE)
    weak = bool(lowest) or len(below) * 2 > len(WELL_LED_AREAS)
    return WeakResult(weak=weak, lowest=lowest, below_middle=below)


def weak_assessment_key(*, organisation_code: str, year: int) -> str:
    """The concern's ``source_key``: one concern per organisation and year, however often the
    assessment is revised or the check runs again."""
    return f"wellled:{organisation_code}:{year}:weak"


# --- The monthly system synthesis [001 §3.2, §6.1] -------------------------------------------


def synthesis_month(today: date) -> date:
    """The month a synthesis assembled on ``today`` is for: this month (its paper goes to this
    month's WG–NHS P&I Oversight Meeting)."""
    return today.replace(day=1)


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def submissions_due_before(month: date) -> date:
    """Submissions still to come are reported when due this month or next (before the first day
    of the month after next): what the organisation owes before the following synthesis and
    meeting. Overdue ones are always reported."""
    following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
    return date(following.year + 1, 1, 1) if following.month == 12 else date(following.year, following.month + 1, 1)


def changes_since(*, previous_assembled_on: date | None, month: date) -> date:
    """Changes of level are reported from the day after the last synthesis was assembled; for
    the first synthesis, from the start of the month before."""
    if previous_assembled_on is not None:
        return previous_assembled_on
    return previous_month(month)


def level_changed_in_window(*, effective_from: date, since: date, until: date, first: bool) -> bool:
    """Did a change of level take effect in the window? After ``since`` (the last synthesis was
    assembled that day and reported what had happened by then), or from it for the first
    synthesis, and on or before ``until``."""
    after = effective_from >= since if first else effective_from > since
    return after and effective_from <= until


@dataclass(frozen=True)
class OrganisationFacts:
    """What the draft found about one organisation; the counts are enough to decide whether it
    has anything to report."""

    concerning_signals: int = 0
    improving_signals: int = 0
    open_concerns: int = 0
    open_cases: int = 0
    overdue_items: int = 0
    open_conditions: int = 0
    due_submissions: int = 0
    level_changes: int = 0


def has_something_to_report(facts: OrganisationFacts) -> bool:
    """An organisation gets a section of the synthesis when something is found that Welsh
    Government may need to act on: a special cause of concern in its latest released figures,
    an open concern or case, an overdue criterion, condition or submission, an open
    accountability condition or a submission due, or a change of level. Signals of improvement
    alone do not make a section (they are counted in the pillar figures, and listed in a section
    that exists for another reason): a stable organisation gets nothing, and is covered by the
    system-wide figures only, as level 1 is at the meeting [001 §6.3]."""
    return any(
        (
            facts.concerning_signals,
            facts.open_concerns,
            facts.open_cases,
            facts.overdue_items,
            facts.open_conditions,
            facts.due_submissions,
            facts.level_changes,
        )
    )


def synthesis_edit_refusal(*, status: str) -> Refusal | None:
    """A synthesis is edited while it is a draft; once signed off it is the paper as sent."""
    if status != SYNTHESIS_DRAFT:
        return Refusal("synthesis_signed_off", "This synthesis has been signed off and can no longer change.")
    return None


def signoff_refusal(*, status: str, unwritten: Sequence[str]) -> Refusal | None:
    """Signed off once, when every organisation in it has at least a risk, a mitigation or a
    recommended action written (``unwritten``: the names of those that have none). A synthesis
    with no organisation in it may be signed off: the system figures are the paper."""
    refusal = synthesis_edit_refusal(status=status)
    if refusal is not None:
        return refusal
    if unwritten:
        return Refusal(
            "synthesis_unwritten",
            "Write the risks, mitigations or recommended actions for every organisation before signing off: "
            + ", ".join(unwritten)
            + ".",
        )
    return None


def recommendation_refusal(*, recommendation: str, recommended_level: int | None, current_level: int) -> Refusal | None:
    """A recommendation to escalate names a higher level than the scope's current one; to
    de-escalate, a lower one; to maintain, none. Whether the move itself is allowed (one level
    down at a time) is escalation's rule, asked when the decision is drafted."""
    if recommendation == MAINTAIN:
        if recommended_level not in (None, current_level):
            return Refusal("recommendation_level", "A recommendation to maintain the level names no other level.")
        return None
    if recommendation not in (ESCALATE, DEESCALATE):
        return Refusal("recommendation_unknown", f"Unknown recommendation “{recommendation}”.")
    if recommended_level is None:
        return Refusal("recommendation_level_required", "Give the level recommended.")
    if recommended_level not in LEVELS:
        return Refusal("recommendation_level", "A level is from 1 to 5.")
    if recommendation == ESCALATE and recommended_level <= current_level:
        return Refusal(
            "recommendation_level",
            f"To escalate, recommend a level above the current level {current_level}.",
        )
    if recommendation == DEESCALATE and recommended_level >= current_level:
        return Refusal(
            "recommendation_level",
            f"To de-escalate, recommend a level below the current level {current_level}.",
        )
    return None


def start_decision_refusal(*, synthesis_status: str, recommendation: str, started: bool) -> Refusal | None:
    """A recommendation starts a draft decision once, after the synthesis is signed off (it is
    then NHS P&I's advice as sent to Welsh Government), and only when it proposes a move."""
    if started:
        return Refusal("already_started", "A decision has already been started from this recommendation.")
    if synthesis_status != SIGNED_OFF:
        return Refusal(
            "synthesis_not_signed_off",
            "Sign off the synthesis first: a decision starts from a recommendation as sent to Welsh Government.",
        )
    if recommendation == MAINTAIN:
        return Refusal("nothing_to_draft", "The recommendation is to maintain the level: there is no move to draft.")
    return None

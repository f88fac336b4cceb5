"""The meeting framework's rules, as pure functions over plain values.

No Django, no database, no clock: callers pass in the levels, the statuses, the dates and
``today``. Services (``meetings.services``) call these for the UI, the API, tasks and
commands alike, so each rule lives here and nowhere else. Every refusal names the rule and
the paragraph of the source it comes from.

Sources: 000 = Joint Executive Team (JET) meetings, terms of reference (August 2023);
001 = the operating and accountability framework in force from 1 April 2026 (section 6:
meetings, 6.3: cadence by level); 002 = Oversight and Escalation Framework (January 2024),
paras 31-37; 003 = a committee's terms of reference (the Pan Cluster Planning Group
template), cited by section because it has no paragraph numbers.

Where the sources are silent, the choice made here is stated in the docstring concerned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from dateutil.relativedelta import relativedelta

# One rule, one home: the driving level is decided in escalation [ARCHITECTURE "Driving level
# for cadence"]; it is re-exported here because the cadence reads it.
from escalation.rules import Refusal
from escalation.rules import driving_level as driving_level

SOURCE_000 = "JET terms of reference (August 2023)"
SOURCE_001 = "Operating and accountability framework 2026"
SOURCE_002 = "Oversight and Escalation Framework 2024"
SOURCE_003 = "committee terms of reference (Pan Cluster Planning Group template)"

# --- Cadence -----------------------------------------------------------------------------------

# CEO/Executive Review with the NHS Wales CEO, months between meetings by driving level:
# L5 monthly, L4 every two months, L3 quarterly, L2 and L1 six-monthly [001 §6.3].
REVIEW_INTERVAL_MONTHS: Mapping[int, int] = {5: 1, 4: 2, 3: 3, 2: 6, 1: 6}

# Meetings on a fixed interval whatever the level (defaults; a committee's own terms of
# reference set its interval).
MONTHLY = 1
SIX_MONTHLY = 6
FIXED_INTERVAL_MONTHS: Mapping[str, int] = {
    "wg_nhspi_oversight": MONTHLY,  # WG–NHS P&I Oversight Meeting [001 §6.1, §6.3]
    "regional": SIX_MONTHLY,  # regions under Ministerial Direction [001 §6.3, closing note]
    "tripartite": SIX_MONTHLY,  # WG, HIW and Audit Wales, plus ad hoc [002 §37]
    "iqpd": MONTHLY,  # legacy [002 §31]
    "service_specific": MONTHLY,  # legacy [002 §31]
    "quality_and_delivery_board": MONTHLY,  # WG internal [002 §33]
    "committee": 2,  # "every two months" [003 §5]
}

# JET (legacy) is held twice a year: April/May (year end) and October/November (mid-point)
# [000 §10; 002 §31].
JET_WINDOWS: tuple[tuple[int, ...], ...] = ((4, 5), (10, 11))

# Terms of reference reviews, in months: JET every two years [000 §16]; a committee's
# annually [003 §8].
TOR_REVIEW_MONTHS: Mapping[str, int] = {"jet": 24, "committee": 12}

# Lead times, in calendar days.
JET_AGENDA_DAYS = 21  # agenda "at least three weeks prior" [000 §12]
JET_SLIDES_DAYS = 10  # slides "ten days in advance" [000 §12]
COMMITTEE_AGENDA_ITEMS_DAYS = 14  # agenda items "two weeks before the meeting" [003 §5]
MINUTES_DRAFT_DAYS = 14  # sources say only "in a timely manner" [003 §5]: see minutes_draft_due
JET_MAX_MINUTES = 120  # "generally not exceed two hours" [000 §11]: guidance, not a refusal

OVERDUE_GRACE_DAYS = 14  # a due date already past is scheduled within 14 days [ARCHITECTURE]

# A meeting's life. Only a meeting still "planned" (not yet confirmed with the organisation)
# is moved by a change of level [ARCHITECTURE "Where the cadence counts from"].
MOVABLE_STATUSES = frozenset({"planned"})
FIXED_STATUSES = frozenset({"confirmed", "agenda_issued", "papers_issued", "held", "minuted", "closed", "cancelled"})
STATUSES = MOVABLE_STATUSES | FIXED_STATUSES


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the end of a shorter month.

    31 January + 1 month is 28 February (29 in a leap year); 31 August + 6 months likewise.
    A clamped date is not "remembered": 28 February + 1 month is 28 March.
    """
    return day + relativedelta(months=months)


def review_interval(level: int, policy: Mapping[int, int] = REVIEW_INTERVAL_MONTHS) -> int:
    """Months between reviews at a driving level, from a cadence policy kept as data."""
    if level not in policy:
        raise ValueError(f"The cadence policy gives no interval for level {level}")
    return policy[level]


def review_due(*, interval_months: int, last_held_on: date | None, level_effective_from: date | None) -> date:
    """When the next meeting of a type with an organisation is due.

    It counts from the last *held* meeting; when none has been held, from the date the
    current driving level took effect [ARCHITECTURE "Where the cadence counts from"].
    """
    if interval_months < 1:
        raise ValueError("A meeting interval is at least one month")
    start = last_held_on if last_held_on is not None else level_effective_from
    if start is None:
        raise ValueError("Give the date of the last held meeting or the date the driving level took effect")
    return add_months(start, interval_months)


def schedule_on(*, due_on: date, today: date, grace_days: int = OVERDUE_GRACE_DAYS) -> date:
    """The date to plan a meeting for.

    The due date itself when it is today or later. When it has already passed, the meeting
    is "scheduled within the next 14 days" [ARCHITECTURE]: this plans it on the last of
    those days, ``today + grace_days``. That is the latest date that still honours the
    rule, so the secretariat has the most time to gather papers (the date may always be
    brought forward by hand), and it falls on the same weekday as ``today``, so an overdue
    meeting found on a working day is planned on a working day.
    """
    if grace_days < 0:
        raise ValueError("The grace period cannot be negative")
    if due_on >= today:
        return due_on
    return today + timedelta(days=grace_days)


def replan(
    *,
    planned_on: date,
    status: str,
    new_due_on: date,
    today: date,
    old_level: int,
    new_level: int,
    grace_days: int = OVERDUE_GRACE_DAYS,
) -> date:
    """Where a planned meeting goes when the organisation's driving level changes.

    ``new_due_on`` is the due date under the new level's interval (``review_due``). Only a
    meeting still "planned" moves; a confirmed, issued, held, minuted, closed or cancelled
    meeting keeps its date [ARCHITECTURE "Where the cadence counts from"].

    - Escalation: the meeting moves earlier to fit the new interval, never later. A new due
      date already passed follows ``schedule_on`` (within the next 14 days), and still
      never later than the date already planned.
    - De-escalation: the meeting moves later to the new due date, never earlier; cadence
      reduces on sustained improvement [001 §7.1; §9.3 step 4].
    - No change of level: the date stands.
    """
    if status not in STATUSES:
        raise ValueError(f"Unknown meeting status {status!r}")
    if status not in MOVABLE_STATUSES or new_level == old_level:
        return planned_on
    target = schedule_on(due_on=new_due_on, today=today, grace_days=grace_days)
    if new_level > old_level:
        return min(planned_on, target)
    return max(planned_on, target)


def replan_review(
    *,
    planned_on: date,
    status: str,
    last_held_on: date | None,
    level_effective_from: date | None,
    old_level: int,
    new_level: int,
    today: date,
    policy: Mapping[int, int] = REVIEW_INTERVAL_MONTHS,
) -> date:
    """``replan`` for the CEO/Executive Review, with the new due date worked out from the
    cadence policy [001 §6.3]. ``level_effective_from`` is when the new driving level took
    effect (used only when no review has been held)."""
    new_due_on = review_due(
        interval_months=review_interval(new_level, policy),
        last_held_on=last_held_on,
        level_effective_from=level_effective_from,
    )
    return replan(
        planned_on=planned_on,
        status=status,
        new_due_on=new_due_on,
        today=today,
        old_level=old_level,
        new_level=new_level,
    )


def has_organisation_item(level: int) -> bool:
    """Does the monthly WG–NHS P&I Oversight Meeting take an item on this organisation?
    Levels 2-5 yes; level 1 is covered by the system-wide update only [001 §6.3]."""
    return level >= 2


def whole_board_meeting_applies(level: int) -> bool:
    """A Whole Board meeting with the NHS Wales CEO is for organisations at level 5 [001 §6.2]."""
    return level == 5


def next_monthly(after: date) -> date:
    """One calendar month on (the WG–NHS P&I Oversight Meeting [001 §6.1])."""
    return add_months(after, MONTHLY)


def oversight_meeting_day(year: int, month: int) -> date:
    """The WG–NHS P&I Oversight Meeting's day in a month: the second Tuesday. The sources give
    the monthly cadence [001 §6.1] but no day; the secretariat may move any meeting."""
    first = date(year, month, 1)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)  # Monday is 0
    return first_tuesday + timedelta(days=7)


CANCELLED_GAP_DAYS = 14  # after a cancelled meeting, the next in its slot is planned at least this much later


def schedule_after_cancellation(
    *, due_on: date, cancelled_on: date | None, today: date, gap_days: int = CANCELLED_GAP_DAYS
) -> date:
    """When to plan a slot's next meeting: as ``schedule_on``, except that when the meeting for
    this due date was called off (cancelled on or after it), not back on the same day but at
    least ``gap_days`` after it, and never in the past. The sources are silent; see
    docs/decisions.md ("Who sees what of a meeting")."""
    on = schedule_on(due_on=due_on, today=today)
    if cancelled_on is not None and cancelled_on >= due_on:
        on = max(on, schedule_on(due_on=cancelled_on + timedelta(days=gap_days), today=today))
    return on


def next_six_monthly(after: date) -> date:
    """Six calendar months on (tripartite [002 §37]; regional meetings [001 §6.3])."""
    return add_months(after, SIX_MONTHLY)


@dataclass(frozen=True)
class Window:
    """A run of calendar months in which a fixed-month meeting is held."""

    starts_on: date
    ends_on: date

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _windows_in_year(year: int, windows: tuple[tuple[int, ...], ...]) -> list[Window]:
    found = []
    for months in windows:
        if not months or list(months) != list(range(months[0], months[0] + len(months))) or months[-1] > 12:
            raise ValueError(f"A window is a run of consecutive months within one year, not {months}")
        last = date(year, months[-1], 1) + relativedelta(months=1, days=-1)
        found.append(Window(date(year, months[0], 1), last))
    return sorted(found, key=lambda w: w.starts_on)


def window_for(*, on: date, windows: tuple[tuple[int, ...], ...] = JET_WINDOWS) -> Window:
    """The window containing ``on``, or else the next one: where to plan the next JET when
    none has been held (a window still open is not skipped) [000 §10]."""
    for year in (on.year, on.year + 1):
        for window in _windows_in_year(year, windows):
            if on <= window.ends_on:
                return window
    raise AssertionError("unreachable: every year has its windows")  # pragma: no cover


def next_in_fixed_months(*, after: date, windows: tuple[tuple[int, ...], ...] = JET_WINDOWS) -> Window:
    """The first window that begins after ``after``: for a JET held on ``after``, the window
    of the next one (held in April, the next is October; held in November, next April)
    [000 §10]. Its ``starts_on`` is the first day of that window."""
    for year in (after.year, after.year + 1):
        for window in _windows_in_year(year, windows):
            if window.starts_on > after:
                return window
    raise AssertionError("unreachable: every year has its windows")  # pragma: no cover


# --- Lead times and deadlines --------------------------------------------------------------------


def agenda_due(meeting_on: date, days: int = JET_AGENDA_DAYS) -> date:
    """The JET agenda goes out at least three weeks before the meeting [000 §12]."""
    return meeting_on - timedelta(days=days)


def slides_due(meeting_on: date, days: int = JET_SLIDES_DAYS) -> date:
    """The organisation's slides are due ten days before a JET meeting [000 §12]."""
    return meeting_on - timedelta(days=days)


def agenda_items_due(meeting_on: date, days: int = COMMITTEE_AGENDA_ITEMS_DAYS) -> date:
    """A committee's agenda items are submitted two weeks before the meeting [003 §5]."""
    return meeting_on - timedelta(days=days)


def papers_due(meeting_on: date) -> date:
    """A committee's agenda and papers go out "by the Friday preceding the meeting" [003 §5].

    "Preceding" is read strictly: a meeting on a Friday has its papers by the Friday a week
    before; a meeting on a Saturday, by the day before; Monday to Thursday, by the Friday of
    the week before.
    """
    days_back = (meeting_on.weekday() - 4) % 7 or 7
    return meeting_on - timedelta(days=days_back)


def minutes_draft_due(held_on: date, *, days: int = MINUTES_DRAFT_DAYS, next_meeting_on: date | None = None) -> date:
    """When the draft combined minutes and actions should go to members.

    The sources say only "in a timely manner following each meeting", and that the draft
    is approved at the next meeting [003 §5]. Default: 14 days after the meeting, which
    fits inside the shortest cadence in the sources (monthly) with time to spare. When the
    next meeting is known, the draft is due no later than that meeting's papers (the Friday
    preceding it), so it can be approved there, though never before the meeting it records.
    """
    due = held_on + timedelta(days=days)
    if next_meeting_on is not None:
        due = max(held_on, min(due, papers_due(next_meeting_on)))
    return due


def is_late(submitted_on: date | None, due_on: date, today: date | None = None) -> bool:
    """Submitted after its due date; or, not yet submitted, with ``today`` past the due date.
    Submitting on the due date itself is on time."""
    if submitted_on is not None:
        return submitted_on > due_on
    if today is None:
        raise ValueError("Give today's date to judge something not yet submitted")
    return today > due_on


def tor_review_due(last_reviewed_on: date, kind: str) -> date:
    """Terms of reference are reviewed every two years for JET [000 §16] and annually for a
    committee [003 §8]."""
    if kind not in TOR_REVIEW_MONTHS:
        raise ValueError(f"No review period for terms of reference of kind {kind!r}")
    return add_months(last_reviewed_on, TOR_REVIEW_MONTHS[kind])


# --- Quorum ------------------------------------------------------------------------------------

CORE, ATTENDEE = "core", "attendee"
MEMBERSHIP_KINDS = frozenset({CORE, ATTENDEE})
# A core member present, or their nominated alternate attending as deputy [003 §3], counts.
COUNTING_MARKS = frozenset({"present", "deputy"})
ATTENDANCE_MARKS = COUNTING_MARKS | {"apologies", "absent"}


@dataclass(frozen=True)
class Attendance:
    """One seat at a meeting: a core member or an attendee, and how it was filled."""

    organisation: str
    membership: str  # "core" or "attendee"
    mark: str  # "present", "deputy" (the member's alternate came), "apologies" or "absent"

    def __post_init__(self):
        if self.membership not in MEMBERSHIP_KINDS:
            raise ValueError(f"Unknown membership kind {self.membership!r}")
        if self.mark not in ATTENDANCE_MARKS:
            raise ValueError(f"Unknown attendance mark {self.mark!r}")


@dataclass(frozen=True)
class QuorumRule:
    """A committee's quorum, from its terms of reference [003 §6, "XXX of members"].

    ``minimum`` is a number and ``fraction`` a share of the core total (at least that
    share, rounded up); the quorum is whichever needs more, and never fewer than one.
    ``counts`` says whether core *organisations* (one or more of their members or deputies
    present) or core *members* (seats) are counted. Attendees never count [003 §6].
    """

    minimum: int = 0
    fraction: Fraction | None = None
    counts: str = "organisations"

    def __post_init__(self):
        if self.minimum < 0:
            raise ValueError("A quorum cannot be negative")
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise ValueError("A quorum fraction is more than 0 and at most 1")
        if self.minimum == 0 and self.fraction is None:
            raise ValueError("A quorum needs a minimum number or a fraction")
        if self.counts not in ("organisations", "members"):
            raise ValueError(f"A quorum counts organisations or members, not {self.counts!r}")

    def needed(self, total: int) -> int:
        by_share = math.ceil(self.fraction * total) if self.fraction is not None else 0
        return max(self.minimum, by_share, 1)


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    present: int
    total: int
    needed: int
    counts: str

    def __str__(self):
        return f"{self.present} of {self.total} core {self.counts} present; {self.needed} needed"


def quorum_met(*, rule: QuorumRule, attendance: Iterable[Attendance]) -> QuorumResult:
    """Is the meeting quorate? Only core members or their alternates count; attendees do
    not contribute to the quorum [003 §6; alternates §3].

    ``attendance`` lists every core seat (with "apologies" or "absent" when unfilled), so
    the total is the committee's core membership.
    """
    core = [row for row in attendance if row.membership == CORE]
    if rule.counts == "organisations":
        total = len({row.organisation for row in core})
        present = len({row.organisation for row in core if row.mark in COUNTING_MARKS})
    else:
        total = len(core)
        present = sum(1 for row in core if row.mark in COUNTING_MARKS)
    needed = rule.needed(total)
    return QuorumResult(met=present >= needed, present=present, total=total, needed=needed, counts=rule.counts)


# --- Votes -------------------------------------------------------------------------------------

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
VOTE_CHOICES = frozenset({FOR, AGAINST, ABSTAIN})
CARRIED, NOT_CARRIED = "carried", "not carried"


@dataclass(frozen=True)
class Vote:
    """One member's vote, as recorded. A deputy votes under their member's core seat."""

    organisation: str
    membership: str  # "core" or "attendee"
    choice: str  # "for", "against" or "abstain"

    def __post_init__(self):
        if self.membership not in MEMBERSHIP_KINDS:
            raise ValueError(f"Unknown membership kind {self.membership!r}")
        if self.choice not in VOTE_CHOICES:
            raise ValueError(f"Unknown vote {self.choice!r}")


@dataclass(frozen=True)
class VoteResult:
    """The outcome, counted by organisation: each core organisation holds one vote."""

    for_organisations: tuple[str, ...]
    against_organisations: tuple[str, ...]
    abstaining_organisations: tuple[str, ...]
    outcome: str  # "carried" or "not carried"
    casting_vote: str | None  # the chair's, given only on a tie
    decided_by_casting_vote: bool

    @property
    def for_count(self) -> int:
        return len(self.for_organisations)

    @property
    def against_count(self) -> int:
        return len(self.against_organisations)

    @property
    def abstain_count(self) -> int:
        return len(self.abstaining_organisations)

    def __str__(self):
        text = (
            f"{self.outcome.capitalize()}: {self.for_count} for, {self.against_count} against, "
            f"{self.abstain_count} abstaining (one vote per core organisation)"
        )
        if self.decided_by_casting_vote:
            text += f"; tied, decided by the chair's casting vote {self.casting_vote}"
        return text


class VoteRefused(ValueError):
    """Raised by ``vote_outcome`` with the refusal that stopped it."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


def _decision_rule(rule: str) -> str:
    return f"{rule} ({SOURCE_003}, section 6)."


def _organisation_choices(votes: Iterable[Vote]) -> tuple[dict[str, str], Refusal | None]:
    """Each organisation's single vote, or the first refusal met on the way."""
    choices: dict[str, set[str]] = {}
    for vote in votes:
        if vote.membership != CORE:
            return {}, Refusal(
                "attendee_cannot_vote",
                _decision_rule(
                    f"A vote is recorded for an attendee from {vote.organisation}: attendees are not entitled "
                    "to vote; only core organisations vote"
                ),
            )
        choices.setdefault(vote.organisation, set()).add(vote.choice)
    for organisation, chosen in sorted(choices.items()):
        if len(chosen) > 1:
            return {}, Refusal(
                "organisation_vote_split",
                _decision_rule(
                    f"Members of {organisation} voted differently ({', '.join(sorted(chosen))}): each core "
                    "organisation holds one equal vote, so record the single vote the organisation casts"
                ),
            )
    if not choices:
        return {}, Refusal("no_votes", _decision_rule("No votes are recorded: record each core organisation's vote"))
    return {organisation: chosen.pop() for organisation, chosen in choices.items()}, None


def vote_refusal(*, votes: Iterable[Vote], chair_casting_vote: str | None = None) -> Refusal | None:
    """The first rule that refuses this record of a vote, or None when it may be counted.

    Decisions are by consensus; a vote is held only when needed, so callers count one only
    when a vote took place [003 §6]. Each core organisation holds one equal vote: members of
    one organisation voting alike count once; members voting differently are refused
    rather than guessed at. Attendees are not entitled to vote. On a tie (including no
    votes for or against) the chair's deciding vote, for or against, must be recorded;
    off a tie it is refused, as the chair decides only a tie [003 §6].
    """
    counted = _count(votes=votes, chair_casting_vote=chair_casting_vote)
    return counted if isinstance(counted, Refusal) else None


def _count(*, votes: Iterable[Vote], chair_casting_vote: str | None) -> VoteResult | Refusal:
    by_organisation, refusal = _organisation_choices(votes)
    if refusal is not None:
        return refusal
    sides = {
        choice: tuple(sorted(org for org, chosen in by_organisation.items() if chosen == choice))
        for choice in VOTE_CHOICES
    }
    ayes, noes = len(sides[FOR]), len(sides[AGAINST])
    tied = ayes == noes
    if chair_casting_vote is not None and chair_casting_vote not in (FOR, AGAINST):
        return Refusal(
            "casting_vote_invalid",
            _decision_rule("The chair's deciding vote is for or against the proposal; it cannot abstain"),
        )
    if tied and chair_casting_vote is None:
        return Refusal(
            "casting_vote_required",
            _decision_rule(f"The vote is tied ({ayes} for, {noes} against): record the chair's deciding vote"),
        )
    if not tied and chair_casting_vote is not None:
        return Refusal(
            "casting_vote_not_needed",
            _decision_rule(
                f"The vote is not tied ({ayes} for, {noes} against): the chair has a deciding vote only on a tie"
            ),
        )
    carried = chair_casting_vote == FOR if tied else ayes > noes
    return VoteResult(
        for_organisations=sides[FOR],
        against_organisations=sides[AGAINST],
        abstaining_organisations=sides[ABSTAIN],
        outcome=CARRIED if carried else NOT_CARRIED,
        casting_vote=chair_casting_vote,
        decided_by_casting_vote=tied,
    )


def vote_outcome(*, votes: Iterable[Vote], chair_casting_vote: str | None = None) -> VoteResult:
    """Count a vote by organisation [003 §6]; raises ``VoteRefused`` carrying the
    ``vote_refusal`` when the record breaks a rule."""
    counted = _count(votes=votes, chair_casting_vote=chair_casting_vote)
    if isinstance(counted, Refusal):
        raise VoteRefused(counted)
    return counted

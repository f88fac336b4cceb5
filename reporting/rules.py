"""The performance pack's rules, as pure functions over plain values.

No Django models, no database, no clock: callers pass in statuses, roles, units, dates and
numbers. ``reporting.services`` and ``reporting.imports`` call these for the web form, the
upload and the API alike, so each rule lives here and nowhere else. Refusals are
``escalation.rules.Refusal`` (a code and a message a person can act on).

Choices made where the issue (#5) is silent are stated beside each rule:

* **Due date.** The issue gives none. A month's pack is due on the **10th working day of the
  following month** (Monday to Friday; bank holidays are *not* counted out, because the
  product holds no holiday calendar yet). ``PACK_DUE_WORKING_DAY`` sets the day.
* **Measure scores** (decision support) use fixed bands relative to the target, see
  ``measure_score``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from escalation.rules import Refusal

from . import spc
from .choices import Comparison, Direction, PackStatus, Unit, compare

SUBMITTER = "org_submitter"
ANALYST = "nhspi_analyst"

# --- The pack's life --------------------------------------------------------------------------

# (from, to) -> (the role that may make the move, what the move is called)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (PackStatus.DRAFT, PackStatus.SUBMITTED): (SUBMITTER, "submit"),
    (PackStatus.RETURNED, PackStatus.SUBMITTED): (SUBMITTER, "submit again"),
    (PackStatus.SUBMITTED, PackStatus.RETURNED): (ANALYST, "return with comments"),
    (PackStatus.SUBMITTED, PackStatus.VALIDATED): (ANALYST, "validate"),
    (PackStatus.VALIDATED, PackStatus.RELEASED): (ANALYST, "release"),
}
ROLE_NAMES = {SUBMITTER: "the organisation's submitters", ANALYST: "NHS P&I analysts"}


def _status(value: str) -> str:
    return PackStatus(value).label.lower()


def pack_transition_refusal(*, status: str, to_status: str, roles: Iterable[str], comment: str = "") -> Refusal | None:
    """May someone holding ``roles`` (for this pack's organisation) move a pack from
    ``status`` to ``to_status``?

    draft → submitted (submitter) → returned (analyst, with a comment) or validated
    (analyst) → released (analyst); returned → submitted again (submitter). Released is
    final: a correction is a new version of the pack.
    """
    roles = set(roles)
    if status == PackStatus.RELEASED:
        return Refusal(
            "pack_released",
            "This pack has been released, so it cannot change. Start a correction (a new version "
            "with a reason) if its numbers need to change.",
        )
    move = TRANSITIONS.get((status, to_status))
    if move is None:
        return Refusal(
            "pack_transition",
            f"A {_status(status)} pack cannot be moved to “{_status(to_status)}”.",
        )
    role, name = move
    if role not in roles:
        return Refusal("pack_role", f"Only {ROLE_NAMES[role]} may {name} a pack.")
    if to_status == PackStatus.RETURNED and not (comment or "").strip():
        return Refusal(
            "pack_return_comment",
            "Say what needs to change: a pack is returned with a comment for the organisation.",
        )
    return None


def pack_editable_refusal(*, status: str) -> Refusal | None:
    """The organisation changes a pack's contents only while it is a draft or returned."""
    if status in (PackStatus.DRAFT, PackStatus.RETURNED):
        return None
    if status == PackStatus.RELEASED:
        return pack_transition_refusal(status=status, to_status=status, roles=())
    return Refusal(
        "pack_not_editable",
        f"This pack is {_status(status)}, so its contents cannot change now. An NHS P&I analyst can "
        "return it to the organisation if something needs correcting.",
    )


# --- Values -----------------------------------------------------------------------------------

MAX_DECIMAL_PLACES = 4  # PackValue.value: 16 digits, 4 after the point
MAX_WHOLE_DIGITS = 12

UNIT_NAMES = {
    Unit.PERCENT: "a percentage",
    Unit.COUNT: "a number of things",
    Unit.MINUTES: "a number of minutes",
    Unit.HOURS: "a number of hours",
    Unit.RATE_PER_100000: "a rate per 100,000 population",
    Unit.GBP_MILLIONS: "an amount in £ million",
    Unit.YES_NO: "yes or no",
}


def parse_value(text) -> Decimal | None:
    """A number from a form, a file or the API: ``None`` for an empty cell; raises
    ``ValueError`` for anything that is not a plain finite number."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        number = text
    elif isinstance(text, bool):
        raise ValueError(text)
    elif isinstance(text, int):
        number = Decimal(text)
    elif isinstance(text, float):
        # A spreadsheet's number: its binary noise rounded off at the places we store. One too
        # large to round (or not finite) is kept as it is, for the checks below and the unit's
        # range to refuse by name.
        number = Decimal(repr(text))
        with contextlib.suppress(InvalidOperation):
            number = number.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES)).normalize()
    else:
        cleaned = str(text).strip()
        if not cleaned:
            return None
        try:
            number = Decimal(cleaned)
        except InvalidOperation as error:
            raise ValueError(text) from error
    if not number.is_finite():
        raise ValueError(text)
    return number


def value_refusal(*, unit: str, value: Decimal | None, measure: str = "") -> Refusal | None:
    """Is ``value`` possible for a measure in this unit? ``None`` (no value) is judged by
    ``missing_value_refusal`` instead.

    percentage 0–100; counts non-negative whole numbers; yes/no 0 or 1; £ million any
    number; rates, minutes and hours not negative. At most 4 decimal places.
    """
    if value is None:
        return None
    name = measure or "This measure"
    what = UNIT_NAMES.get(unit, "a number")
    if abs(value) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        return Refusal("value_too_large", f"{name}: {value} is too large to be {what}.")
    if value != value.quantize(Decimal(1).scaleb(-MAX_DECIMAL_PLACES)):
        return Refusal("value_precision", f"{name}: give at most {MAX_DECIMAL_PLACES} decimal places, not {value}.")
    if unit == Unit.PERCENT and not (0 <= value <= 100):
        return Refusal("value_range", f"{name} is a percentage: give a number from 0 to 100, not {value}.")
    if unit == Unit.COUNT and (value < 0 or value != value.to_integral_value()):
        return Refusal("value_range", f"{name} is a count: give a whole number of 0 or more, not {value}.")
    if unit == Unit.YES_NO and value not in (0, 1):
        return Refusal("value_range", f"{name} is yes or no: give 1 for yes or 0 for no, not {value}.")
    if unit in (Unit.RATE_PER_100000, Unit.MINUTES, Unit.HOURS) and value < 0:
        return Refusal("value_range", f"{name} is {what}: it cannot be negative ({value}).")
    return None


def missing_value_refusal(*, value: Decimal | None, reason: str, measure: str = "") -> Refusal | None:
    """A measure with no value needs a reason (e.g. "data not yet validated by the service")."""
    if value is None and not (reason or "").strip():
        name = measure or "This measure"
        return Refusal("value_missing_reason", f"{name} has no value: give the value, or say why there is none.")
    return None


def measure_applies(*, applies_to: str, kind: str, code: str) -> bool:
    """Does a catalogue measure apply to an organisation? Read from the catalogue's
    free-text ``applies_to`` ("HBs", "HBs, Velindre", "WAST", "all NHS bodies"...). Text we
    do not recognise applies to everyone, so that no organisation is silently spared."""
    text = (applies_to or "").lower()
    if not text.strip():
        return True
    health_board = kind == "health_board"
    if "all nhs bodies" in text:
        return kind in ("health_board", "trust", "special_health_authority")
    matched = False
    if text.startswith("wast"):
        return code == "WAST"
    if "hbs" in text:
        matched = True
        if health_board:
            return True
    if "trusts" in text:
        matched = True
        if kind == "trust":
            return True
    if "velindre" in text:
        matched = True
        if code == "VUNHST":
            return True
    return not matched


# --- Due date and the late flag ---------------------------------------------------------------

PACK_DUE_WORKING_DAY = 10


def pack_due_on(period: date, *, working_day: int = PACK_DUE_WORKING_DAY) -> date:
    """The ``working_day``-th working day (Monday to Friday) of the month after ``period``.
    The issue sets no due date; this is the product's choice, see the module docstring."""
    first = date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    day = first - timedelta(days=1)
    counted = 0
    while counted < working_day:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def pack_late(due_on: date | None, submitted_on: date | None, today: date) -> bool:
    """Submitted after the due date, or not yet submitted and the due date has passed."""
    if due_on is None:
        return False
    if submitted_on is not None:
        return submitted_on > due_on
    return today > due_on


# --- Decision support (advisory) --------------------------------------------------------------

# Score bands, by the shortfall against target as a fraction of the target (worse side only):
#   1: meets or beats the target
#   2: misses by up to 5% of the target
#   3: misses by more than 5% and up to 15%
#   4: misses by more than 15%
# A target of zero (e.g. "no 12-hour waits") has no relative scale: met scores 1, any miss 4.
SCORE_BANDS = (Decimal("0.05"), Decimal("0.15"))
DEFAULT_THRESHOLDS = (Decimal("1.75"), Decimal("2.5"), Decimal("3.25"))


def measure_score(*, value: Decimal | None, target: Decimal | None, direction: str) -> int | None:
    """A measure's score 1 (best) to 4 (worst) against its target, by ``SCORE_BANDS``.
    ``None`` when it cannot be scored: no value, no target, or a context-only measure."""
    if value is None or target is None or direction not in (Direction.HIGHER, Direction.LOWER):
        return None
    value, target = Decimal(value), Decimal(target)
    shortfall = target - value if direction == Direction.HIGHER else value - target
    if shortfall <= 0:
        return 1
    if target == 0:
        return 4
    relative = shortfall / abs(target)
    if relative <= SCORE_BANDS[0]:
        return 2
    if relative <= SCORE_BANDS[1]:
        return 3
    return 4


def pillar_average(scores: Iterable[int | None]) -> Decimal | None:
    """The mean of the scores that exist, to two places; ``None`` when none do."""
    present = [Decimal(score) for score in scores if score is not None]
    if not present:
        return None
    return (sum(present) / len(present)).quantize(Decimal("0.01"))


def suggested_level(average: Decimal | None, thresholds: Sequence[Decimal] = DEFAULT_THRESHOLDS) -> int | None:
    """The lowest level whose upper bound the average does not exceed: ``thresholds`` are
    the upper bounds (inclusive) for levels 1, 2 and 3; anything higher is level 4. Level 5
    (special measures) is never suggested."""
    if average is None:
        return None
    for level, bound in enumerate(sorted(Decimal(t) for t in thresholds[:3]), start=1):
        if Decimal(average) <= bound:
            return level
    return 4


def cap_applies(*, value: Decimal | None, operator: str, threshold: Decimal) -> bool:
    """Does a cap rule fire on a measure's latest released value?"""
    return value is not None and compare(Decimal(value), operator, Decimal(threshold))


def apply_caps(level: int | None, caps: Iterable[int]) -> int | None:
    """The level after the caps that fire: no better than each cap's level (and never 5)."""
    if level is None:
        return None
    return min(4, max([level, *caps]))


# --- Criteria that test themselves ------------------------------------------------------------


def criterion_met(*, values: Sequence[Decimal | None], operator: str, threshold: Decimal, months: int) -> bool:
    """``values`` are the released monthly values, oldest first. Met when the last
    ``months`` of them all exist and satisfy ``value <operator> threshold``."""
    Comparison(operator)
    if months < 1 or len(values) < months:
        return False
    return all(v is not None and compare(Decimal(v), operator, Decimal(threshold)) for v in values[-months:])


# --- Documents ----------------------------------------------------------------------------------
#
# Choices made where the issue (#6) is silent (also in docs/decisions.md):
#
# * **Drafting** (and editing a draft, and opening a re-issue): WG officials, decision makers and
#   secretariat (who write up meetings), and NHS P&I analysts.
# * **Approving** is by the signatory's role: a notification of a move involving level 4 or 5
#   (targeted intervention, special measures) is approved by a WG decision maker (the DG / NHS
#   Wales Chief Executive signs it); every other document by a WG official or decision maker.
#   Nobody approves a document they drafted themselves unless they are a decision maker.
#   Composed documents are approved by those who answer for their content: an agenda pack by
#   the WG secretariat (who run the meeting) or an official; a performance pack PDF by an NHS
#   P&I analyst (who curate the pack) or an official; a public accountability summary, which
#   is published, by an official or a decision maker (``COMPOSED_APPROVERS``).
# * **Issuing** (rendering, numbering and storing) follows approval and may be done by any WG
#   role, secretariat included: it adds no judgement.
# * **Register number**: ``OVS-<year>-<six digits>``, numbered on from the highest of the year.

DOC_DRAFT, DOC_APPROVED, DOC_ISSUED = "draft", "approved", "issued"
WG_OFFICIAL, WG_DECISION_MAKER, WG_SECRETARIAT = "wg_official", "wg_decision_maker", "wg_secretariat"
DOCUMENT_DRAFTERS = frozenset({WG_OFFICIAL, WG_DECISION_MAKER, WG_SECRETARIAT, ANALYST})
DOCUMENT_ISSUERS = frozenset({WG_OFFICIAL, WG_DECISION_MAKER, WG_SECRETARIAT})
REGISTER_PREFIX = "OVS"
COMPOSED_APPROVERS = {
    "agenda_pack": frozenset({WG_SECRETARIAT, WG_OFFICIAL}),
    "performance_pack": frozenset({ANALYST, WG_OFFICIAL}),
    "public_summary": frozenset({WG_OFFICIAL, WG_DECISION_MAKER}),
}


def document_approver_roles(*, kind: str, level: int | None) -> frozenset[str]:
    """The roles that may approve (sign off) a document of this kind at this level."""
    if kind == "escalation_notification" and level is not None and level >= 4:
        return frozenset({WG_DECISION_MAKER})
    if kind in COMPOSED_APPROVERS:
        return COMPOSED_APPROVERS[kind]
    return frozenset({WG_OFFICIAL, WG_DECISION_MAKER})


def document_transition_refusal(
    *, status: str, to_status: str, kind: str, level: int | None, roles: Iterable[str], drafted_by_self: bool = False
) -> Refusal | None:
    """May someone holding ``roles`` move a document from ``status`` to ``to_status``?"""
    from django.utils.translation import gettext as _

    roles = set(roles)
    if (status, to_status) == (DOC_DRAFT, DOC_DRAFT):
        if not roles & DOCUMENT_DRAFTERS:
            return Refusal("document_role", _("Only Welsh Government staff and NHS P&I analysts may draft documents."))
        return None
    if (status, to_status) == (DOC_DRAFT, DOC_APPROVED):
        allowed = document_approver_roles(kind=kind, level=level)
        if not roles & allowed:
            if allowed == {WG_DECISION_MAKER}:
                return Refusal(
                    "document_approver",
                    _("A notification at level 4 or 5 is approved by a Welsh Government decision maker."),
                )
            if kind in COMPOSED_APPROVERS:
                return Refusal("document_approver", _composed_approver_message(kind))
            return Refusal("document_approver", _("Only Welsh Government officials may approve this document."))
        if drafted_by_self and WG_DECISION_MAKER not in roles:
            return Refusal("document_own_draft", _("Someone other than its drafter must approve this document."))
        return None
    if (status, to_status) == (DOC_APPROVED, DOC_ISSUED):
        if not roles & DOCUMENT_ISSUERS:
            return Refusal("document_role", _("Only Welsh Government staff may issue documents."))
        return None
    if status == DOC_ISSUED:
        return Refusal("document_issued", _("This document has been issued and can no longer change."))
    return Refusal(
        "document_transition",
        _("A document cannot go from %(from)s to %(to)s.") % {"from": status, "to": to_status},
    )


def _composed_approver_message(kind: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "agenda_pack": _("An agenda pack is approved by the Welsh Government secretariat or an official."),
        "performance_pack": _(
            "A performance pack PDF is approved by an NHS P&I analyst or a Welsh Government official."
        ),
        "public_summary": _(
            "A public accountability summary is approved by a Welsh Government official or decision maker."
        ),
    }[kind]


def document_editable_refusal(*, status: str) -> Refusal | None:
    """Only a draft's text may change; an approved document goes back to draft first."""
    from django.utils.translation import gettext as _

    if status == DOC_DRAFT:
        return None
    if status == DOC_ISSUED:
        return Refusal("document_issued", _("This document has been issued and can no longer change."))
    return Refusal("document_not_draft", _("Only a draft can be edited."))


def register_number(*, year: int, sequence: int) -> str:
    """The register number of the ``sequence``-th document issued in ``year``."""
    if not 1 <= sequence <= 999_999:
        raise ValueError(f"register sequence out of range: {sequence}")
    return f"{REGISTER_PREFIX}-{year:04d}-{sequence:06d}"


def next_register_sequence(numbers: Iterable[str], *, year: int) -> int:
    """One more than the highest sequence already given in ``year`` (1 for the first)."""
    prefix = f"{REGISTER_PREFIX}-{year:04d}-"
    used = [int(n[len(prefix) :]) for n in numbers if n and n.startswith(prefix) and n[len(prefix) :].isdigit()]
    return max(used, default=0) + 1


def notification_kind(*, from_level: int, to_level: int) -> str:
    """ "escalation" for a move up, "de-escalation" for a move down (a re-scoping is neither)."""
    if to_level > from_level:
        return "escalation"
    if to_level < from_level:
        return "de-escalation"
    return "no_change"


# A letter of concern (performance notice) is the formal notification of levels 1 and 2 [001 §7.2;
# 002 §49]. From level 3 up the organisation is told by the notification letter of the decision
# that put it there, so a letter of concern is refused.
LETTER_OF_CONCERN_LEVELS = frozenset({1, 2})
# The sources set no time for the organisation's reply; four weeks is the default the drafter may
# change (docs/decisions.md).
LETTER_OF_CONCERN_REPLY_DAYS = 28


def letter_of_concern_reply_due(sent_on: date) -> date:
    """By when the organisation is asked to reply to a letter of concern drafted on ``sent_on``."""
    return sent_on + timedelta(days=LETTER_OF_CONCERN_REPLY_DAYS)


def letter_of_concern_refusal(*, level: int | None) -> Refusal | None:
    """May a letter of concern be drafted for a scope at ``level`` (its level now)?"""
    from django.utils.translation import gettext as _

    if level in LETTER_OF_CONCERN_LEVELS:
        return None
    return Refusal(
        "letter_of_concern_level",
        _(
            "A letter of concern is for levels 1 and 2. At level %(level)s the organisation is told by the "
            "notification letter of the escalation decision: draft that from the decision instead."
        )
        % {"level": level},
    )


def post_meeting_letter_refusal(
    *, held: bool, letter_follows: bool, has_organisation: bool, existing: str | None
) -> Refusal | None:
    """May a post-meeting letter be drafted for a meeting? After a meeting of a type a letter
    follows (a CEO/Executive Review, or a JET before it [000 §15]) the NHS Wales Chief Executive
    writes to the organisation's chief executive, once: ``existing`` names the meeting's letter
    if it has one (a correction of it is a re-issue, not a second letter)."""
    from django.utils.translation import gettext as _

    if not letter_follows:
        return Refusal("no_letter_for_type", _("No letter follows a meeting of this type."))
    if not has_organisation:
        return Refusal("no_letter_for_type", _("A letter follows a meeting with one organisation only."))
    if not held:
        return Refusal("meeting_not_held", _("The letter is written after the meeting: record that it was held first."))
    if existing is not None:
        return Refusal(
            "letter_exists",
            _(
                "This meeting already has its letter (%(letter)s). Edit that draft, or correct and re-issue it "
                "if it has been issued."
            )
            % {"letter": existing},
        )
    return None


# --- Early warnings ---------------------------------------------------------------------------


def _month_before(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def trajectory_missed_since(
    periods: Sequence[date],
    values: Sequence[float],
    agreed: Mapping[date, tuple[float, float]],
    *,
    direction: str,
    months: int,
) -> date | None:
    """When the latest ``months`` released months running each missed their trajectory
    (``agreed``: {month: (value, tolerance)}; missed means short of it by more than the
    tolerance, in the measure's bad direction): the month the unbroken run of misses began, so
    that a miss that goes on is one episode (one concern), not a new one each month. Otherwise
    None. A month with no released value, or no trajectory, breaks the run."""
    if months < 1 or len(values) < months:
        return None

    def missed(index: int) -> bool:
        aim = agreed.get(periods[index])
        if aim is None:
            return False
        found = spc.value_status(values[index], target=None, direction=direction, trajectory=aim[0], tolerance=aim[1])
        return getattr(found, "trajectory", None) == spc.Status.MISSED

    start = len(values)
    while start > 0:
        index = start - 1
        contiguous = start == len(values) or periods[index] == _month_before(periods[start])
        if not contiguous or not missed(index):
            break
        start = index
    return periods[start] if len(values) - start >= months else None


# --- Publication ------------------------------------------------------------------------------
#
# Making something public is an explicit act by a WG official or decision maker (issue #6): the
# public fields are copied into a public-register record, so nothing internal can leak through
# the public pages. Choices where the issue is silent (also in docs/decisions.md):
#
# * only a decided decision with an effective date is made public, and only with a summary of
#   its reasons written for the public (the rationale as drafted is internal and never copied);
# * of documents, only an issued public accountability summary is made public (letters go to
#   their addressee; publishing one would be a separate, later choice);
# * withdrawing a record from the register needs a reason, and keeps the record.

PUBLISHERS = frozenset({WG_OFFICIAL, WG_DECISION_MAKER})
PUBLISHABLE_DOCUMENT_KINDS = frozenset({"public_summary"})
PUBLIC_SUMMARY_MAX = 2000


def decision_publication_refusal(
    *, status: str, effective_from: date | None, summary: str, roles: Iterable[str], superseded: bool = False
) -> Refusal | None:
    """May someone holding ``roles`` make a decision public with this ``summary``? A decision
    corrected by a later one (``superseded``) is not: the correction is what to publish."""
    from django.utils.translation import gettext as _

    if not set(roles) & PUBLISHERS:
        return Refusal("publication_role", _("Only Welsh Government officials and decision makers make things public."))
    if status != "decided" or effective_from is None:
        return Refusal(
            "publication_not_decided", _("Only a decided decision with an effective date can be made public.")
        )
    if superseded:
        return Refusal(
            "publication_superseded",
            _("This decision was corrected by a later decision: make the correction public instead."),
        )
    if not summary.strip():
        return Refusal(
            "publication_summary_required",
            _("Write a summary of the reasons for the public: the rationale as drafted is not published."),
        )
    if len(summary) > PUBLIC_SUMMARY_MAX:
        return Refusal(
            "publication_summary_too_long",
            _("Keep the public summary to %(max)s characters or fewer.") % {"max": PUBLIC_SUMMARY_MAX},
        )
    return None


def document_publication_refusal(*, kind: str, status: str, roles: Iterable[str]) -> Refusal | None:
    """May someone holding ``roles`` make a document of this kind and status public?"""
    from django.utils.translation import gettext as _

    if not set(roles) & PUBLISHERS:
        return Refusal("publication_role", _("Only Welsh Government officials and decision makers make things public."))
    if kind not in PUBLISHABLE_DOCUMENT_KINDS:
        return Refusal("publication_kind", _("Only a public accountability summary can be made public."))
    if status != DOC_ISSUED:
        return Refusal("publication_not_issued", _("Only an issued document can be made public."))
    return None


def withdrawal_refusal(*, withdrawn: bool, reason: str, roles: Iterable[str]) -> Refusal | None:
    """May someone holding ``roles`` withdraw a public record, for ``reason``?"""
    from django.utils.translation import gettext as _

    if not set(roles) & PUBLISHERS:
        return Refusal("publication_role", _("Only Welsh Government officials and decision makers make things public."))
    if withdrawn:
        return Refusal("publication_withdrawn", _("This record has already been withdrawn from the public register."))
    if not reason.strip():
        return Refusal("reason_required", _("Say why the record is withdrawn from the public register."))
    return None

"""The escalation framework's rules, as pure functions over plain values.

No Django, no database, no clock: callers pass in the era, the levels, the roles and the
dates. Services (``escalation.services``) call these for the UI, the API, tasks and
commands alike, so each rule lives here and nowhere else. Every refusal names the rule,
the era and the paragraph of the source it comes from.

Sources: 002 = Oversight and Escalation Framework (January 2024); 001 = the operating and
accountability framework in force from 1 April 2026.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

LEVELS = (1, 2, 3, 4, 5)
CRITERIA_AGREEMENT_DAYS = 42  # six weeks [002 §41]
NOTIFICATION_WORKING_DAYS = 5

# Who may record a decision taken under each authority. Analysts draft and recommend but
# never decide; a WG decision maker also records Ministerial decisions.
ROLES_FOR_AUTHORITY: dict[str, frozenset[str]] = {
    "welsh_government": frozenset({"wg_official", "wg_decision_maker"}),
    "director_general": frozenset({"wg_decision_maker"}),
    "minister": frozenset({"wg_decision_maker"}),
}

AUTHORITY_NAMES = {
    "welsh_government": "Welsh Government officials",
    "director_general": "the Director General / NHS Wales Chief Executive",
    "minister": "the Minister",
}


@dataclass(frozen=True)
class Era:
    """The rules in force on a date: which levels exist and who decides."""

    code: str
    name: str
    levels: tuple[int, ...] = LEVELS
    # level -> authority; a move is judged by the higher of its from- and to-level [DOMAIN rule 6]
    authority_by_level: Mapping[int, str] | None = None
    legacy: bool = False


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    def __str__(self):
        return self.message


def _cite(rule: str, era: Era, source: str) -> str:
    return f"{rule} ({source}; decision under the rules of the {era.name} era)."


SOURCE_002 = "Oversight and Escalation Framework 2024"


def decision_kind(*, from_level: int, to_level: int) -> str:
    if to_level > from_level:
        return "escalate"
    if to_level < from_level:
        return "de-escalate"
    return "maintain"


def transition_refusal(*, from_level: int, to_level: int, era: Era) -> Refusal | None:
    """May a scope move from ``from_level`` to ``to_level`` under this era's rules?

    Escalation may jump to any level [002 §41, §57]. De-escalation is one level at a time,
    except that level 3 typically returns straight to routine arrangements [002 §41];
    the 2026 framework keeps this [001 §9.1].
    """
    for level in (from_level, to_level):
        if level not in era.levels:
            return Refusal(
                "level_not_in_era",
                _cite(
                    f"Level {level} does not exist in this era (its levels are "
                    f"{', '.join(str(x) for x in era.levels)})",
                    era,
                    "escalation arrangements in force on the decision date",
                ),
            )
    if to_level >= from_level:
        return None
    if from_level - to_level == 1 or (from_level == 3 and to_level == 1):
        return None
    return Refusal(
        "deescalation_one_level_at_a_time",
        _cite(
            f"De-escalation is one level at a time (from level {from_level} the next is level {from_level - 1}"
            + (", or routine arrangements from level 3" if from_level == 3 else "")
            + f"); level {from_level} to level {to_level} is refused",
            era,
            f"{SOURCE_002}, para 41",
        ),
    )


def required_authority(*, from_level: int, to_level: int, era: Era) -> str:
    """Who decides this move: judged by the higher of the two levels [DOMAIN rule 6]."""
    table = era.authority_by_level or {}
    level = max(from_level, to_level)
    if level not in table:
        raise ValueError(f"The {era.name} era has no decision authority for level {level}")
    return table[level]


def authority_refusal(*, authority: str, roles: Iterable[str], era: Era, level: int) -> Refusal | None:
    """May someone holding ``roles`` record a decision taken under ``authority``?"""
    allowed = ROLES_FOR_AUTHORITY.get(authority, frozenset())
    if allowed & set(roles):
        return None
    source = SOURCE_002 + ", paras 38 and 51" if era.code != "2026" else "Operating framework 2026, section 7.3"
    return Refusal(
        "not_the_decision_authority",
        _cite(
            f"A move involving level {level} is decided by {AUTHORITY_NAMES.get(authority, authority)}; "
            "your role may draft or recommend it but not record the decision",
            era,
            source,
        ),
    )


def deescalation_criteria_refusal(
    *, from_level: int, to_level: int, criteria_statuses: Iterable[str], override_rationale: str, era: Era
) -> Refusal | None:
    """De-escalation needs every criterion sustained [002 §73; 001 §9.1], or a recorded override."""
    if to_level >= from_level:
        return None
    statuses = list(criteria_statuses)
    if statuses and all(status == "sustained" for status in statuses):
        return None
    if override_rationale.strip():
        return None
    reason = (
        "no de-escalation criteria are recorded for this scope"
        if not statuses
        else f"{sum(1 for s in statuses if s != 'sustained')} of {len(statuses)} criteria are not yet sustained"
    )
    return Refusal(
        "criteria_not_sustained",
        _cite(
            f"De-escalation needs evidence that every criterion has been consistently met, and {reason}. "
            "Record why de-escalation is right regardless, as an override rationale",
            era,
            f"{SOURCE_002}, para 73",
        ),
    )


def minister_date_refusal(*, authority: str, minister_decided_on: date | None, era: Era) -> Refusal | None:
    if authority == "minister" and minister_decided_on is None:
        return Refusal(
            "minister_date_required",
            _cite("A Ministerial decision needs the date the Minister decided", era, f"{SOURCE_002}, para 51"),
        )
    return None


def dates_refusal(
    *, decided_on: date, effective_from: date, notified_on: date | None, corrects_decision_of: date | None = None
) -> Refusal | None:
    """A decision takes effect on or after the day it is decided; a correction may take effect
    from the date of the decision it corrects."""
    earliest = min(decided_on, corrects_decision_of) if corrects_decision_of else decided_on
    if effective_from < earliest:
        return Refusal(
            "effective_before_decided",
            "A decision cannot take effect before the date it was decided"
            + (" (or, for a correction, before the decision it corrects)." if corrects_decision_of else "."),
        )
    if notified_on is not None and notified_on < decided_on:
        return Refusal("notified_before_decided", "The organisation cannot be notified before the decision was made.")
    return None


def decision_refusal(
    *,
    from_level: int,
    to_level: int,
    era: Era,
    roles: Iterable[str],
    decided_on: date,
    effective_from: date,
    notified_on: date | None = None,
    minister_decided_on: date | None = None,
    criteria_statuses: Iterable[str] = (),
    override_rationale: str = "",
    legacy_override: bool = False,
    corrects_decision_of: date | None = None,
) -> Refusal | None:
    """The first rule that refuses recording this decision, or None when it may be recorded.

    In order: the dates; the move (one level down at a time); who decides (by the higher
    level); the Minister's date for a Ministerial decision; and for a de-escalation, sustained
    criteria or an override rationale. A legacy import with a recorded override skips the
    move and criteria rules, which did not exist in that form before 2024.
    """
    checks = [
        lambda: dates_refusal(
            decided_on=decided_on,
            effective_from=effective_from,
            notified_on=notified_on,
            corrects_decision_of=corrects_decision_of,
        )
    ]
    if not legacy_override:
        checks.append(lambda: transition_refusal(from_level=from_level, to_level=to_level, era=era))
    authority = None

    def authority_check():
        nonlocal authority
        authority = required_authority(from_level=from_level, to_level=to_level, era=era)
        return authority_refusal(authority=authority, roles=roles, era=era, level=max(from_level, to_level))

    checks.append(authority_check)
    checks.append(lambda: minister_date_refusal(authority=authority, minister_decided_on=minister_decided_on, era=era))
    if not legacy_override:
        checks.append(
            lambda: deescalation_criteria_refusal(
                from_level=from_level,
                to_level=to_level,
                criteria_statuses=criteria_statuses,
                override_rationale=override_rationale,
                era=era,
            )
        )
    for check in checks:
        refusal = check()
        if refusal is not None:
            return refusal
    return None


REFUSAL_FIELDS = {
    "effective_before_decided": "effective_from",
    "notified_before_decided": "notified_on",
    "deescalation_one_level_at_a_time": "to_level",
    "level_not_in_era": "to_level",
    "minister_date_required": "minister_decided_on",
    "criteria_not_sustained": "override_rationale",
}


def criteria_agreement_due(decided_on: date) -> date:
    """Criteria are agreed within six weeks of the escalation or de-escalation decision [002 §41]."""
    return decided_on + timedelta(days=CRITERIA_AGREEMENT_DAYS)


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (weekends and the given holidays skipped)."""
    closed = set(holidays)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            remaining -= 1
    return current


def notification_overdue(
    *, decided_on: date, notified_on: date | None, today: date, holidays: Iterable[date] = ()
) -> bool:
    """A decision decided but not notified for more than five working days is flagged."""
    if notified_on is not None:
        return False
    return today > add_working_days(decided_on, NOTIFICATION_WORKING_DAYS, holidays)


def era_for(on: date, eras: Iterable[tuple[str, date, date | None]]) -> str:
    """The code of the era in force on a date, from (code, starts_on, ends_on) rows."""
    for code, starts_on, ends_on in sorted(eras, key=lambda e: e[1], reverse=True):
        if starts_on <= on and (ends_on is None or on <= ends_on):
            return code
    raise ValueError(f"No escalation era covers {on:%d %B %Y}")


def holds_levels_refusal(*, holds_levels: bool, organisation_name: str) -> Refusal | None:
    """Only statutory NHS organisations hold escalation levels [002 §6]."""
    if holds_levels:
        return None
    return Refusal(
        "organisation_holds_no_levels",
        f"{organisation_name} does not hold escalation levels: only statutory NHS organisations do "
        f"({SOURCE_002}, para 6).",
    )


def domain_era_refusal(*, domain_era: str, era: Era, domain_name: str) -> Refusal | None:
    """A domain scope must be one of the domains or pillars of the era the decision falls in."""
    if domain_era == era.code:
        return None
    return Refusal(
        "domain_not_in_era",
        f"“{domain_name}” is not a domain or pillar of the {era.name} era, whose rules apply on the decision "
        "date. Choose one of that era's domains or pillars.",
    )


# --- Cases -----------------------------------------------------------------------------------


def case_transition(*, phase: str | None, to_level: int) -> str | None:
    """What a decided move does to its scope's case [ARCHITECTURE "Case lifecycle"].

    "open" when a scope with no open case rises above level 1; "sustain" when an escalated
    case's scope returns to level 1 (it stays open to see the improvement sustained);
    "reactivate" when a scope in sustainability is escalated again; otherwise None.
    """
    if phase in (None, "closed"):
        return "open" if to_level > 1 else None
    if phase == "active" and to_level == 1:
        return "sustain"
    if phase == "sustainability" and to_level > 1:
        return "reactivate"
    return None


def case_closes_itself(*, phase: str, criteria_statuses: Iterable[str]) -> bool:
    """A case in sustainability closes once every sustainability criterion is sustained."""
    statuses = list(criteria_statuses)
    return phase == "sustainability" and bool(statuses) and all(s == "sustained" for s in statuses)


def case_close_refusal(*, phase: str, current_level: int, reason: str) -> Refusal | None:
    """A decision maker may close a case with a reason, once its scope is back at level 1."""
    if phase == "closed":
        return Refusal("case_closed", "This case is already closed.")
    if current_level > 1:
        return Refusal(
            "case_still_escalated",
            f"The scope is still at level {current_level}: a case closes only once its scope has returned to "
            "routine arrangements (level 1).",
        )
    if not reason.strip():
        return Refusal("reason_required", "Give the reason for closing the case.")
    return None


def criteria_overdue(*, decided_on: date, criteria: Iterable[tuple[str, date | None]], today: date) -> bool:
    """Were the criteria for a decision not agreed within six weeks of it [002 §41]?

    ``criteria`` are (status, agreed_on) pairs. Overdue when, after the deadline, there are
    none or some are still only proposed, or when any was agreed after the deadline."""
    due = criteria_agreement_due(decided_on)
    rows = list(criteria)
    if any(status != "proposed" and agreed_on and agreed_on > due for status, agreed_on in rows):
        return True
    if today <= due:
        return False
    return not rows or any(status == "proposed" for status, _agreed in rows)


# --- Criteria that test themselves -----------------------------------------------------------

# A criterion bound to a measure (reporting.CriterionBinding) is evaluated from released pack
# data, which give it a computed status: "met", "not_met" or "no_data" (escalation.choices.
# ComputedStatus; blank when it is not bound). "Met" and "sustained" are the statuses of a
# criterion that has been met; proposed and agreed are stages of agreeing it with the
# organisation, about which the data say nothing.
MET_STATUSES = frozenset({"met", "sustained"})
AGREEMENT_STATUSES = frozenset({"proposed", "agreed"})


def criterion_status_disagrees(*, status: str, computed_status: str) -> bool:
    """Does an official's ``status`` contradict what released data say (``computed_status``)?
    Claiming met or sustained when the data do not show it met, or "in progress" when they
    do. Never for an unbound criterion (no computed status) or an agreement stage."""
    if not computed_status or status in AGREEMENT_STATUSES:
        return False
    return (status in MET_STATUSES) != (computed_status == "met")


def criterion_status_following(*, status: str, computed_status: str) -> str:
    """The status an agreed, bound criterion takes from released data when no official has
    overridden it: met when the data show it met (sustained stays sustained: that it has been
    *sustained* is an official's confirmation [002 §73]); back to in progress when a met or
    sustained criterion is no longer shown met. A proposed criterion is not yet agreed, so it
    keeps its status; so does an unbound one."""
    if not computed_status or status == "proposed":
        return status
    if computed_status == "met":
        return status if status in MET_STATUSES else "met"
    return "in_progress" if status in MET_STATUSES else status


def criterion_binding_refusal(*, has_case: bool, case_phase: str | None, status: str, bound: bool) -> Refusal | None:
    """May a criterion be bound to a measure, or its binding changed or removed?

    Only a criterion of an open case: a closed case's criteria are a record and are no longer
    evaluated. A *new* binding only while the criterion is proposed or agreed, before anyone
    has judged its progress: binding a criterion an official has already judged in progress,
    met or sustained would let the data overturn that judgement without the reason an
    override needs. A criterion already bound may have its binding changed or removed at any
    stage of an open case."""
    if not has_case:
        return Refusal(
            "criterion_has_no_case", "This criterion belongs to no case, so it cannot be bound to a measure."
        )
    if case_phase == "closed":
        return Refusal(
            "case_closed", "The case is closed: its criteria are a record and are no longer tested against data."
        )
    if not bound and status not in AGREEMENT_STATUSES:
        return Refusal(
            "criterion_already_judged",
            "Only a proposed or agreed criterion can be bound to a measure. Once an official has judged its "
            "progress, binding it would let the released data overturn that judgement: ask an official to set "
            "it back to agreed first.",
        )
    return None


def request_overdue(*, due_on: date, responded_on: date | None, today: date) -> bool:
    """A request for information not answered by its due date [002 §41: accurate and timely]."""
    if responded_on is not None:
        return responded_on > due_on
    return today > due_on


# --- Support ---------------------------------------------------------------------------------

STATUTORY_INTERVENTIONS = frozenset({"suspension", "removal", "direction"})
PLAN_LEVELS = {"improvement": (2, 3), "targeted_support": (4, 5)}


def plan_refusal(*, kind: str, level: int) -> Refusal | None:
    """Improvement or recovery plans belong to levels 2-3 (002 Annex 1); targeted support to
    levels 4 and 5 [002 §67]."""
    low, high = PLAN_LEVELS[kind]
    if low <= level <= high:
        return None
    if kind == "targeted_support":
        what, where = "Targeted support applies at levels 4 and 5", "para 67"
    else:
        what, where = "An improvement or recovery plan belongs to levels 2 and 3", "Annex 1"
    return Refusal("plan_not_for_this_level", f"{what}; the scope is at level {level} ({SOURCE_002}, {where}).")


def intervention_refusal(*, kind: str, level: int) -> Refusal | None:
    """Suspending or removing board members and Directions are special-measures powers [002 §64-65]."""
    if kind in STATUTORY_INTERVENTIONS and level < 5:
        return Refusal(
            "statutory_power_needs_level_5",
            f"This statutory intervention is for special measures (level 5); the scope is at level {level} "
            f"({SOURCE_002}, paras 64-65).",
        )
    return None


def maturity_score_refusal(score: int) -> Refusal | None:
    if 1 <= score <= 5:
        return None
    return Refusal("score_out_of_range", f"A maturity score is from 1 to 5, not {score}.")


LEADERSHIP_DOMAINS = {"2026": ("leadership",), "2024": ("governance", "leadership")}


def leadership_domains_to_show(*, scope_kind: str, domain_kind: str | None, era: str) -> tuple[str, ...]:
    """Leadership "may trigger or amplify" escalation in the pillars [001 §9]: a pillar (or
    2024 domain) decision shows the organisation's leadership level and open leadership
    concerns. Returns the domain codes to show, or () for none."""
    if scope_kind != "domain" or domain_kind in (None, "foundation"):
        return ()
    return LEADERSHIP_DOMAINS.get(era, ())


def driving_level(levels_by_scope_kind: Iterable[tuple[str, int]]) -> int:
    """The highest organisation-wide or domain/pillar level; services do not set it."""
    levels = [level for kind, level in levels_by_scope_kind if kind in ("organisation", "domain")]
    return max(levels, default=1)

"""The escalation rules, tested whole: every from-level × to-level × era × role.

The expected answers are typed out here as tables, by hand, from the sources: 002 §41
(escalation may jump; de-escalation one level at a time, 3 → 1 allowed), 002 §38 and §51
(2024 authority), 001 §7.3 (2026 authority), and the earlier arrangements' four levels.
"""

from datetime import date

import pytest

from escalation import rules

ERAS = {
    "pre2024": rules.Era(
        code="pre2024",
        name="Escalation and intervention arrangements (before 2024)",
        levels=(1, 3, 4, 5),
        authority_by_level={1: "welsh_government", 3: "minister", 4: "minister", 5: "minister"},
        legacy=True,
    ),
    "2024": rules.Era(
        code="2024",
        name="Oversight and Escalation Framework 2024",
        authority_by_level={1: "welsh_government", 2: "welsh_government", 3: "minister", 4: "minister", 5: "minister"},
    ),
    "2026": rules.Era(
        code="2026",
        name="Operating and accountability framework 2026",
        authority_by_level={
            1: "director_general",
            2: "director_general",
            3: "director_general",
            4: "minister",
            5: "minister",
        },
    ),
}

OK, D, L = None, "deescalation_one_level_at_a_time", "level_not_in_era"
# MOVES[era][from - 1][to - 1]: the outcome of the move itself.
MOVES = {
    "2024": [
        [OK, OK, OK, OK, OK],
        [OK, OK, OK, OK, OK],
        [OK, OK, OK, OK, OK],
        [D, D, OK, OK, OK],
        [D, D, D, OK, OK],
    ],
    "2026": [
        [OK, OK, OK, OK, OK],
        [OK, OK, OK, OK, OK],
        [OK, OK, OK, OK, OK],
        [D, D, OK, OK, OK],
        [D, D, D, OK, OK],
    ],
    "pre2024": [
        [OK, L, OK, OK, OK],
        [L, L, L, L, L],
        [OK, L, OK, OK, OK],
        [D, L, OK, OK, OK],
        [D, L, D, OK, OK],
    ],
}
# Who decides, by the higher of the two levels.
AUTHORITY = {
    "2024": {1: "welsh_government", 2: "welsh_government", 3: "minister", 4: "minister", 5: "minister"},
    "2026": {1: "director_general", 2: "director_general", 3: "director_general", 4: "minister", 5: "minister"},
    "pre2024": {1: "welsh_government", 3: "minister", 4: "minister", 5: "minister"},
}
# Which roles may record a decision under each authority.
RECORDS = {
    "wg_official": {"welsh_government"},
    "wg_decision_maker": {"welsh_government", "director_general", "minister"},
    "wg_secretariat": set(),
    "nhspi_analyst": set(),
    "org_submitter": set(),
    "org_executive": set(),
    "tripartite_partner": set(),
    "administrator": set(),
}

DAY = date(2026, 5, 1)
CASES = [
    (era, from_level, to_level, role)
    for era in ERAS
    for from_level in range(1, 6)
    for to_level in range(1, 6)
    for role in RECORDS
]


def expected(era, from_level, to_level, role):
    move = MOVES[era][from_level - 1][to_level - 1]
    if move is not None:
        return move
    authority = AUTHORITY[era][max(from_level, to_level)]
    if authority not in RECORDS[role]:
        return "not_the_decision_authority"
    return None


@pytest.mark.parametrize(("era", "from_level", "to_level", "role"), CASES)
def test_every_move_in_every_era_for_every_role(era, from_level, to_level, role):
    refusal = rules.decision_refusal(
        from_level=from_level,
        to_level=to_level,
        era=ERAS[era],
        roles={role},
        decided_on=DAY,
        effective_from=DAY,
        minister_decided_on=DAY,
        criteria_statuses=["sustained"],
    )
    assert (refusal.code if refusal else None) == expected(era, from_level, to_level, role)


def test_the_table_covers_600_cases():
    assert len(CASES) == 3 * 5 * 5 * 8


def test_a_refusal_names_the_rule_the_era_and_the_paragraph():
    refusal = rules.transition_refusal(from_level=5, to_level=3, era=ERAS["2026"])
    assert refusal.code == "deescalation_one_level_at_a_time"
    assert "De-escalation is one level at a time" in refusal.message
    assert "Oversight and Escalation Framework 2024, para 41" in refusal.message
    assert "Operating and accountability framework 2026 era" in refusal.message


@pytest.mark.parametrize(
    ("from_level", "to_level", "kind"),
    [(1, 3, "escalate"), (3, 3, "maintain"), (4, 3, "de-escalate"), (2, 5, "escalate"), (3, 1, "de-escalate")],
)
def test_decision_kind(from_level, to_level, kind):
    assert rules.decision_kind(from_level=from_level, to_level=to_level) == kind


# --- De-escalation needs sustained criteria, or an override rationale -----------------------

ERA = ERAS["2024"]


@pytest.mark.parametrize(
    ("from_level", "to_level", "statuses", "override", "code"),
    [
        (4, 3, ["sustained", "sustained"], "", None),
        (4, 3, ["sustained", "met"], "", "criteria_not_sustained"),
        (4, 3, ["met"], "Board replaced; improvement evidenced by review", None),
        (4, 3, [], "", "criteria_not_sustained"),
        (4, 3, [], "   ", "criteria_not_sustained"),
        (3, 1, ["sustained"], "", None),
        (2, 4, [], "", None),  # escalation needs no criteria
        (3, 3, ["proposed"], "", None),  # maintaining needs none either
    ],
)
def test_deescalation_needs_every_criterion_sustained_or_an_override(from_level, to_level, statuses, override, code):
    refusal = rules.deescalation_criteria_refusal(
        from_level=from_level, to_level=to_level, criteria_statuses=statuses, override_rationale=override, era=ERA
    )
    assert (refusal.code if refusal else None) == code


def test_the_criteria_refusal_says_how_many_are_not_sustained():
    refusal = rules.deescalation_criteria_refusal(
        from_level=4, to_level=3, criteria_statuses=["met", "sustained", "agreed"], override_rationale="", era=ERA
    )
    assert "2 of 3 criteria are not yet sustained" in refusal.message
    assert "para 73" in refusal.message


# --- Dates, the Minister, legacy ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "effective", "notified", "code"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), None, None),
        (date(2025, 3, 3), date(2025, 3, 5), date(2025, 3, 4), None),
        (date(2025, 3, 3), date(2025, 3, 2), None, "effective_before_decided"),
        (date(2025, 3, 3), date(2025, 3, 3), date(2025, 3, 1), "notified_before_decided"),
    ],
)
def test_dates(decided, effective, notified, code):
    refusal = rules.dates_refusal(decided_on=decided, effective_from=effective, notified_on=notified)
    assert (refusal.code if refusal else None) == code


def test_a_ministerial_decision_needs_the_ministers_date():
    refusal = rules.decision_refusal(
        from_level=3, to_level=4, era=ERA, roles={"wg_decision_maker"}, decided_on=DAY, effective_from=DAY
    )
    assert refusal.code == "minister_date_required"


def test_a_wg_decision_needs_no_ministers_date():
    assert (
        rules.decision_refusal(
            from_level=1, to_level=2, era=ERA, roles={"wg_official"}, decided_on=DAY, effective_from=DAY
        )
        is None
    )


def test_a_legacy_override_skips_the_move_and_criteria_rules_but_not_authority():
    kwargs = {"from_level": 5, "to_level": 1, "era": ERA, "decided_on": DAY, "effective_from": DAY,
              "minister_decided_on": DAY}  # fmt: skip
    assert rules.decision_refusal(roles={"wg_decision_maker"}, legacy_override=True, **kwargs) is None
    assert rules.decision_refusal(roles={"nhspi_analyst"}, legacy_override=True, **kwargs).code == (
        "not_the_decision_authority"
    )


def test_only_statutory_organisations_hold_levels():
    assert rules.holds_levels_refusal(holds_levels=True, organisation_name="X") is None
    refusal = rules.holds_levels_refusal(holds_levels=False, organisation_name="NHS Wales Shared Services Partnership")
    assert refusal.code == "organisation_holds_no_levels"
    assert "para 6" in refusal.message


# --- Deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "agreed", "today", "overdue"),
    [
        (date(2025, 1, 6), None, date(2025, 2, 17), False),  # day 42: still within six weeks
        (date(2025, 1, 6), None, date(2025, 2, 18), True),  # day 43
        (date(2025, 1, 6), date(2025, 2, 17), date(2025, 6, 1), False),
        (date(2025, 1, 6), date(2025, 2, 20), date(2025, 6, 1), True),  # agreed, but late
    ],
)
def test_criteria_are_agreed_within_six_weeks(decided, agreed, today, overdue):
    assert rules.criteria_agreement_due(decided) == date(2025, 2, 17)
    criteria = [("agreed", agreed)] if agreed else []
    assert rules.criteria_overdue(decided_on=decided, criteria=criteria, today=today) is overdue


@pytest.mark.parametrize(
    ("decided", "notified", "today", "holidays", "overdue"),
    [
        # Decided Monday 3 March 2025: five working days later is Monday 10 March.
        (date(2025, 3, 3), None, date(2025, 3, 10), (), False),
        (date(2025, 3, 3), None, date(2025, 3, 11), (), True),
        (date(2025, 3, 3), date(2025, 3, 4), date(2025, 4, 1), (), False),
        # Decided Thursday 17 April 2025; Good Friday and Easter Monday are holidays, so the
        # fifth working day is Monday 28 April.
        (date(2025, 4, 17), None, date(2025, 4, 28), (date(2025, 4, 18), date(2025, 4, 21)), False),
        (date(2025, 4, 17), None, date(2025, 4, 29), (date(2025, 4, 18), date(2025, 4, 21)), True),
        (date(2025, 4, 17), None, date(2025, 4, 25), (), True),  # without the holidays: Thursday 24
    ],
)
def test_a_decision_unnotified_for_five_working_days_is_flagged(decided, notified, today, holidays, overdue):
    assert (
        rules.notification_overdue(decided_on=decided, notified_on=notified, today=today, holidays=holidays) is overdue
    )


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2021, 6, 30), "pre2024"),
        (date(2023, 12, 31), "pre2024"),
        (date(2024, 1, 1), "2024"),
        (date(2026, 3, 31), "2024"),
        (date(2026, 4, 1), "2026"),
        (date(2030, 1, 1), "2026"),
    ],
)
def test_the_era_in_force_on_a_date(on, code):
    eras = [("pre2024", date(2009, 10, 1), date(2023, 12, 31)), ("2024", date(2024, 1, 1), date(2026, 3, 31)),
            ("2026", date(2026, 4, 1), None)]  # fmt: skip
    assert rules.era_for(on, eras) == code


def test_no_era_before_the_earliest_is_an_error():
    with pytest.raises(ValueError, match="No escalation era covers"):
        rules.era_for(date(2000, 1, 1), [("2024", date(2024, 1, 1), None)])


@pytest.mark.parametrize(
    ("levels", "driving"),
    [
        ([], 1),
        ([("organisation", 3)], 3),
        ([("domain", 4), ("organisation", 2)], 4),
        ([("service", 5), ("domain", 2)], 2),  # service and site scopes do not set the cadence
    ],
)
def test_the_driving_level(levels, driving):
    assert rules.driving_level(levels) == driving


@pytest.mark.parametrize(
    ("scope_kind", "domain_kind", "era", "shown"),
    [
        ("domain", "pillar", "2026", ("leadership",)),
        ("domain", "foundation", "2026", ()),  # the leadership decision itself
        ("domain", "domain", "2024", ("governance", "leadership")),
        ("organisation", None, "2026", ()),
        ("service", None, "2026", ()),
    ],
)
def test_leadership_is_shown_beside_pillar_decisions(scope_kind, domain_kind, era, shown):
    assert rules.leadership_domains_to_show(scope_kind=scope_kind, domain_kind=domain_kind, era=era) == shown

"""NHS P&I's monthly system synthesis: the draft for a seeded month holds each deteriorating
organisation, each overdue item and each change of level, and nothing for the stable one; the
task makes one draft a month however often it runs; an analyst's recommendation starts a draft
decision with the right scope, once the synthesis is signed off."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accountability import services, synthesis, tasks
from accountability.models import SynthesisEntry, SystemSynthesis
from escalation.models import EscalationCase
from meetings.models import Meeting, MeetingType
from organisations import reference as organisation_reference
from organisations.models import Organisation
from oversight.errors import ConflictError, PermissionRefused, RuleRefused
from plans import reference as plans_reference
from plans import services as plan_services
from plans.models import PlanningCycle, RequiredSubmission
from reporting import analytics, demo
from reporting import reference as reporting_reference

TODAY = date(2026, 11, 15)


@pytest.fixture
def seeded_month(world, frameworks, decide, pillar):
    """Two years of released packs for the demo's deteriorating organisation (SBUHB) and its
    stable one (PTHB), the early warnings they raise, and for SBUHB: a level 2 decision in
    September whose criteria were never agreed, a move of its Delivery pillar to level 3 in
    November, a condition past its date and a submission overdue."""
    organisation_reference.seed()
    reporting_reference.seed()
    plans_reference.seed()
    sbuhb, pthb = Organisation.objects.get(code="SBUHB"), Organisation.objects.get(code="PTHB")
    demo.generate(today=TODAY, organisations=[sbuhb, pthb], months=24)
    warnings = analytics.early_warnings(today=TODAY)
    assert warnings.raised == ["spc:SBUHB:UEC-ED12H:2026-07:beyond_limits"]
    decide(sbuhb, 2, date(2026, 9, 1))  # criteria due by 13 October, never agreed: overdue
    moved = decide(sbuhb, 3, date(2026, 11, 2), pillar="delivery")  # a change of level this month
    analyst = world.personas["analyst"]
    plan = plan_services.plan_record(
        actor=analyst,
        organisation=sbuhb,
        cycle=PlanningCycle.objects.get(code="2025-28"),
        plan_type="imtp",
        submitted_on=date(2025, 3, 28),
        financially_balanced=True,
        today=TODAY,
    )
    response = plan_services.response_record(
        actor=analyst, plan=plan, issued_on=date(2025, 7, 20), summary="With conditions", today=TODAY
    )
    plan_services.condition_add(
        actor=analyst,
        response=response,
        text="Agree a savings programme worth the forecast deficit",
        pillar=pillar("finance"),
        due_on=date(2026, 10, 31),
        owner="Director of Finance",
    )
    case = EscalationCase.objects.get(organisation=sbuhb, scope_key="organisation")
    RequiredSubmission.objects.filter(case__organisation=sbuhb).delete()  # only the one below
    RequiredSubmission.objects.create(case=case, kind="progress_update", level=2, due_on=date(2026, 11, 1))
    return sbuhb, pthb, moved


def _entry(synthesis_, code) -> SynthesisEntry:
    return synthesis_.entries.get(organisation__code=code)


def test_the_draft_holds_each_deteriorating_organisation_overdue_item_and_change_of_level(seeded_month):
    _sbuhb, _pthb, moved = seeded_month
    made, created = synthesis.synthesis_assemble(today=TODAY)
    assert created and made.status == "draft" and made.month == date(2026, 11, 1)
    assert made.changes_since == date(2026, 10, 1)  # the first synthesis: from the month before

    # Only the deteriorating organisation has a section; the stable one, and every organisation
    # with nothing found, have none.
    assert set(made.entries.values_list("organisation__code", flat=True)) == {"SBUHB"}
    facts = _entry(made, "SBUHB").facts
    assert facts["level"] == 3  # the driving level: the Delivery pillar at 3
    concerning = [(s["measure"], s["pillar"]) for s in facts["signals"] if s["kind"] == "concerning"]
    assert concerning == [("UEC-ED12H", "delivery_performance")]
    assert len(facts["concerns"]) == 1 and facts["concerns"][0]["title"].endswith(": special cause of concern")
    assert {c["scope"] for c in facts["cases"]} == {"Whole organisation", "Delivery/Performance"}
    # Each overdue item: the criteria not agreed within six weeks, the condition past its date
    # and the submission past its date.
    overdue = sorted((item["kind"], item["due_on"]) for item in facts["overdue"])
    assert overdue == [("condition", "2026-10-31"), ("criteria", "2026-10-13"), ("submission", "2026-11-01")]
    # The change of level since the last synthesis (the September decision is before it).
    assert facts["level_changes"] == [
        {
            "decision": moved.pk,
            "scope": "Delivery/Performance",
            "from": 1,
            "to": 3,
            "kind": "escalate",
            "effective_from": "2026-11-02",
        }
    ]
    # Nothing about the stable organisation anywhere in it.
    assert "PTHB" not in str(list(made.entries.values_list("facts", flat=True)))
    assert made.figures["reported"] == 1
    delivery = next(p for p in made.figures["pillars"] if p["pillar"] == "delivery_performance")
    assert delivery["concerning"] == 1 and delivery["latest_period"] == "2026-10-01"


def test_running_the_task_again_makes_no_second_draft(seeded_month):
    first = tasks.assemble_synthesis.delay(on=TODAY.isoformat()).get()
    assert first == "2026-11: assembled"
    entries = SynthesisEntry.objects.count()
    again = tasks.assemble_synthesis.delay(on=date(2026, 11, 28).isoformat()).get()
    assert again == "2026-11: already assembled"
    assert SystemSynthesis.objects.count() == 1 and SynthesisEntry.objects.count() == entries


def test_the_next_months_draft_reports_changes_since_the_last_one(world, frameworks, decide, reportable):
    reportable()
    november, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    decide(world.org_a, 2, date(2026, 11, 2))  # assembled that day: reported in December
    december, created = synthesis.synthesis_assemble(today=date(2026, 12, 1))
    assert created and december.changes_since == date(2026, 11, 2)
    assert _entry(december, "ORGA").facts["level_changes"] == []
    decide(world.org_a, 3, date(2026, 12, 20))
    january, _ = synthesis.synthesis_assemble(today=date(2027, 1, 4))
    assert [(c["from"], c["to"]) for c in _entry(january, "ORGA").facts["level_changes"]] == [(2, 3)]
    assert november.pk != december.pk != january.pk


def test_the_draft_is_the_paper_for_the_months_oversight_meeting(world, frameworks, reportable):
    reportable()
    starts = datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London"))
    meeting = Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="wg_nhspi_oversight"),
        title="WG–NHS P&I Oversight Meeting: November 2026",
        starts_at=starts,
        ends_at=starts.replace(hour=12),
        plan_key="oversight:2026-11",
        plan_period="2026-11",
    )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    assert made.meeting == meeting


@pytest.fixture
def drafted(world, frameworks, reportable, decide):
    """A draft synthesis with organisation A in it, A's Finance pillar at level 2."""
    decide(world.org_a, 2, date(2026, 10, 1), pillar="finance")
    reportable()
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    return made, _entry(made, "ORGA")


def test_a_recommendation_starts_a_draft_decision_with_its_scope_once_signed_off(world, drafted, pillar):
    made, entry = drafted
    analyst = world.personas["analyst"]
    finance = pillar("finance")
    recommendation = services.recommendation_add(
        actor=analyst,
        entry=entry,
        recommendation="escalate",
        recommended_level=3,
        domain=finance,
        rationale="The deficit has grown for six months.",
        on=date(2026, 11, 2),
    )
    with pytest.raises(RuleRefused) as refused:
        services.recommendation_start_decision(
            actor=analyst, recommendation=recommendation, planned_on=date(2026, 11, 3)
        )
    assert refused.value.code == "synthesis_not_signed_off"
    with pytest.raises(RuleRefused) as refused:  # A is not written up yet
        services.synthesis_sign_off(
            actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3)
        )
    assert refused.value.code == "synthesis_unwritten"
    entry = services.entry_update(
        actor=analyst,
        entry=entry,
        expected_version=entry.version,
        risks="Financial recovery off track.",
        mitigations="",
        actions="Escalate Finance to enhanced monitoring.",
    )
    signed = services.synthesis_sign_off(
        actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3)
    )
    assert signed.status == "signed_off" and signed.document.kind == "system_synthesis"

    decision = services.recommendation_start_decision(
        actor=world.personas["official"], recommendation=recommendation, planned_on=date(2026, 11, 10)
    )
    assert (decision.organisation, decision.scope_kind, decision.domain, decision.scope_key) == (
        world.org_a,
        "domain",
        finance,
        f"domain:{finance.pk}",
    )
    assert (decision.status, decision.from_level, decision.to_level) == ("draft", 2, 3)
    assert decision.rationale == "The deficit has grown for six months."
    assert "system synthesis, November 2026" in decision.evidence
    recommendation.refresh_from_db()
    assert recommendation.decision == decision
    with pytest.raises(ConflictError):
        services.recommendation_start_decision(
            actor=analyst, recommendation=recommendation, planned_on=date(2026, 11, 10)
        )


def test_a_whole_organisation_recommendation_starts_a_whole_organisation_decision(world, drafted):
    made, entry = drafted
    analyst = world.personas["analyst"]
    recommendation = services.recommendation_add(
        actor=analyst,
        entry=entry,
        recommendation="escalate",
        recommended_level=2,
        rationale="Concerns across the pillars.",
        on=date(2026, 11, 2),
    )
    services.entry_update(
        actor=analyst, entry=entry, expected_version=entry.version, risks="Several.", mitigations="", actions=""
    )
    services.synthesis_sign_off(actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3))
    decision = services.recommendation_start_decision(
        actor=analyst, recommendation=recommendation, planned_on=date(2026, 11, 10)
    )
    assert (decision.scope_kind, decision.domain, decision.to_level) == ("organisation", None, 2)


def test_a_recommendation_names_a_level_in_the_right_direction(world, drafted, pillar):
    _made, entry = drafted
    with pytest.raises(RuleRefused) as refused:  # Finance is at 2: "escalate to 2" is no move
        services.recommendation_add(
            actor=world.personas["analyst"],
            entry=entry,
            recommendation="escalate",
            recommended_level=2,
            domain=pillar("finance"),
            rationale="r",
            on=date(2026, 11, 2),
        )
    assert refused.value.code == "recommendation_level"


def test_entries_are_versioned_and_a_stale_edit_is_a_conflict(world, drafted):
    _made, entry = drafted
    analyst = world.personas["analyst"]
    edited = services.entry_update(
        actor=analyst, entry=entry, expected_version=entry.version, risks="One", mitigations="", actions=""
    )
    assert edited.version == entry.version + 1
    assert edited.history.first().history_change_reason == "Risks, mitigations and actions edited"
    with pytest.raises(ConflictError):
        services.entry_update(
            actor=analyst, entry=entry, expected_version=entry.version, risks="Two", mitigations="", actions=""
        )


def test_only_analysts_edit_and_a_signed_off_synthesis_no_longer_changes(world, drafted):
    made, entry = drafted
    with pytest.raises(PermissionRefused):
        services.entry_update(
            actor=world.personas["official"],
            entry=entry,
            expected_version=entry.version,
            risks="x",
            mitigations="",
            actions="",
        )
    analyst = world.personas["analyst"]
    entry = services.entry_update(
        actor=analyst, entry=entry, expected_version=entry.version, risks="x", mitigations="", actions=""
    )
    services.synthesis_sign_off(actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3))
    with pytest.raises(RuleRefused) as refused:
        services.entry_update(
            actor=analyst, entry=entry, expected_version=entry.version, risks="y", mitigations="", actions=""
        )
    assert refused.value.code == "synthesis_signed_off"


def test_a_submission_due_months_ahead_is_not_yet_reported(world, frameworks, decide):
    decided = decide(world.org_b, 2, date(2026, 11, 1))
    RequiredSubmission.objects.filter(case=decided.case).delete()
    RequiredSubmission.objects.create(case=decided.case, kind="progress_update", level=2, due_on=date(2027, 2, 1))
    RequiredSubmission.objects.create(case=decided.case, kind="evidence_submission", level=2, due_on=date(2027, 1, 31))
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 20))
    facts = _entry(made, "ORGB").facts  # reported for its open case
    assert [s["due_on"] for s in facts["submissions"]] == []
    made.delete()
    december, _ = synthesis.synthesis_assemble(today=date(2026, 12, 2))
    assert [s["due_on"] for s in _entry(december, "ORGB").facts["submissions"]] == ["2027-01-31"]

"""Chair objectives and their review cadence, flexibilities, earned autonomy from the cadence
data, and the Well-led self-assessment with the one concern a weak assessment raises."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from accountability import selectors, services
from accountability.choices import WellLedArea
from escalation.models import Concern
from meetings import planner
from meetings.models import CadencePolicy, Meeting, MeetingType, PublicAccountabilitySetting
from oversight.errors import ConflictError, OversightError, PermissionRefused, RuleRefused
from tests.factories import OrganisationFactory

TODAY = date(2026, 11, 15)
AREAS = WellLedArea.values


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n")


# --- The Chair's objectives and their review cadence -----------------------------------------


def test_the_chair_review_cadence_is_data_by_level(frameworks):
    review = MeetingType.objects.get(code="chair_review")
    table = CadencePolicy.objects.table(review, on=TODAY)
    assert [table[level] for level in (5, 4, 3, 2, 1)] == [1, 2, 3, 6, 12]
    assert review.cadence_rule == "level_driven" and review.scope == "organisation"


@pytest.mark.parametrize(
    ("level", "decided_on", "expected"),
    [
        # Level 4 since 1 September, never held: every two months from then, so 1 November,
        # already past on 15 November: within 14 days.
        (4, date(2026, 9, 1), date(2026, 11, 29)),
        # Level 3 since 1 October: quarterly, so 1 January.
        (3, date(2026, 10, 1), date(2027, 1, 1)),
        # Level 2 since 1 October: six-monthly, so 1 April.
        (2, date(2026, 10, 1), date(2027, 4, 1)),
    ],
)
def test_the_planner_schedules_the_chair_review_by_level(world, frameworks, decide, level, decided_on, expected):
    decide(world.org_a, level, decided_on)
    planner.plan_meetings(today=TODAY)
    meeting = Meeting.objects.get(plan_key=f"chair_review:{world.org_a.code}", status="planned")
    assert meeting.meeting_on == expected
    assert meeting.planned_for_level == level and meeting.meeting_type.code == "chair_review"


def test_at_routine_arrangements_the_chair_review_is_yearly_from_the_last_held(world, frameworks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    starts = datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Europe/London"))
    Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="chair_review"),
        organisation=world.org_b,
        title="Held",
        starts_at=starts,
        ends_at=starts.replace(hour=11),
        status="held",
        held_on=date(2026, 3, 10),
    )
    planner.plan_meetings(today=TODAY)
    assert Meeting.objects.get(plan_key="chair_review:ORGB", status="planned").meeting_on == date(2027, 3, 10)


def test_welsh_government_sets_objectives_and_records_progress(world):
    official = world.personas["official"]
    objective = services.objective_set(
        actor=official, organisation=world.org_a, year=2026, text="Lead a governance review", today=TODAY
    )
    assert (objective.status, objective.set_by, objective.set_on) == ("set", official, TODAY)
    with pytest.raises(RuleRefused) as refused:
        services.objective_update(
            actor=official, objective=objective, expected_version=objective.version, status="at_risk", progress_notes=""
        )
    assert refused.value.code == "objective_note_required"
    updated = services.objective_update(
        actor=official,
        objective=objective,
        expected_version=objective.version,
        status="at_risk",
        progress_notes="Board review delayed",
    )
    assert updated.status == "at_risk" and updated.version == objective.version + 1
    with pytest.raises(ConflictError):
        services.objective_update(
            actor=official,
            objective=objective,
            expected_version=objective.version,
            status="on_track",
            progress_notes="",
        )


@pytest.mark.parametrize("persona", ["analyst", "submitter_a", "partner"])
def test_only_welsh_government_sets_objectives(world, persona):
    with pytest.raises((PermissionRefused, Http404)):
        services.objective_set(
            actor=world.personas[persona], organisation=world.org_a, year=2026, text="Objective", today=TODAY
        )


def test_objectives_are_for_statutory_nhs_organisations_only(world):
    with pytest.raises(OversightError) as refused:
        services.objective_set(
            actor=world.personas["official"], organisation=world.hiw, year=2026, text="Objective", today=TODAY
        )
    assert refused.value.code == "not_statutory"


def test_the_organisation_files_evidence_against_its_chairs_objective(world):
    objective = services.objective_set(
        actor=world.personas["official"], organisation=world.org_a, year=2026, text="Objective", today=TODAY
    )
    attachment = services.objective_evidence_add(actor=world.personas["submitter_a"], objective=objective, upload=pdf())
    assert attachment.organisation == world.org_a and attachment.target == objective
    assert list(selectors.attachments_of(objective)) == [attachment]
    with pytest.raises(PermissionRefused):
        services.objective_evidence_add(actor=world.personas["analyst"], objective=objective, upload=pdf())


# --- Flexibilities and earned autonomy -------------------------------------------------------


def test_welsh_government_grants_flexibilities_with_a_date_and_reason(world):
    flexibility = services.flexibility_grant(
        actor=world.personas["decision_maker"],
        organisation=world.org_a,
        what="Local pathway choice",
        reason="On plan for three years",
        granted_on=date(2026, 10, 1),
        today=TODAY,
    )
    assert flexibility.granted_by == world.personas["decision_maker"]
    for persona in ("analyst", "submitter_a"):
        with pytest.raises(PermissionRefused):
            services.flexibility_grant(
                actor=world.personas[persona],
                organisation=world.org_a,
                what="x",
                reason="y",
                granted_on=TODAY,
                today=TODAY,
            )
    with pytest.raises(RuleRefused) as refused:
        services.flexibility_grant(
            actor=world.personas["official"],
            organisation=world.org_a,
            what="x",
            reason="",
            granted_on=TODAY,
            today=TODAY,
        )
    assert (refused.value.code, refused.value.field) == ("flexibility_reason_required", "reason")


def test_earned_autonomy_reads_the_meeting_burden_from_the_cadence_data(world, frameworks, decide):
    routine = selectors.earned_autonomy(world.org_b, on=TODAY)
    # Level 1: CEO/Executive Review six-monthly (2), Chair review yearly (1), Public Accountability (1).
    assert (routine.level, routine.current_total, routine.routine_total) == (1, "4", "4")
    decide(world.org_a, 4, date(2026, 10, 1))
    escalated = selectors.earned_autonomy(world.org_a, on=TODAY)
    # Level 4: reviews every two months (6 + 6) and the Public Accountability Meeting (1).
    assert (escalated.level, escalated.current_total, escalated.routine_total, escalated.extra_display) == (
        4,
        "13",
        "4",
        "9",
    )
    by_type = {row.meeting_type.code: (row.current_display, row.routine_display) for row in escalated.rows}
    assert by_type == {
        "ceo_review": ("6", "2"),
        "chair_review": ("6", "1"),
        "whole_board": ("0", "0"),
        "public_accountability": ("1", "1"),
    }
    # The data, not the code: change the policy and the burden follows.
    CadencePolicy.objects.filter(meeting_type__code="chair_review", level=4).update(interval_months=1)
    PublicAccountabilitySetting.objects.create(organisation=world.org_a, meetings_per_year=2)
    assert selectors.earned_autonomy(world.org_a, on=TODAY).current_total == "20"


def test_at_level_5_the_whole_board_meets_too(world, frameworks, decide):
    decide(world.org_a, 5, date(2026, 10, 1))
    autonomy = selectors.earned_autonomy(world.org_a, on=TODAY)
    assert autonomy.current_total == "29" and autonomy.current.per_type()["whole_board"] == 4


# --- The Well-led self-assessment ------------------------------------------------------------


def _rated(values):
    return {area: (value, f"Commentary on {area}") for area, value in zip(AREAS, values, strict=True)}


@pytest.fixture
def submitted(world, frameworks):
    submitter = world.personas["submitter_a"]
    assessment = services.assessment_start(actor=submitter, organisation=world.org_a, year=2026, today=TODAY)
    assessment = services.assessment_update_self(
        actor=submitter,
        assessment=assessment,
        expected_version=assessment.version,
        ratings=_rated([3, 3, 3, 3, 3, 3]),
        summary="We are well led.",
    )
    services.assessment_evidence_add(actor=submitter, assessment=assessment, upload=pdf(), area="governance_risk")
    return services.assessment_submit(
        actor=submitter, assessment=assessment, expected_version=assessment.version, today=TODAY
    )


def test_the_organisation_prepares_and_submits_its_own_self_assessment(world, frameworks):
    submitter = world.personas["submitter_a"]
    assessment = services.assessment_start(actor=submitter, organisation=world.org_a, year=2026, today=TODAY)
    assert assessment.ratings.count() == 6
    with pytest.raises(RuleRefused) as refused:
        services.assessment_submit(
            actor=submitter, assessment=assessment, expected_version=assessment.version, today=TODAY
        )
    assert refused.value.code == "assessment_incomplete"
    with pytest.raises(OversightError) as refused:
        services.assessment_start(actor=submitter, organisation=world.org_a, year=2026, today=TODAY)
    assert refused.value.code == "assessment_exists"
    for persona in ("official", "analyst"):  # they see it, but it is not theirs to prepare
        with pytest.raises(PermissionRefused):
            services.assessment_start(actor=world.personas[persona], organisation=world.org_a, year=2025, today=TODAY)
    with pytest.raises(Http404):  # organisation B's submitter does not see A's at all
        services.assessment_start(actor=world.personas["submitter_b"], organisation=world.org_a, year=2025, today=TODAY)


def test_a_submitted_self_assessment_no_longer_changes(world, submitted):
    assert submitted.status == "submitted" and submitted.submitted_on == TODAY
    with pytest.raises(RuleRefused) as refused:
        services.assessment_update_self(
            actor=world.personas["submitter_a"],
            assessment=submitted,
            expected_version=submitted.version,
            ratings=_rated([4, 4, 4, 4, 4, 4]),
            summary="",
        )
    assert refused.value.code == "assessment_submitted"


def test_nhspi_assesses_beside_the_organisations_ratings(world, submitted):
    assessed = services.assessment_review(
        actor=world.personas["analyst"],
        assessment=submitted,
        expected_version=submitted.version,
        ratings=_rated([3, 2, 3, 3, 2, 3]),
        summary="Mostly effective.",
        today=TODAY,
    )
    rows = {row.area: (row.self_rating, row.nhspi_rating) for row in selectors.area_rows(assessed)}
    assert rows["governance_risk"] == (3, 2) and rows["direction_culture"] == (3, 3)
    assert assessed.status == "assessed" and assessed.concern is None  # two of six below the middle: not weak
    assert not Concern.objects.filter(source_key__startswith="wellled:").exists()
    with pytest.raises(PermissionRefused):
        services.assessment_review(
            actor=world.personas["official"],
            assessment=assessed,
            expected_version=assessed.version,
            ratings=_rated([3, 3, 3, 3, 3, 3]),
            summary="",
            today=TODAY,
        )


def test_a_weak_assessment_raises_exactly_one_concern_on_two_runs(world, submitted):
    analyst = world.personas["analyst"]
    assessed = services.assessment_review(
        actor=analyst,
        assessment=submitted,
        expected_version=submitted.version,
        ratings=_rated([3, 1, 3, 3, 3, 3]),
        summary="Governance is weak.",
        today=TODAY,
    )
    concern = Concern.objects.get(source_key="wellled:ORGA:2026:weak")
    assert (concern.organisation, concern.domain.code, concern.source) == (world.org_a, "leadership", "automated")
    assert assessed.concern == concern
    # Linking the concern is a version of the assessment in its history: who, why, and the link.
    linked = assessed.history.order_by("-history_id").first()
    assert (linked.concern_id, linked.history_user, linked.history_change_reason, linked.version) == (
        concern.pk,
        analyst,
        "Weak assessment: concern raised",
        assessed.version,
    )
    assert assessed.history.order_by("-history_id")[1].history_change_reason == "Assessed by NHS P&I"
    # The check again, and a revised (still weak) assessment: no second concern.
    again, new = services.assessment_check(assessment=assessed, today=TODAY)
    assert again == concern and new is False
    services.assessment_review(
        actor=analyst,
        assessment=assessed,
        expected_version=assessed.version,
        ratings=_rated([2, 2, 2, 2, 3, 3]),
        summary="Still weak, differently.",
        today=date(2026, 12, 1),
    )
    assert Concern.objects.filter(organisation=world.org_a, source_key__startswith="wellled:").count() == 1


def test_the_well_led_result_is_shown_beside_pillar_decisions(world, submitted):
    from escalation import flags

    shown = flags.flags_for(world.org_a, user=world.personas["official"], on=TODAY)
    well_led = [f for f in shown if f.code == "accountability.well_led"]
    assert len(well_led) == 1 and well_led[0].pillar == "leadership" and well_led[0].kind == "list"
    assert len(well_led[0].items) == 6
    services.assessment_review(
        actor=world.personas["analyst"],
        assessment=submitted,
        expected_version=submitted.version,
        ratings=_rated([1, 3, 3, 3, 3, 3]),
        summary="",
        today=TODAY,
    )
    shown = [
        f
        for f in flags.flags_for(world.org_a, user=world.personas["official"], on=TODAY)
        if f.code == "accountability.well_led"
    ]
    assert shown[0].kind == "warning"
    # Another organisation's people and the partners see none of it.
    for persona in ("submitter_b", "partner"):
        assert not [
            f
            for f in flags.flags_for(world.org_a, user=world.personas[persona], on=TODAY)
            if f.code.startswith("accountability.")
        ]


def test_a_non_statutory_body_has_no_self_assessment(world):
    other = OrganisationFactory(code="XBODY", statutory=False, kind="hosted_body")
    from organisations.models import Membership

    Membership.objects.create(user=world.personas["submitter_a"], organisation=other, role="org_submitter")
    from oversight import access

    access.forget(world.personas["submitter_a"])
    with pytest.raises(OversightError) as refused:
        services.assessment_start(actor=world.personas["submitter_a"], organisation=other, year=2026, today=TODAY)
    assert refused.value.code == "not_statutory"

"""Accountability in a real browser, with axe-core on every new page: an analyst opens the month's
system synthesis, edits it and a recommendation in it, signs it off and starts a draft decision
from the recommendation; and the organisation, objective, self-assessment, flexibility, letter
and list pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accountability import services, synthesis
from accountability.choices import WellLedArea
from accountability.models import SynthesisRecommendation
from escalation import services as escalation_services
from escalation.models import EscalationDecision
from meetings import services as meeting_services
from meetings.models import MeetingType


@pytest.fixture
def month(transactional_db, world, frameworks):
    """This month's draft synthesis with organisation A in it (an open concern) and a
    recommendation to escalate A; A's Chair objective, flexibility and submitted self-assessment;
    and this month's WG–NHS P&I Oversight Meeting."""
    today = timezone.localdate()
    analyst, official = world.personas["analyst"], world.personas["official"]
    starts = datetime.combine(today, datetime.min.time().replace(hour=10), tzinfo=ZoneInfo("Europe/London"))
    meeting = meeting_services.meeting_create(
        actor=official, meeting_type=MeetingType.objects.get(code="wg_nhspi_oversight"), starts_at=starts
    )
    escalation_services.concern_raise(
        actor=analyst,
        organisation=world.org_a,
        title="Emergency department waits rising",
        description="Twelve-hour waits have risen for four months.",
        on=today,
    )
    made, _ = synthesis.synthesis_assemble(today=today)
    entry = made.entries.get(organisation=world.org_a)
    recommendation = services.recommendation_add(
        actor=analyst,
        entry=entry,
        recommendation="escalate",
        recommended_level=2,
        rationale="Waits rising without a recovery plan.",
        on=today,
    )
    objective = services.objective_set(
        actor=official, organisation=world.org_a, year=today.year, text="Lead a governance review", today=today
    )
    services.flexibility_grant(
        actor=official,
        organisation=world.org_a,
        what="Choice of local pathway",
        reason="On plan for three years",
        granted_on=today,
        today=today,
    )
    submitter = world.personas["submitter_a"]
    assessment = services.assessment_start(actor=submitter, organisation=world.org_a, year=today.year, today=today)
    assessment = services.assessment_update_self(
        actor=submitter,
        assessment=assessment,
        expected_version=assessment.version,
        ratings=dict.fromkeys(WellLedArea.values, (3, "Our evidence")),
        summary="Well led.",
    )
    services.assessment_submit(actor=submitter, assessment=assessment, expected_version=assessment.version, today=today)
    return {
        "synthesis": made,
        "recommendation": recommendation,
        "objective": objective,
        "assessment": assessment,
        "meeting": meeting,
    }


def test_an_analyst_edits_signs_off_the_synthesis_and_starts_a_decision(
    page, live_server, world, month, sign_in, axe_check
):
    sign_in(page, world.personas["analyst"].username)
    page.goto(f"{live_server.url}/accountability/synthesis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly system synthesis")
    axe_check(page)
    page.get_by_role("link", name=timezone.localdate().strftime("%B %Y")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("System synthesis:")
    section = page.locator(f"[data-organisation='{world.org_a.code}']")
    expect(section).to_contain_text("Emergency department waits rising")
    axe_check(page)

    # Risks, mitigations and actions for organisation A.
    section.get_by_text("Edit the risks, mitigations and actions").click()
    section.get_by_label("Risks").fill("Twelve-hour waits harm patients.")
    section.get_by_label("Recommended actions").fill("Escalate the organisation.")
    section.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been saved")
    expect(section.get_by_test_id("analysis")).to_contain_text("Twelve-hour waits harm patients.")

    # Edit the recommendation: to level 3, with a fuller reason.
    section.get_by_text("Change this recommendation").click()
    recommendation = section.get_by_test_id("recommendation")
    recommendation.get_by_label("To level").select_option("3")
    recommendation.get_by_label("Why").fill("Waits rising for four months without a recovery plan.")
    recommendation.get_by_role("button", name="Save the recommendation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recommendation has been changed")
    expect(section.get_by_test_id("recommendation")).to_contain_text("to level 3")
    axe_check(page)

    # Sign it off.
    page.get_by_role("button", name="Sign off the synthesis").click()
    expect(page.get_by_test_id("synthesis-status")).to_contain_text("Signed off")
    axe_check(page)

    # Start a draft decision from the recommendation.
    section = page.locator(f"[data-organisation='{world.org_a.code}']")
    section.get_by_role("button", name="Start a draft decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("draft decision has been started")
    decision = SynthesisRecommendation.objects.get(pk=month["recommendation"].pk).decision
    assert isinstance(decision, EscalationDecision)
    assert (decision.organisation, decision.scope_kind, decision.to_level, decision.status) == (
        world.org_a,
        "organisation",
        3,
        "draft",
    )
    assert page.url.endswith(decision.get_absolute_url())

    # The meeting's page links its paper.
    page.goto(f"{live_server.url}{month['meeting'].get_absolute_url()}")
    expect(page.get_by_test_id("meeting-synthesis")).to_contain_text("System synthesis")
    page.goto(f"{live_server.url}/accountability/meetings/{month['meeting'].pk}/synthesis/")
    axe_check(page)


def test_every_accountability_page_passes_axe(page, live_server, world, month, sign_in, axe_check):
    organisation = world.org_a.pk
    sign_in(page, world.personas["official"].username)
    for path in (
        f"/accountability/organisations/{organisation}/",
        f"/accountability/organisations/{organisation}/earned-autonomy/",
        f"/accountability/organisations/{organisation}/objectives/new/",
        f"/accountability/organisations/{organisation}/flexibilities/new/",
        f"/accountability/organisations/{organisation}/letters/new/",
        f"/accountability/objectives/{month['objective'].pk}/",
        "/accountability/objectives/",
        "/accountability/flexibilities/",
        "/accountability/self-assessments/",
        f"/accountability/self-assessments/{month['assessment'].pk}/",
        f"/organisations/{organisation}/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe_check(page)
    # The earned-autonomy panel loads on the organisation's register page.
    expect(page.get_by_test_id("earned-autonomy")).to_contain_text("oversight meetings a year")

    # The analyst records NHS P&I's assessment beside the organisation's.
    page.context.clear_cookies()
    sign_in(page, world.personas["analyst"].username)
    page.goto(f"{live_server.url}/accountability/self-assessments/{month['assessment'].pk}/")
    axe_check(page)
    for area in WellLedArea.values:
        page.locator(f"#id_rating_{area}").select_option("2" if area != "governance_risk" else "1")
    page.get_by_role("button", name="Record NHS P&I's assessment").click()
    expect(page.get_by_test_id("weak-assessment")).to_be_visible()
    axe_check(page)

    # The organisation starts next year's self-assessment.
    page.context.clear_cookies()
    sign_in(page, world.personas["submitter_a"].username)
    page.goto(f"{live_server.url}/accountability/organisations/{organisation}/self-assessments/new/")
    axe_check(page)
    page.get_by_label("Year assessed").fill(str(date.today().year - 1))
    page.get_by_role("button", name="Start the self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Well-led self-assessment")
    axe_check(page)

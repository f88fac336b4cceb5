"""Plans and accountability in the browser: an analyst records a plan as not approved and the
Finance flag appears on the organisation's page; the organisation's submitter files evidence
against a condition; the analyst marks the condition met. Every new page passes axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from escalation import services as escalation_services
from plans import reference, submissions
from plans.models import Plan, RequiredSubmission

FLAG_TITLE = "No approved, financially balanced three-year plan for 2025-28"


@pytest.fixture
def content(transactional_db, world, frameworks):
    """Plans reference data, and organisation A at level 3 since February with its submissions."""
    reference.seed()
    draft = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=3,
        rationale="Deficit growing",
        planned_on=date(2026, 2, 10),
    )
    escalation_services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=date(2026, 2, 10),
        minister_decided_on=date(2026, 2, 10),
    )
    submissions.submissions_schedule(today=date.today())
    return world


def test_a_plan_not_approved_flags_the_organisation_and_a_condition_is_evidenced_and_met(
    page, live_server, content, sign_in, axe_check, tmp_path
):
    world = content
    base = live_server.url
    org = world.org_a.pk

    # 1. The analyst records the plan, then the Minister's outcome: not approved.
    sign_in(page, "analyst")
    page.goto(f"{base}/plans/organisation/{org}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans and accountability")
    expect(page.get_by_text("No plan has been submitted for the 2025-28 planning cycle.")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Record a plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a plan")
    axe_check(page)
    page.get_by_role("radio", name="Three-year plan (IMTP)").check()
    page.get_by_label("Submitted to Welsh Government on").fill("2025-03-28")
    page.get_by_label("Approved by the board on").fill("2025-03-24")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Record the plan").click()
    expect(page.get_by_text("The plan has been recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Three-year plan (IMTP) 2025-28")
    page.get_by_role("radio", name="Not approved").check()
    page.get_by_label("Date of the Minister's decision").fill("2025-07-14")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The Minister's outcome has been recorded.")).to_be_visible()
    expect(page.locator("#plan-outcome")).to_contain_text("Not approved, 14 July 2025")
    axe_check(page)

    # The flag appears on the organisation's page (its escalation panel) and on the Finance pillar.
    page.goto(f"{base}/organisations/{org}/")
    flag = page.locator('[data-flag-code="plans.finance_plan"]')
    expect(flag).to_contain_text(FLAG_TITLE)
    expect(flag).to_contain_text("Finance pillar:")
    expect(flag).to_contain_text("has not been approved by the Minister")
    axe_check(page)

    # The analyst records Welsh Government's response and a condition.
    plan = Plan.objects.get(organisation=world.org_a)
    page.goto(f"{base}/plans/{plan.pk}/")
    page.get_by_label("Response issued on").fill("2025-07-20")
    page.get_by_label("Summary of the response").fill("Not approved: resubmit with a savings programme.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Welsh Government's response has been recorded.")).to_be_visible()
    page.get_by_text("Add a condition").click()
    page.get_by_label("Condition", exact=True).fill("Submit a savings programme worth the forecast deficit")
    page.get_by_label("Pillar").select_option(label="Finance")
    page.get_by_label("Due on").fill("2026-01-31")
    page.get_by_label("Owner").fill("Director of Finance")
    page.get_by_role("button", name="Add the condition").click()
    expect(page.get_by_text("The condition has been added.")).to_be_visible()
    axe_check(page)

    # 2. The organisation's submitter files evidence against the condition.
    evidence = tmp_path / "savings-programme.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% the savings programme\n")
    sign_in(page, "submitter_a")
    page.goto(f"{base}/plans/{plan.pk}/")
    expect(page.get_by_text("Change the status")).to_have_count(0)  # not theirs to judge
    page.get_by_text("File evidence").click()
    page.get_by_label("Evidence file").set_input_files(str(evidence))
    page.get_by_label("Note").fill("Programme approved by the board in January")
    page.get_by_role("button", name="File the evidence").click()
    expect(page.get_by_text("The evidence has been filed.")).to_be_visible()
    expect(page.get_by_role("link", name="savings-programme.pdf")).to_be_visible()
    axe_check(page)

    # 3. The analyst marks the condition met.
    sign_in(page, "analyst")
    page.goto(f"{base}/plans/{plan.pk}/")
    page.get_by_text("Change the status").click()
    page.get_by_role("radio", name="Met", exact=True).check()
    page.get_by_role("button", name="Update the status").click()
    expect(page.get_by_text("The condition's status has been updated.")).to_be_visible()
    condition = page.locator("[id^=condition-]").first
    expect(condition.locator(".govuk-tag").first).to_have_text("Met")
    axe_check(page)


def test_every_other_plans_page_passes_axe(page, live_server, content, sign_in, axe_check):
    world = content
    base = live_server.url
    sign_in(page, "official")
    for path, heading in [
        ("/plans/", "Plan status"),
        ("/plans/conditions/", "Accountability conditions"),
        (f"/plans/organisation/{world.org_a.pk}/", "Plans and accountability"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)

    from plans import services

    plan = services.plan_record(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        cycle=Plan._meta.get_field("cycle").related_model.objects.get(code="2025-28"),
        plan_type="imtp",
        submitted_on=date(2025, 3, 28),
        financially_balanced=False,
        today=date.today(),
    )
    page.goto(f"{base}/plans/{plan.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the plan")
    axe_check(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The plan has been updated.")).to_be_visible()

    # A required submission, sent by the organisation with its file.
    sign_in(page, "submitter_a")
    submission = RequiredSubmission.objects.filter(case__organisation=world.org_a, status="due").first()
    page.goto(f"{base}/plans/organisation/{world.org_a.pk}/")
    page.locator(f'a[href="/plans/submissions/{submission.pk}/receive/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(submission.get_kind_display())
    axe_check(page)

"""An analyst drafts an escalation, a decision maker decides it, and the overview shows the
old level the day before it takes effect and the new level from that day. Time is frozen."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

TODAY = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def people(transactional_db, world, frameworks):
    return world


def test_a_finance_escalation_is_drafted_decided_and_shown_from_its_effective_date(
    page, live_server, people, sign_in, axe_check
):
    with time_machine.travel(TODAY, tick=True):
        # 1. The analyst drafts Finance → level 3, effective two days after the decision.
        sign_in(page, "analyst")
        expect(page).to_have_url(re.compile(r"/escalation/$"))  # WG and NHS P&I land on the overview
        page.goto(f"{live_server.url}/escalation/decisions/new/")
        axe_check(page)
        page.get_by_label("Organisation", exact=True).select_option(label=people.org_a.name)
        page.get_by_label("What does the level apply to?").select_option("domain")
        page.get_by_label("Domain or pillar").select_option(label="Finance")
        page.get_by_label("Proposed level").select_option("3")
        page.get_by_label("Rationale").fill("Underlying deficit well beyond the agreed financial plan.")
        page.get_by_label("Date of the decision (planned)").fill("2026-06-01")
        page.get_by_label("Effective from").fill("2026-06-03")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Finance: level 1 to level 3")
        expect(page.locator("strong.govuk-tag")).to_have_text("Draft")
        # An analyst drafts and recommends but never decides: no form to record the decision.
        expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
        axe_check(page)
        decision_url = page.url
        page.get_by_role("button", name="Sign out").click()

        # 2. The decision maker decides it on 1 June, effective 3 June.
        sign_in(page, "decision")
        page.goto(decision_url)
        page.get_by_label("Decided on").fill("2026-06-01")
        page.get_by_label("Effective from").fill("2026-06-03")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("The decision has been recorded.")).to_be_visible()
        expect(page.locator("strong.govuk-tag")).to_have_text("Decided")
        axe_check(page)

        # 3. The overview as at 2 June shows the old level; from 3 June it shows 3.
        def finance_cell(as_at):
            page.goto(f"{live_server.url}/escalation/?as_at={as_at}&era=2026")
            row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=people.org_a.short_name))
            headers = page.get_by_role("columnheader").all_inner_texts()
            return row.get_by_role("cell").nth(headers.index("Finance") - 1)

        before = finance_cell("2026-06-02")
        expect(before).to_contain_text("No decision recorded")
        axe_check(page)
        expect(finance_cell("2026-06-03")).to_contain_text("3")
        expect(finance_cell("2026-06-03")).to_contain_text("Enhanced monitoring")
        expect(finance_cell("2026-12-31")).to_contain_text("Enhanced monitoring")

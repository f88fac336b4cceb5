"""Issue 6's walk-through: a decision maker issues the escalation letter of a decided decision,
the letter is in the document register, the decision is made public, and the public register
(read without signing in) shows it without the draft text or anyone's name."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from escalation import services as escalation_services

RATIONALE = "Internal: the recovery plan the finance director drafted is not credible"
PUBLIC_SUMMARY = "Waits of more than 12 hours in the emergency department have risen for six months."


@pytest.fixture
def decided(transactional_db, world, frameworks):
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=3,
        rationale=RATIONALE,
        planned_on=date(2026, 11, 2),
    )
    return escalation_services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=date(2026, 11, 2),
    )


def test_a_letter_is_issued_registered_and_the_decision_made_public(
    page, browser, live_server, world, decided, sign_in, axe_check
):
    decision_maker = world.personas["decision_maker"]

    # 1. The decision maker drafts the letter from the decided decision, approves and issues it.
    sign_in(page, decision_maker.username)
    page.goto(f"{live_server.url}{decided.get_absolute_url()}")
    page.get_by_role("link", name="Draft a letter").click()
    axe_check(page)
    page.get_by_role("button", name="Draft the letter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notification of escalation")
    letter_url = page.url
    page.get_by_role("button", name="Approve for issue").click()
    page.get_by_role("button", name="Issue the document").click()
    page.goto(letter_url)  # the letter is rendered and numbered by a Celery task
    expect(page.locator("body")).to_contain_text(re.compile(r"OVS-\d{4}-\d{6}"))
    register_number = re.search(r"OVS-\d{4}-\d{6}", page.locator("body").inner_text()).group(0)
    axe_check(page)

    # 2. The letter is in the document register.
    page.goto(f"{live_server.url}/reporting/documents/?number={register_number}")
    expect(page.locator("table")).to_contain_text(register_number)
    expect(page.locator("table")).to_contain_text(world.org_a.short_name)

    # 3. The decision is made public, with a summary written for the public.
    page.goto(f"{live_server.url}{decided.get_absolute_url()}")
    page.get_by_role("link", name="Make public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make this decision public")
    axe_check(page)
    page.get_by_role("button", name="Make public").click()  # without a summary: refused, named
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write a summary of the reasons")
    page.get_by_label("Summary of the reasons, for the public (English)").fill(PUBLIC_SUMMARY)
    page.get_by_role("button", name="Make public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On the public register")

    # 4. Anyone, without signing in, sees it on the public register; the draft text and the names
    # of who drafted, decided and signed are not there.
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/public/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Public register of escalation levels")
    expect(visitor.locator("table")).to_contain_text(world.org_a.name)
    expect(visitor.locator("table")).to_contain_text("Enhanced monitoring")
    axe_check(visitor)
    visitor.get_by_role("link", name="Published decisions").click()
    expect(visitor.locator("main")).to_contain_text(PUBLIC_SUMMARY)
    axe_check(visitor)
    visitor.get_by_role("link", name=world.org_a.name).first.click()
    expect(visitor.locator("main")).to_contain_text(PUBLIC_SUMMARY)
    axe_check(visitor)
    names = [
        person.get_full_name() for person in (decision_maker, world.personas["analyst"], world.personas["official"])
    ]
    for url in ("/public/", "/public/decisions/", f"/public/organisations/{world.org_a.code}/"):
        visitor.goto(f"{live_server.url}{url}")
        text = visitor.locator("body").inner_text()
        assert RATIONALE not in text
        assert "I am writing to tell you" not in text  # the letter's draft text
        for name in names:
            assert name not in text
    # In Welsh too, with the language switch.
    visitor.get_by_role("button", name="Cymraeg").click()
    expect(visitor.locator("html")).to_have_attribute("lang", "cy")
    axe_check(visitor)

"""An analyst reads an unreleased pack; an administrator finds that read in the access log,
filters it, and every page passes axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from reporting.models import Pack


@pytest.fixture
def unreleased_pack(transactional_db, world, frameworks):
    return Pack.objects.create(organisation=world.org_a, period=date(2026, 5, 1))


def test_an_administrator_sees_who_read_an_unreleased_pack(browser, live_server, unreleased_pack, sign_in, axe_check):
    analyst = browser.new_page()
    sign_in(analyst, "analyst")
    analyst.goto(f"{live_server.url}{unreleased_pack.get_absolute_url()}")
    expect(analyst.get_by_role("heading", level=1)).to_be_visible()
    analyst.close()

    page = browser.new_page()  # a browser context of its own: the administrator's session
    sign_in(page, "admin")
    page.get_by_role("link", name="Access log").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log of sensitive reads")
    expect(page.get_by_text("1 result")).to_be_visible()
    expect(page.get_by_role("cell", name="analyst", exact=True)).to_be_visible()
    axe_check(page)

    page.get_by_label("User name").fill("official")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No reads to show.")).to_be_visible()
    axe_check(page)
    page.close()

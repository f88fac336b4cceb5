"""A person signs in, finds the organisations, opens one, and every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def people(transactional_db, world):
    return world


def test_submitter_signs_in_and_browses_the_register(page, live_server, people, sign_in, axe_check):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Oversight")
    axe_check(page)

    sign_in(page, "submitter_a")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Organisations", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    # The register holds every organisation, including ones the user does not belong to.
    expect(page.get_by_role("link", name="Organisation B University Health Board")).to_be_visible()
    axe_check(page)

    page.get_by_label("Name or code").fill("Org A")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 result")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Organisation A University Health Board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation A University Health Board")
    expect(page.get_by_role("link", name="Members")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Change history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change history")
    axe_check(page)


def test_another_organisations_members_page_is_not_found(page, live_server, people, sign_in, axe_check):
    sign_in(page, "submitter_a")
    page.goto(f"{live_server.url}/organisations/{people.org_b.pk}/")
    # The register entry is there, but not the links to private pages.
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation B University Health Board")
    expect(page.get_by_role("link", name="Members")).to_have_count(0)
    response = page.goto(f"{live_server.url}/organisations/{people.org_b.pk}/members/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)


def test_an_administrator_edits_an_organisation_and_sees_it_in_the_history(
    page, live_server, people, sign_in, axe_check
):
    sign_in(page, "admin")
    page.goto(f"{live_server.url}/organisations/{people.org_a.pk}/edit/")
    axe_check(page)
    page.get_by_label("Short name (English)").fill("Org A renamed")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="This field is required.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Reason for the change").fill("Agreed new short name")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("has been updated")).to_be_visible()
    page.get_by_role("link", name="Change history").click()
    expect(page.get_by_text("Agreed new short name")).to_be_visible()
    expect(page.get_by_text("Org A → Org A renamed")).to_be_visible()

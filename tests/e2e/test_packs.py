"""The issue's browser walk-through for performance packs. Organisation A's submitter opens
this month's pack and uploads the filled-in template; an NHS P&I analyst returns it with a
comment; the submitter corrects a value in the form and submits again; the analyst validates
and releases it. The released pack page shows SPC icons over three years of released history.
The analytics then raise a concern in the triage queue for the demo's deteriorating
organisation, and none for organisation A. Every page passes axe-core."""

import csv
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation.models import Concern
from organisations import reference as organisation_reference
from organisations.models import Organisation
from reporting import analytics, demo, imports, reference, selectors
from reporting.choices import PackStatus, Unit
from reporting.models import Pack, PackValue

SAMPLE = {Unit.PERCENT: "80", Unit.YES_NO: "1", Unit.GBP_MILLIONS: "-1.5"}


@pytest.fixture
def history(transactional_db, world, frameworks):
    """Three years of released demo packs for organisation A and for the demo's deteriorating
    organisation, ending last month."""
    organisation_reference.seed()
    reference.seed()
    deteriorating = Organisation.objects.get(code=demo.DETERIORATING[0])
    summary = demo.generate(today=timezone.localdate(), organisations=[world.org_a, deteriorating])
    return world, deteriorating, summary


def _filled_template(tmp_path, organisation, period):
    """The pack's template, filled in with last month's released values (so the new month
    continues the organisation's history rather than jumping away from it)."""
    rows = list(csv.DictReader(io.StringIO(imports.template_csv(organisation, period))))
    units = {m.code: m.unit for m in selectors.pack_measures(organisation, period)}
    latest = Pack.objects.filter(organisation=organisation, status=PackStatus.RELEASED).order_by("-period").first()
    last = {v.measure.code: v.value for v in latest.values.select_related("measure")}
    for row in rows:
        value = last.get(row["measure"])
        row["value"] = str(value) if value is not None else SAMPLE.get(units[row["measure"]], "10")
    path = tmp_path / "pack.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_pack_goes_from_upload_to_release_and_the_deteriorating_organisation_is_flagged(
    page, live_server, history, sign_in, axe_check, tmp_path
):
    world, deteriorating, summary = history
    this_month = timezone.localdate().replace(day=1)
    filled = _filled_template(tmp_path, world.org_a, this_month)

    # 1. The submitter opens this month's pack and uploads the filled-in template.
    sign_in(page, "submitter_a")
    page.goto(f"{live_server.url}/reporting/packs/")
    axe_check(page)
    page.get_by_role("link", name="Open a pack").click()
    page.get_by_label("Month").fill(f"{this_month:%Y-%m}")
    axe_check(page)
    page.get_by_role("button", name="Open the pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Performance pack: {this_month:%B %Y}")
    pack = Pack.objects.get(organisation=world.org_a, period=this_month)
    page.get_by_role("link", name="Upload a file").click()
    axe_check(page)
    page.get_by_label("Filled-in template (CSV or Excel)").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#upload-status")).to_have_attribute("data-status", "stored")
    axe_check(page)
    page.get_by_role("link", name="Back to the pack").click()
    page.get_by_role("button", name="Submit the pack").click()
    expect(page.get_by_text("The pack is submitted")).to_be_visible()
    expect(page.get_by_test_id("pack-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Sign out").click()

    # 2. The analyst returns it with a comment.
    sign_in(page, "analyst")
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    page.get_by_text("Return the pack to the organisation").click()
    page.get_by_label("What the organisation needs to change").fill("The 4-hour figure looks like last month's.")
    page.get_by_role("button", name="Return the pack").click()
    expect(page.get_by_test_id("pack-status")).to_have_text("Returned with comments")
    page.get_by_role("button", name="Sign out").click()

    # 3. The submitter sees the comment, corrects the value in the form and submits again.
    sign_in(page, "submitter_a")
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    expect(page.get_by_test_id("returned-comment")).to_have_text("The 4-hour figure looks like last month's.")
    axe_check(page)
    page.get_by_role("link", name="Enter values").click()
    page.locator("#id_value_UEC-ED4H").fill("140")
    page.get_by_role("button", name="Save the values").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("UEC-ED4H")
    axe_check(page)
    page.locator("#id_value_UEC-ED4H").fill("71.5")
    page.get_by_role("button", name="Save the values").click()
    expect(page.get_by_text("The values are saved.")).to_be_visible()
    page.get_by_role("button", name="Submit the pack").click()
    expect(page.get_by_test_id("pack-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Sign out").click()

    # 4. The analyst validates and releases it.
    sign_in(page, "analyst")
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    page.get_by_role("button", name="Validate the pack").click()
    expect(page.get_by_test_id("pack-status")).to_have_text("Validated")
    page.get_by_role("button", name="Release the pack").click()
    expect(page.get_by_test_id("pack-status")).to_have_text("Released")
    pack.refresh_from_db()
    assert pack.status == PackStatus.RELEASED
    assert PackValue.objects.get(pack=pack, measure__code="UEC-ED4H").value == 71.5

    # 5. The pack page shows each value's status and its SPC icons over the released history.
    row = page.locator("tr[data-measure='UEC-ED4H']")
    expect(row).to_contain_text("71.5")
    expect(row).to_contain_text("Variation:")
    expect(row.locator(".govuk-tag").first).to_be_visible()
    expect(page.locator("tr[data-measure] .govuk-tag")).not_to_have_count(0)
    expect(page.get_by_test_id("pack-history")).to_contain_text("Released")
    axe_check(page)

    # 6. The analytics raise a concern for the deteriorating organisation only, and it is in
    # the triage queue.
    analytics.early_warnings(today=timezone.localdate())
    keys = set(Concern.objects.filter(organisation=deteriorating).values_list("source_key", flat=True))
    assert keys == {k for k in summary.expected_warnings if f":{deteriorating.code}:" in k} != set()
    page.goto(f"{live_server.url}/escalation/concerns/")
    concern = Concern.objects.get(organisation=deteriorating)
    expect(page.get_by_role("link", name=concern.title)).to_be_visible()
    axe_check(page)

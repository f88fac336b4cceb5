"""The issue's browser test, with frozen time: organisation A at level 2 held its last
CEO/Executive Review on 15 January 2027, so the planner plans the next for 15 July 2027.
Escalated to level 4 on 1 March 2027, that unconfirmed review moves to 15 March 2027. A's
submitter then sees the meeting and submits a paper before the papers deadline (on time)
and another after it (tagged late). Every meetings page also passes axe-core, in English and
one in Welsh."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from escalation import services as escalation_services
from meetings import calendar, planner, services
from meetings.choices import DecisionMethod, MeetingStatus, MembershipKind
from meetings.models import Committee, CommitteeMember, Meeting, MeetingType

LONDON = ZoneInfo("Europe/London")
WHOLE = escalation_services.Scope("organisation")


def at(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def people(transactional_db, world, frameworks):
    return world


def _escalate(world, *, to_level, on: date):
    """The analyst's draft: organisation A, the whole organisation, to ``to_level``."""
    return escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=WHOLE,
        to_level=to_level,
        rationale="Financial position deteriorating against the agreed plan.",
        planned_on=on,
    )


def _review(world) -> Meeting:
    return Meeting.objects.get(plan_key=f"review:{world.org_a.code}", status=MeetingStatus.PLANNED)


@pytest.fixture
def held_in_january(people):
    """Level 2 from 15 July 2026; the review that level planned held on 15 January 2027; and
    the planner's run that day, which plans the next review six months on."""
    world = people
    with time_machine.travel(at(2026, 7, 15), tick=False):
        draft = _escalate(world, to_level=2, on=date(2026, 7, 15))
        escalation_services.decision_decide(
            actor=world.personas["decision_maker"],
            decision=draft,
            expected_version=draft.version,
            decided_on=date(2026, 7, 15),
        )
    january = _review(world)  # planned straight after the decision, six months on
    assert january.meeting_on == date(2027, 1, 15)
    with time_machine.travel(at(2027, 1, 15, 15), tick=False):
        services.meeting_advance(
            actor=world.personas["official"],
            meeting=january,
            expected_version=january.version,
            to_status=MeetingStatus.HELD,
            on=date(2027, 1, 15),
        )
        planner.plan_meetings(today=date(2027, 1, 15))
    july = _review(world)
    assert (july.meeting_on, july.planned_for_level) == (date(2027, 7, 15), 2)
    return july


def _upload(page, path):
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Kind of paper").select_option("paper")
    page.get_by_role("button", name="Submit the paper").click()
    expect(page.get_by_text("The paper has been submitted.")).to_be_visible()


def test_an_escalation_moves_the_unconfirmed_review_earlier_and_a_late_paper_is_flagged(
    page, live_server, people, held_in_january, sign_in, axe_check, tmp_path
):
    world, review = people, held_in_january
    meeting_url = f"{live_server.url}{review.get_absolute_url()}"
    on_time, late = tmp_path / "finance-report.pdf", tmp_path / "workforce-report.pdf"
    for path in (on_time, late):
        path.write_bytes(b"%PDF-1.4\n% a paper for the review\n")

    with time_machine.travel(at(2027, 3, 1), tick=True):
        # 1. The analyst has drafted level 4; the decision maker records it in the UI on 1 March.
        draft = _escalate(world, to_level=4, on=date(2027, 3, 1))
        sign_in(page, "decision")
        page.goto(f"{live_server.url}{draft.get_absolute_url()}")
        page.get_by_label("Decided on").fill("2027-03-01")
        page.get_by_label("Effective from").fill("2027-03-01")
        page.get_by_label("Date the Minister decided").fill("2027-03-01")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("The decision has been recorded.")).to_be_visible()

        # 2. Level 4 meets every two months from the last held review: 15 March, not 15 July.
        page.goto(meeting_url)
        expect(page.locator("#meeting-when")).to_contain_text("Monday 15 March 2027, 10:00")
        expect(page.locator("#meeting-details")).to_contain_text("Planned for level")
        expect(page.locator("#meeting-details")).to_contain_text("4")
        expect(page.locator("#history")).to_be_visible()
        expect(page.get_by_text("Moved by the planner: the driving level changed from 2 to 4")).to_be_visible()
        axe_check(page)
        page.goto(f"{live_server.url}/meetings/?organisation={world.org_a.code}&meeting_type=ceo_review")
        rows = page.get_by_role("row").filter(has=page.get_by_role("link", name=review.title))
        expect(rows).to_have_count(2)  # January's, held, and the next
        expect(rows.nth(0)).to_contain_text("15 Jan 2027")
        expect(rows.nth(0)).to_contain_text("Held")
        expect(rows.nth(1)).to_contain_text("15 Mar 2027")
        expect(rows.nth(1)).to_contain_text("Planned")
        expect(rows.nth(1)).to_contain_text("5 Mar 2027")  # papers due ten days before
        expect(page.get_by_role("table")).not_to_contain_text("Jul 2027")
        axe_check(page)
        page.get_by_role("button", name="Sign out").click()

        # 3. Organisation A's submitter sees the meeting and submits a paper in time.
        sign_in(page, "submitter_a")
        page.goto(f"{live_server.url}/meetings/")
        page.get_by_role("row").filter(has_text="15 Mar 2027").get_by_role("link", name=review.title).click()
        expect(page).to_have_url(meeting_url)
        expect(page.get_by_role("heading", level=1)).to_have_text(review.title)
        expect(page.locator("#meeting-when")).to_contain_text("Monday 15 March 2027")
        expect(page.get_by_text("Papers are due by Friday 5 March 2027.", exact=False)).to_be_visible()
        _upload(page, on_time)
        paper = page.locator("tr.app-paper").filter(has_text="finance-report.pdf")
        expect(paper).to_contain_text("1 Mar 2027")
        expect(paper).not_to_contain_text("Late")
        axe_check(page)

    with time_machine.travel(at(2027, 3, 8), tick=True):
        # 4. A week later, past the 5 March deadline: the next paper is tagged late.
        sign_in(page, "submitter_a")  # yesterday's session has ended
        page.goto(meeting_url)
        _upload(page, late)
        paper = page.locator("tr.app-paper").filter(has_text="workforce-report.pdf")
        expect(paper).to_contain_text("8 Mar 2027")
        expect(paper.locator("strong.govuk-tag")).to_have_text("Late")
        expect(page.locator("tr.app-paper").filter(has_text="finance-report.pdf")).not_to_contain_text("Late")
        axe_check(page)


# --- Every meetings page passes axe -------------------------------------------------------------


@pytest.fixture
def content(people):
    """A review with papers and actions, a committee with a meeting, attendance, a vote still
    to count and declarations, and a feed."""
    world = people
    official = world.personas["official"]
    types = {t.code: t for t in MeetingType.objects.all()}
    review = services.meeting_create(
        actor=official,
        meeting_type=types["ceo_review"],
        starts_at=at(2026, 12, 9, 10),
        organisation=world.org_a,
        online_link="https://teams.example/join/review",
    )
    item = services.agenda_item_add(actor=official, meeting=review, title="Financial recovery", presenter="DoF")
    services.paper_submit(
        actor=world.personas["submitter_a"],
        meeting=review,
        upload=SimpleUploadedFile("recovery.pdf", b"%PDF-1.4\n% plan\n"),
        agenda_item=item,
    )
    services.action_create(
        actor=official,
        meeting=review,
        title="Send the recovery plan",
        organisation=world.org_a,
        due_on=date(2026, 11, 20),
        owner=world.personas["submitter_a"],
    )
    committee = Committee.objects.create(
        name="Pan Cluster Planning Group",
        meeting_type=types["committee"],
        host_organisation=world.org_a,
        quorum_fraction_numerator=1,
        quorum_fraction_denominator=2,
        chair="Dr Chair",
        chair_rotates_on=date(2027, 4, 1),
        tor_last_reviewed_on=date(2025, 10, 1),
    )
    for organisation, role, person, kind in (
        (world.org_a, "Cluster lead", world.personas["submitter_a"], MembershipKind.CORE),
        (world.org_b, "Planning lead", world.personas["submitter_b"], MembershipKind.CORE),
        (world.nhspi, "Adviser", world.personas["analyst"], MembershipKind.ATTENDEE),
    ):
        CommitteeMember.objects.create(
            committee=committee, organisation=organisation, role=role, kind=kind, representative=person
        )
    meeting = services.meeting_create(
        actor=official, meeting_type=types["committee"], committee=committee, starts_at=at(2026, 12, 10, 14)
    )
    for person in ("submitter_a", "submitter_b", "analyst"):
        services.attendance_record(actor=official, meeting=meeting, person=world.personas[person])
    services.decision_record(actor=official, meeting=meeting, text="Adopt the plan", method=DecisionMethod.VOTE)
    services.declaration_record(
        actor=official,
        meeting=meeting,
        person=world.personas["submitter_a"],
        interest="Trustee of a local hospice",
        on=date(2026, 12, 10),
    )
    calendar.feed_create(official)
    return world, review, committee, meeting


def test_every_meetings_page_passes_axe(page, live_server, content, sign_in, axe_check):
    world, review, committee, meeting = content
    with time_machine.travel(at(2026, 12, 1), tick=True):
        sign_in(page, "official")
        pages = [
            ("/meetings/", "Meetings"),
            ("/meetings/?month=2026-12&status=planned", "Meetings"),
            ("/meetings/calendar/?month=2026-12", "Meetings calendar"),
            (review.get_absolute_url(), review.title),
            (meeting.get_absolute_url(), meeting.title),
            ("/meetings/actions/", "My actions"),
            (f"/meetings/organisations/{world.org_a.pk}/actions/", f"Actions for {world.org_a.name}"),
            ("/meetings/committees/", "Committees"),
            (f"/meetings/committees/{committee.pk}/", committee.name),
            ("/meetings/calendar-feed/", "Your calendar feed"),
            ("/meetings/new/", "Arrange a meeting"),
            (f"/meetings/{review.pk}/edit/", "Change the meeting"),
            (
                f"/meetings/declarations/{world.personas['submitter_a'].pk}/",
                world.personas["submitter_a"].get_full_name(),
            ),
        ]
        for path, heading in pages:
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            for summary in page.locator("details.govuk-details summary").all():
                summary.click()  # open every form, so axe checks them too
            axe_check(page)
        # A refusal beside the field passes too: a cancellation with no reason.
        page.goto(f"{live_server.url}{review.get_absolute_url()}")
        page.get_by_text("Cancel this meeting").click()
        page.get_by_role("button", name="Cancel the meeting").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        axe_check(page)
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, "submitter_a")
        page.goto(f"{live_server.url}/meetings/actions/")
        expect(page.get_by_role("row").filter(has_text="Send the recovery plan")).to_contain_text("Overdue")
        axe_check(page)


def test_the_meeting_page_in_welsh_passes_axe(page, live_server, content, sign_in, axe_check):
    _world, _review, _committee, meeting = content
    with time_machine.travel(at(2026, 12, 1), tick=True):
        sign_in(page, "official")
        page.goto(f"{live_server.url}/language/cy/?next={meeting.get_absolute_url()}")
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        expect(page).to_have_url(re.compile(rf"{meeting.get_absolute_url()}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
        axe_check(page)

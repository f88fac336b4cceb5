"""The planner on a fixed scenario: the expected schedule is written here before the planner
runs; the first run makes exactly it, the second makes no writes, two at once make no
duplicates; a change of level moves an unconfirmed meeting and never a confirmed one."""

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from escalation import services as escalation
from escalation.models import Domain
from meetings import planner
from meetings.models import AgendaItem, Meeting, MeetingInvitation, MeetingType, PublicAccountabilitySetting
from tests.factories import OrganisationFactory

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)  # a Tuesday

# The schedule the planner must make on TODAY, written before it runs: (slot, date).
EXPECTED = {
    # Org A: special measures organisation-wide since 1 June 2026. Reviews are monthly and none
    # has been held, so the first fell due on 1 July: overdue, so within 14 days.
    ("review:ORGA", date(2026, 12, 15)),
    # ... and Whole Board meetings every three months from 1 June: due 1 September, overdue.
    ("whole_board:ORGA", date(2026, 12, 15)),
    # Public Accountability: once a year by default, counted from the 2026 framework's start.
    ("public_accountability:ORGA", date(2027, 4, 1)),
    # Org B: Finance at level 3 (quarterly), last review held on 10 November 2026.
    ("review:ORGB", date(2027, 2, 10)),
    # Twice a year: due 1 October 2026, overdue.
    ("public_accountability:ORGB", date(2026, 12, 15)),
    # Org C: routine arrangements, nothing decided: six-monthly from today.
    ("review:ORGC", date(2027, 6, 1)),
    # The Chair's objectives reviews, by the same driving level from the chair_review cadence
    # data (defaults: 1, 2, 3, 6 and 12 months at levels 5 to 1; docs/decisions.md): A monthly
    # from 1 June, overdue, so within 14 days; B quarterly from 1 October (none held); C yearly.
    ("chair_review:ORGA", date(2026, 12, 15)),
    ("chair_review:ORGB", date(2027, 1, 1)),
    ("chair_review:ORGC", date(2027, 12, 1)),
    ("public_accountability:ORGC", date(2027, 4, 1)),
    # System-wide: the monthly oversight meeting on the second Tuesday, this month and next.
    ("oversight:2026-12", date(2026, 12, 8)),
    ("oversight:2027-01", date(2027, 1, 12)),
    # Tripartite: never held, so within 14 days.
    ("tripartite", date(2026, 12, 15)),
    # The region under Ministerial Direction: never held, so within 14 days.
    ("regional:south-east-wales", date(2026, 12, 15)),
}


def _decide(world, organisation, scope, level, on):
    draft = escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=organisation,
        scope=scope,
        to_level=level,
        rationale="r",
        planned_on=on,
    )
    return escalation.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=on,
        minister_decided_on=on,
        override_rationale="Criteria sustained",
    )


def _held(meeting_type, organisation, on):
    starts = datetime(on.year, on.month, on.day, 10, tzinfo=LONDON)
    return Meeting.objects.create(
        meeting_type=meeting_type,
        organisation=organisation,
        title="Held",
        starts_at=starts,
        ends_at=starts.replace(hour=12),
        status="held",
        held_on=on,
    )


@pytest.fixture
def scenario(world, frameworks):
    region = world.org_a.region
    region.under_ministerial_direction = True
    region.save()
    org_c = OrganisationFactory(code="ORGC", name="Organisation C NHS Trust", short_name="Org C", kind="trust")
    OrganisationFactory(code="AW", name="Audit Wales", short_name="AW", kind="auditor", statutory=False)
    _decide(world, world.org_a, escalation.Scope("organisation"), 5, date(2026, 6, 1))
    finance = Domain.objects.get(era__code="2026", code="finance")
    _decide(world, world.org_b, escalation.Scope("domain", finance), 3, date(2026, 10, 1))
    _held(MeetingType.objects.get(code="ceo_review"), world.org_b, date(2026, 11, 10))
    PublicAccountabilitySetting.objects.create(organisation=world.org_b, meetings_per_year=2)
    return world, org_c


def _schedule():
    return {(m.plan_key, m.meeting_on) for m in Meeting.objects.exclude(plan_key="").filter(status="planned")}


def _writes(captured):
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_the_first_run_makes_the_expected_schedule_and_the_second_makes_no_writes(scenario):
    _world, _org_c = scenario
    report = planner.plan_meetings(today=TODAY)
    assert _schedule() == EXPECTED
    assert len(report.created) == len(EXPECTED)
    assert Meeting.objects.get(plan_key="review:ORGA").planned_for_level == 5
    assert Meeting.objects.get(plan_key="review:ORGB").planned_for_level == 3
    # Each meeting starts at 10:00 London time, with the type's usual length.
    review = Meeting.objects.get(plan_key="review:ORGB")
    assert review.starts_at.astimezone(LONDON).hour == 10 and review.ends_at > review.starts_at
    # The oversight meeting has a system update and an item for each organisation at 2-5.
    december = Meeting.objects.get(plan_key="oversight:2026-12")
    items = set(AgendaItem.objects.filter(meeting=december).values_list("title", "organisation__code"))
    assert items == {("System update", None), ("Org A", "ORGA"), ("Org B", "ORGB")}
    # Partners are invited to the tripartite meeting; the region's boards to theirs.
    tripartite = Meeting.objects.get(plan_key="tripartite")
    assert set(tripartite.invitations.values_list("organisation__code", flat=True)) == {"HIW", "AW"}
    regional = Meeting.objects.get(plan_key="regional:south-east-wales")
    assert set(regional.invitations.values_list("organisation__code", flat=True)) == {"ORGA", "ORGB"}

    counts = (Meeting.objects.count(), AgendaItem.objects.count(), MeetingInvitation.objects.count())
    history = Meeting.history.count()
    with CaptureQueriesContext(connection) as captured:
        again = planner.plan_meetings(today=TODAY)
    assert again.writes == 0 and _writes(captured) == []
    assert (Meeting.objects.count(), AgendaItem.objects.count(), MeetingInvitation.objects.count()) == counts
    assert Meeting.history.count() == history


def test_the_command_plans_and_says_what_it_did(scenario):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with time_machine.travel(datetime(2026, 12, 1, 6, tzinfo=UTC)):
        call_command("plan_meetings", stdout=out)
    assert f"Meetings: {len(EXPECTED)} planned, 0 moved" in out.getvalue()
    assert "planned   review:ORGB: 2027-02-10" in out.getvalue()


def test_escalation_moves_an_unconfirmed_review_earlier_and_de_escalation_later(
    world, frameworks, django_capture_on_commit_callbacks
):
    """The browser scenario's arithmetic: last review 15 January, level 2 (six-monthly), so the
    next is 15 July; escalating to level 4 on 1 March moves it to 15 March."""
    ceo_review = MeetingType.objects.get(code="ceo_review")
    _decide(world, world.org_a, escalation.Scope("organisation"), 2, date(2026, 11, 2))
    _held(ceo_review, world.org_a, date(2027, 1, 15))
    planner.plan_meetings(today=date(2027, 1, 16))
    review = Meeting.objects.get(plan_key="review:ORGA", status="planned")
    assert review.meeting_on == date(2027, 7, 15)

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC)), django_capture_on_commit_callbacks(execute=True):
        _decide(world, world.org_a, escalation.Scope("organisation"), 4, date(2027, 3, 1))
    review.refresh_from_db()
    assert review.meeting_on == date(2027, 3, 15) and review.planned_for_level == 4
    assert "level changed from 2 to 4" in review.history.first().history_change_reason

    # Back to 3 (quarterly from 15 January: 15 April): a de-escalation moves it later.
    with time_machine.travel(datetime(2027, 3, 5, 9, tzinfo=UTC)), django_capture_on_commit_callbacks(execute=True):
        _decide(world, world.org_a, escalation.Scope("organisation"), 3, date(2027, 3, 5))
    review.refresh_from_db()
    assert review.meeting_on == date(2027, 4, 15)


def test_a_confirmed_meeting_never_moves(world, frameworks, django_capture_on_commit_callbacks):
    _decide(world, world.org_a, escalation.Scope("organisation"), 2, date(2026, 11, 2))
    _held(MeetingType.objects.get(code="ceo_review"), world.org_a, date(2027, 1, 15))
    planner.plan_meetings(today=date(2027, 1, 16))
    review = Meeting.objects.get(plan_key="review:ORGA", status="planned")
    Meeting.objects.filter(pk=review.pk).update(status="confirmed")
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC)), django_capture_on_commit_callbacks(execute=True):
        _decide(world, world.org_a, escalation.Scope("organisation"), 5, date(2027, 3, 1))
    review.refresh_from_db()
    assert review.meeting_on == date(2027, 7, 15)


def test_a_whole_board_meeting_still_planned_is_cancelled_when_special_measures_end(world, frameworks):
    _decide(world, world.org_a, escalation.Scope("organisation"), 5, date(2026, 6, 1))
    planner.plan_meetings(today=TODAY)
    assert Meeting.objects.filter(plan_key="whole_board:ORGA", status="planned").exists()
    _decide(world, world.org_a, escalation.Scope("organisation"), 4, date(2026, 12, 2))
    report = planner.plan_meetings(today=date(2026, 12, 2))
    whole_board = Meeting.objects.get(plan_key="whole_board:ORGA")
    assert whole_board.status == "cancelled"
    assert "no longer in special measures" in whole_board.cancelled_reason
    assert report.cancelled == ["whole_board:ORGA: 2026-12-15"]


def test_a_service_level_does_not_set_the_review_cadence(world, frameworks):
    _decide(world, world.org_a, escalation.Scope("service", service_name="Maternity and neonatal services"), 5, TODAY)
    planner.plan_meetings(today=TODAY)
    assert Meeting.objects.get(plan_key="review:ORGA").meeting_on == date(2027, 6, 1)  # six-monthly: level 1
    assert not Meeting.objects.filter(plan_key="whole_board:ORGA").exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_no_duplicates(world, frameworks):
    """Two planners on two database connections, started together. The unique constraints,
    not only the checks, keep one meeting per slot."""
    _decide(world, world.org_a, escalation.Scope("organisation"), 4, date(2026, 6, 1))
    barrier = threading.Barrier(2)
    failures = []

    def run():
        try:
            barrier.wait(timeout=10)
            planner.plan_meetings(today=TODAY)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    keys = list(Meeting.objects.exclude(plan_key="").values_list("plan_key", flat=True))
    assert len(keys) == len(set(keys))
    assert "review:ORGA" in keys and "oversight:2026-12" in keys


def test_a_second_item_about_an_organisation_does_not_stop_the_planner(world, frameworks):
    _decide(world, world.org_a, escalation.Scope("organisation"), 3, date(2026, 6, 1))
    planner.plan_meetings(today=TODAY)
    december = Meeting.objects.get(plan_key="oversight:2026-12")
    AgendaItem.objects.create(meeting=december, organisation=world.org_a, title="Org A: finance", order=9)
    report = planner.plan_meetings(today=TODAY)
    assert report.writes == 0
    assert AgendaItem.objects.filter(meeting=december, organisation=world.org_a).count() == 2


def test_a_cancelled_meeting_is_not_planned_back_on_the_same_day(world, frameworks):
    _decide(world, world.org_a, escalation.Scope("organisation"), 5, date(2026, 6, 1))
    planner.plan_meetings(today=TODAY)
    for key in ("oversight:2026-12", "review:ORGA"):
        Meeting.objects.filter(plan_key=key).update(status="cancelled", cancelled_reason="Christmas")
    planner.plan_meetings(today=TODAY)
    assert not Meeting.objects.filter(plan_key="oversight:2026-12").exclude(status="cancelled").exists()
    # The review that was to be on 15 December comes back a fortnight after it, not on it.
    assert Meeting.objects.get(plan_key="review:ORGA", status="planned").meeting_on == date(2026, 12, 29)


def test_a_planned_meeting_whose_day_passed_unheld_is_planned_again(world, frameworks):
    planner.plan_meetings(today=TODAY)  # org A at level 1: a review on 1 June 2027
    review = Meeting.objects.get(plan_key="review:ORGA")
    assert review.meeting_on == date(2027, 6, 1)
    planner.plan_meetings(today=date(2027, 6, 3))
    review.refresh_from_db()
    assert review.meeting_on == date(2027, 6, 17)  # within 14 days
    assert "its date passed" in review.history.first().history_change_reason

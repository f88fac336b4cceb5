"""The meetings reference data: every meeting type of DOMAIN.md's table, in English and
Welsh, in force on the right dates, with the cadence of 001 §6.3 held as data; seeding is
idempotent and keeps an administrator's edits."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from meetings import reference, rules
from meetings.choices import CadenceRule, MeetingScope, PapersRule, TorKind
from meetings.models import CadencePolicy, MeetingType

LEGACY = {"jet", "iqpd", "service_specific", "escalation_meeting", "quality_and_delivery_board"}
NEW_2026 = {
    "ceo_review",
    "wg_nhspi_oversight",
    "whole_board",
    "targeted_support_clinic",
    "public_accountability",
    "regional",
}
SPANNING = {"tripartite", "committee", "chair_review"}

pytestmark = pytest.mark.django_db


def _empty():
    """The run seeds the reference data once (tests/conftest.py); these tests start from none."""
    CadencePolicy.objects.all().delete()
    MeetingType.objects.all().delete()


@pytest.fixture
def seeded():
    _empty()
    return reference.seed()


def _state():
    return (
        list(MeetingType.objects.order_by("code").values()),
        list(CadencePolicy.objects.order_by("pk").values()),
        MeetingType.history.count(),
        CadencePolicy.history.count(),
    )


def test_every_meeting_type_of_the_domain_table_is_seeded(seeded):
    assert set(MeetingType.objects.values_list("code", flat=True)) == LEGACY | NEW_2026 | SPANNING
    assert len(seeded.created) == 14 + 11  # types and cadence policies
    assert seeded.updated == []


def test_seeding_twice_changes_nothing(seeded):
    before = _state()
    again = reference.seed()
    assert again.created == [] and again.updated == []
    assert again.unchanged == 14 + 11
    assert _state() == before


def test_seed_keeps_an_administrators_edit_unless_told_to_overwrite(seeded):
    MeetingType.objects.filter(code="whole_board").update(name_cy="Cyfarfod y Bwrdd cyfan (wedi'i wirio)")
    CadencePolicy.objects.filter(meeting_type__code="whole_board").update(interval_months=2)
    reference.seed()
    assert MeetingType.objects.get(code="whole_board").name_cy == "Cyfarfod y Bwrdd cyfan (wedi'i wirio)"
    assert CadencePolicy.objects.get(meeting_type__code="whole_board").interval_months == 2
    report = reference.seed(overwrite=True)
    assert MeetingType.objects.get(code="whole_board").name_cy == "Cyfarfod y Bwrdd Cyfan"
    assert CadencePolicy.objects.get(meeting_type__code="whole_board").interval_months == 3
    assert sorted(report.updated) == ["cadence whole_board/5/2026-04-01", "meeting type whole_board"]


def test_every_type_has_a_welsh_name_purpose_and_a_source(seeded):
    for meeting_type in MeetingType.objects.all():
        assert meeting_type.name_cy, meeting_type.code
        assert meeting_type.name_cy != meeting_type.name, meeting_type.code
        assert meeting_type.purpose and meeting_type.purpose_cy, meeting_type.code
        assert meeting_type.participants_cy, meeting_type.code
        assert meeting_type.reference, meeting_type.code
    assert MeetingType.objects.get(code="ceo_review").name_cy == "Adolygiad y Prif Weithredwr/Gweithredol"
    assert MeetingType.objects.get(code="tripartite").name_cy == "Cyfarfod Teiran"


def test_legacy_types_end_on_31_march_2026_and_the_2026_types_start_on_1_april(seeded):
    for meeting_type in MeetingType.objects.filter(code__in=LEGACY):
        assert meeting_type.valid_to == date(2026, 3, 31), meeting_type.code
    for meeting_type in MeetingType.objects.filter(code__in=NEW_2026):
        assert (meeting_type.valid_from, meeting_type.valid_to) == (date(2026, 4, 1), None), meeting_type.code
    for meeting_type in MeetingType.objects.filter(code__in=SPANNING):
        assert (meeting_type.valid_from, meeting_type.valid_to) == (None, None), meeting_type.code

    def codes_on(day):
        return set(MeetingType.objects.in_force(day).values_list("code", flat=True))

    assert codes_on(date(2026, 3, 31)) == LEGACY | SPANNING
    assert codes_on(date(2026, 4, 1)) == NEW_2026 | SPANNING
    jet = MeetingType.objects.get(code="jet")
    assert jet.in_force_on(date(2025, 10, 15)) and not jet.in_force_on(date(2026, 4, 1))


def test_the_ceo_review_policy_gives_1_2_3_6_6_months_for_levels_5_to_1(seeded):
    review = MeetingType.objects.get(code="ceo_review")
    assert review.cadence_rule == CadenceRule.LEVEL_DRIVEN
    table = CadencePolicy.objects.table(review, on=date(2026, 4, 1))
    assert [table[level] for level in (5, 4, 3, 2, 1)] == [1, 2, 3, 6, 6]
    assert table == dict(rules.REVIEW_INTERVAL_MONTHS)
    assert rules.review_interval(4, table) == 2
    assert CadencePolicy.objects.table(review, on=date(2026, 3, 31)) == {}  # not yet in force


def test_a_later_policy_row_takes_over_from_its_date(seeded):
    review = MeetingType.objects.get(code="ceo_review")
    CadencePolicy.objects.create(meeting_type=review, level=3, interval_months=4, valid_from=date(2027, 4, 1))
    assert CadencePolicy.objects.table(review, on=date(2027, 3, 31))[3] == 3
    assert CadencePolicy.objects.table(review, on=date(2027, 4, 1))[3] == 4


def test_whole_board_meetings_default_to_every_three_months_at_level_5_only(seeded):
    whole_board = MeetingType.objects.get(code="whole_board")
    assert CadencePolicy.objects.table(whole_board, on=date(2026, 4, 1)) == {5: 3}


def test_fixed_intervals_match_the_rules(seeded):
    for code, months in rules.FIXED_INTERVAL_MONTHS.items():
        meeting_type = MeetingType.objects.get(code=code)
        assert meeting_type.cadence_rule == CadenceRule.FIXED_INTERVAL, code
        assert meeting_type.interval_months == months, code
    public = MeetingType.objects.get(code="public_accountability")
    assert (public.interval_months, public.is_public) == (12, True)
    for code in ("targeted_support_clinic", "escalation_meeting"):
        assert MeetingType.objects.get(code=code).cadence_rule == CadenceRule.ON_DEMAND


def test_jet_windows_lead_times_letter_and_terms_of_reference(seeded):
    jet = MeetingType.objects.get(code="jet")
    assert jet.cadence_rule == CadenceRule.FIXED_MONTHS
    assert jet.windows == rules.JET_WINDOWS
    assert (jet.agenda_lead_days, jet.slides_lead_days) == (rules.JET_AGENDA_DAYS, rules.JET_SLIDES_DAYS)
    assert jet.default_duration_minutes == rules.JET_MAX_MINUTES
    assert jet.letter_follows
    assert jet.tor_kind == TorKind.JET
    assert jet.tor_review_due_on == date(2025, 8, 1)  # ToR of August 2023, reviewed every two years [000 §16]


def test_committee_deadlines(seeded):
    committee = MeetingType.objects.get(code="committee")
    assert committee.scope == MeetingScope.COMMITTEE
    assert committee.agenda_items_lead_days == rules.COMMITTEE_AGENDA_ITEMS_DAYS
    assert committee.papers_rule == PapersRule.FRIDAY_BEFORE
    assert committee.tor_kind == TorKind.COMMITTEE


def test_who_each_2026_type_is_held_with(seeded):
    scopes = dict(MeetingType.objects.values_list("code", "scope"))
    assert scopes["ceo_review"] == scopes["whole_board"] == scopes["public_accountability"] == MeetingScope.ORGANISATION
    assert scopes["wg_nhspi_oversight"] == scopes["tripartite"] == MeetingScope.SYSTEM
    assert scopes["regional"] == MeetingScope.REGION


def test_seed_reference_command_loads_the_meeting_types():
    _empty()
    out = io.StringIO()
    call_command("seed_reference", stdout=out)
    assert "Meetings: 25 created" in out.getvalue()
    assert MeetingType.objects.count() == 14

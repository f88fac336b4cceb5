"""The historical import, checked against answers worked out by hand and committed first
(tests/escalation/data/README.md)."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from escalation import selectors
from escalation.models import EscalationDecision, EscalationStatus
from organisations import services as registry

DATA = Path(__file__).parent / "data"


@pytest.fixture
def registry_and_decider(world, frameworks):
    registry.reference_seed()
    return world.personas["decision_maker"]


def _scope_key(organisation_id, kind, scope, on):
    """The expected answers name a domain by its code; the one meant is the domain (of either
    era) that already had a decision in force on the date."""
    if kind == "organisation":
        return "organisation"
    if kind == "service":
        return "service:" + " ".join(scope.lower().split())
    keys = {
        d.scope_key
        for d in EscalationDecision.objects.filter(
            organisation_id=organisation_id, scope_kind="domain", domain__code=scope, effective_from__lte=on
        )
    }
    assert len(keys) == 1, (organisation_id, scope, on, keys)
    return keys.pop()


def test_the_import_answers_as_at_queries_as_worked_out_by_hand(registry_and_decider):
    call_command("import_escalation_history", str(DATA / "history_good.csv"), actor="decision", stdout=io.StringIO())
    with (DATA / "history_good.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 30
    assert len({r["organisation"] for r in rows}) >= 5
    assert EscalationDecision.objects.filter(status="decided").count() == len(rows)
    with (DATA / "expected_levels.csv").open(encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    dates = {e["as_at"] for e in expected}
    assert len(dates) >= 5
    codes = {o.code: o.pk for o in registry.Organisation.objects.all()}
    wrong = []
    for e in expected:
        organisation_id = codes[e["organisation"]]
        on = date.fromisoformat(e["as_at"])
        key = _scope_key(organisation_id, e["scope_kind"], e["scope"], on)
        level = selectors.level_of(organisation_id=organisation_id, scope_key=key, on=on)
        if level != int(e["level"]):
            wrong.append(f"{e['as_at']} {e['organisation']} {e['scope_kind']} {e['scope']}: {level} != {e['level']}")
    assert not wrong, wrong
    # Nothing beyond the expected answers is at a raised level on those dates.
    for on in dates:
        listed = {(e["organisation"], e["scope_kind"], e["scope"]) for e in expected if e["as_at"] == on}
        raised = {s for s in selectors.levels_as_at(user=registry_and_decider, on=date.fromisoformat(on)) if s.level_on}
        assert len(raised) == len(listed), on


def test_a_bad_row_29_stores_nothing_and_names_line_29(registry_and_decider):
    with pytest.raises(CommandError) as refused:
        call_command("import_escalation_history", str(DATA / "history_bad_line_29.csv"), actor="decision")
    message = str(refused.value)
    assert "Nothing was imported" in message
    assert "line 29:" in message
    assert "De-escalation is one level at a time" in message
    assert message.count("line ") == 1
    assert EscalationDecision.objects.count() == 0
    assert EscalationStatus.objects.count() == 0


def test_with_allow_legacy_the_refused_row_is_stored_with_its_override(registry_and_decider):
    call_command(
        "import_escalation_history",
        str(DATA / "history_bad_line_29.csv"),
        actor="decision",
        allow_legacy=True,
        stdout=io.StringIO(),
    )
    legacy = EscalationDecision.objects.exclude(legacy_override="")
    assert legacy.count() == 1
    assert "De-escalation is one level at a time" in legacy.get().legacy_override


def test_rows_that_cannot_be_read_are_all_named(registry_and_decider, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "organisation,date,scope_kind,scope,level,rationale,source\n"
        "NOPE,2024-01-01,organisation,,3,r,s\n"
        "BCUHB,1st May,organisation,,3,r,s\n"
        "BCUHB,2024-05-01,domain,atlantis,9,,s\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_escalation_history", str(bad), actor="decision")
    message = str(refused.value)
    assert "line 2: unknown organisation code “NOPE”" in message
    assert "line 3: “1st May” is not a date" in message
    assert "line 4:" in message and "atlantis" in message and "level must be" in message and "rationale" in message
    assert EscalationDecision.objects.count() == 0


def test_missing_columns_are_named(registry_and_decider, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,date,level\nBCUHB,2024-01-01,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: scope_kind, scope, rationale, source"):
        call_command("import_escalation_history", str(bad), actor="decision")


def test_only_a_decision_maker_can_import_decisions_of_every_level(registry_and_decider):
    with pytest.raises(CommandError):
        call_command("import_escalation_history", str(DATA / "history_good.csv"), actor="analyst")
    assert EscalationDecision.objects.count() == 0

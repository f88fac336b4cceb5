"""Criteria that test themselves: a de-escalation criterion bound to a measure ("ED 12-hour
waits ≤ 500 for 3 consecutive released months") is evaluated from released packs only,
through escalation's service, with its evidence; its status follows the data unless an
official overrides it with a reason, shown beside the computed status on the case page."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from escalation import services
from escalation.models import DeescalationCriterion
from oversight.errors import OversightError
from reporting import criteria, reference, tasks
from reporting import services as reporting_services
from reporting.models import CriterionBinding, Measure, Pack, PackValue

DECIDED = date(2026, 6, 1)
TODAY = date(2026, 11, 20)
AUG, SEP, OCT = date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)


@pytest.fixture
def ed12h(frameworks):
    reference.seed()
    return Measure.objects.get(code="UEC-ED12H")


@pytest.fixture
def case(world, frameworks):
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=3,
        rationale="Long waits in the emergency department",
        planned_on=DECIDED,
    )
    decided = services.decision_decide(
        actor=world.personas["decision_maker"], decision=draft, expected_version=draft.version, decided_on=DECIDED
    )
    return decided.case


def _agreed(world, case, text="Fewer than 500 twelve-hour waits, three months running"):
    criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text=text)
    return services.criterion_set_status(
        actor=world.personas["official"],
        criterion=criterion,
        expected_version=criterion.version,
        status="agreed",
        on=DECIDED,
    )


@pytest.fixture
def criterion(world, case, ed12h):
    criterion = _agreed(world, case)
    CriterionBinding.objects.create(
        criterion=criterion, measure=ed12h, operator="le", threshold=Decimal(500), consecutive_months=3
    )
    return criterion


def release(organisation, measure, values: dict, *, status="released"):
    """Packs with one value each ({month: value}); released unless told otherwise. A value of
    None is recorded as missing, with a reason."""
    now = timezone.now()
    packs = []
    for period, value in values.items():
        pack = Pack.objects.create(
            organisation=organisation,
            period=period,
            status=status,
            validated_at=now if status in ("validated", "released") else None,
            released_at=now if status == "released" else None,
        )
        PackValue.objects.create(
            pack=pack, measure=measure, value=value, not_available_reason="" if value is not None else "Not validated"
        )
        packs.append(pack)
    return packs


def correct(pack, value, *, status="released"):
    now = timezone.now()
    pack.is_current = False
    pack.save()
    correction = Pack.objects.create(
        organisation=pack.organisation,
        period=pack.period,
        revision=pack.revision + 1,
        corrects=pack,
        correction_reason="Recounted",
        status=status,
        validated_at=now if status == "released" else None,
        released_at=now if status == "released" else None,
    )
    measure = pack.values.get().measure
    PackValue.objects.create(pack=correction, measure=measure, value=value)
    return correction


def evaluate(organisation_ids=None):
    return criteria.evaluate_bound_criteria(today=TODAY, organisation_ids=organisation_ids)


def fresh(criterion) -> DeescalationCriterion:
    return DeescalationCriterion.objects.get(pk=criterion.pk)


def months_of(criterion):
    return [(m["period"], m["value"], m["meets"]) for m in fresh(criterion).computed_evidence["months"]]


def test_three_consecutive_released_months_within_the_threshold_meet_the_criterion(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    report = evaluate()
    current = fresh(criterion)
    assert (current.computed_status, current.computed_on) == ("met", TODAY)
    assert current.status == "met"  # an agreed criterion follows the data; "sustained" is an official's word
    assert months_of(criterion) == [
        ("2026-08-01", "480", True),
        ("2026-09-01", "450", True),
        ("2026-10-01", "500", True),
    ]
    assert current.computed_evidence["operator"] == "≤" and current.computed_evidence["threshold"] == "500"
    assert current.computed_evidence["measure"]["code"] == "UEC-ED12H"
    assert report.evaluated == 1 and report.changed == [criterion.pk]
    latest = current.history.order_by("-history_date").first()
    assert latest.history_change_reason.startswith("Released data: met (UEC-ED12H ≤ 500, 3 months to 2026-10)")
    assert latest.history_user is None  # recorded by the evaluation, not by a person


def test_one_month_above_the_threshold_is_not_met(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})
    evaluate()
    current = fresh(criterion)
    assert current.computed_status == "not_met" and current.status == "agreed"
    assert [meets for _p, _v, meets in months_of(criterion)] == [True, False, True]


def test_a_met_criterion_goes_back_to_in_progress_when_a_later_month_fails(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    release(world.org_a, ed12h, {date(2026, 11, 1): 640})
    evaluate()
    current = fresh(criterion)
    assert (current.computed_status, current.status) == ("not_met", "in_progress")
    assert months_of(criterion)[-1] == ("2026-11-01", "640", False)


def test_unreleased_packs_are_ignored(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450})
    release(world.org_a, ed12h, {OCT: 300}, status="validated")  # not yet released
    release(world.org_b, ed12h, {OCT: 300})  # another organisation's
    evaluate()
    current = fresh(criterion)
    # The latest released month is September: July has no released value, so three months
    # cannot yet be shown.
    assert current.computed_status == "no_data" and current.status == "agreed"
    assert months_of(criterion) == [
        ("2026-07-01", None, None),
        ("2026-08-01", "480", True),
        ("2026-09-01", "450", True),
    ]


def test_a_month_with_no_released_value_breaks_the_run(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: None, OCT: 450})
    evaluate()
    assert fresh(criterion).computed_status == "no_data"
    assert months_of(criterion)[1] == ("2026-09-01", None, None)


def test_a_released_correction_replaces_the_numbers_it_corrects(world, criterion, ed12h):
    _aug, _sep, october = release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 620})
    draft = correct(october, 490, status="draft")
    evaluate()
    assert fresh(criterion).computed_status == "not_met"  # the correction is not released yet
    draft.delete()
    correct(october, 490)
    evaluate()
    assert fresh(criterion).computed_status == "met"
    assert months_of(criterion)[-1] == ("2026-10-01", "490", True)


def test_evaluating_again_changes_nothing(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    before = fresh(criterion)
    history = before.history.count()
    again = evaluate()
    after = fresh(criterion)
    assert again.changed == [] and again.evaluated == 1
    assert after.history.count() == history
    assert (after.version, after.computed_on, after.updated_at) == (
        before.version,
        before.computed_on,
        before.updated_at,
    )


def test_a_proposed_criterion_is_computed_but_keeps_its_status_until_agreed(world, case, ed12h):
    proposed = services.criterion_propose(actor=world.personas["analyst"], case=case, text="ED 12h ≤ 500")
    CriterionBinding.objects.create(
        criterion=proposed, measure=ed12h, operator="le", threshold=500, consecutive_months=3
    )
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    current = fresh(proposed)
    assert (current.computed_status, current.status) == ("met", "proposed")
    agreed = services.criterion_set_status(
        actor=world.personas["official"], criterion=current, expected_version=current.version, status="agreed", on=TODAY
    )
    assert agreed.status == "met"  # agreed, and the data already show it met


def test_a_criterion_no_longer_bound_loses_its_computed_status(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    CriterionBinding.objects.all().delete()
    report = evaluate()
    current = fresh(criterion)
    assert report.unbound == [criterion.pk]
    assert (current.computed_status, current.computed_evidence, current.status) == ("", {}, "met")


# --- Overrides ------------------------------------------------------------------------------


def test_an_override_without_a_reason_is_refused_naming_the_field(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})  # not met
    evaluate()
    current = fresh(criterion)
    with pytest.raises(OversightError) as refused:
        services.criterion_set_status(
            actor=world.personas["official"],
            criterion=current,
            expected_version=current.version,
            status="met",
            on=TODAY,
        )
    assert refused.value.field == "override_reason" and refused.value.code == "override_reason_required"
    assert "not met" in refused.value.message
    assert fresh(criterion).status == "agreed"


def test_holding_back_a_criterion_the_data_show_met_is_also_an_override(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    current = fresh(criterion)
    with pytest.raises(OversightError) as refused:
        services.criterion_set_status(
            actor=world.personas["official"],
            criterion=current,
            expected_version=current.version,
            status="in_progress",
            on=TODAY,
        )
    assert refused.value.field == "override_reason"
    sustained = services.criterion_set_status(  # agrees with the data: no reason needed
        actor=world.personas["official"],
        criterion=current,
        expected_version=current.version,
        status="sustained",
        on=TODAY,
    )
    assert sustained.status == "sustained" and sustained.override_reason == ""


def test_an_override_with_a_reason_stands_until_an_official_changes_it(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})
    evaluate()
    current = fresh(criterion)
    overridden = services.criterion_set_status(
        actor=world.personas["official"],
        criterion=current,
        expected_version=current.version,
        status="met",
        on=TODAY,
        override_reason="September's figure counts a system outage twice; the board's audit confirms 470.",
    )
    assert (overridden.status, overridden.overridden_by, overridden.overridden_on) == (
        "met",
        world.personas["official"],
        TODAY,
    )
    release(world.org_a, ed12h, {date(2026, 11, 1): 700})
    evaluate()
    current = fresh(criterion)
    assert (current.computed_status, current.status) == ("not_met", "met")  # the data never undo an override
    back = services.criterion_set_status(
        actor=world.personas["official"],
        criterion=current,
        expected_version=current.version,
        status="in_progress",
        on=TODAY,
    )
    assert back.override_reason == "" and back.overridden_by is None


def test_an_unbound_criterion_needs_no_reason(world, case):
    criterion = _agreed(world, case)
    met = services.criterion_set_status(
        actor=world.personas["official"],
        criterion=criterion,
        expected_version=criterion.version,
        status="met",
        on=TODAY,
    )
    assert met.status == "met" and met.computed_status == ""


# --- The case page --------------------------------------------------------------------------


def test_the_case_page_explains_a_bound_criterion(world, criterion, ed12h, client):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    evaluate()
    client.force_login(world.personas["submitter_a"])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert 'data-computed-status="met"' in page
    assert "(UEC-ED12H) ≤ 500 for 3 consecutive released months." in page
    assert "August 2026</td>" in page and "October 2026</td>" in page and "July 2026</td>" not in page
    assert 'data-why="follows"' in page
    assert "which meet the condition in every month tested" in page


def test_an_override_posted_without_a_reason_is_shown_beside_the_field(world, criterion, ed12h, client):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})
    evaluate()
    current = fresh(criterion)
    client.force_login(world.personas["official"])
    page = client.get(current.case.get_absolute_url()).content.decode()
    assert f'name="c{current.pk}-override_reason"' in page
    response = client.post(
        reverse("escalation:criterion-status", args=[current.pk]),
        {f"c{current.pk}-version": current.version, f"c{current.pk}-status": "sustained"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-code="override_reason_required"' in page
    assert fresh(criterion).status == "agreed"


def test_an_override_with_its_reason_is_shown_beside_the_computed_status(world, criterion, ed12h, client):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})
    evaluate()
    current = fresh(criterion)
    client.force_login(world.personas["official"])
    response = client.post(
        reverse("escalation:criterion-status", args=[current.pk]),
        {
            f"c{current.pk}-version": current.version,
            f"c{current.pk}-status": "met",
            f"c{current.pk}-override_reason": "September double-counted an outage; audited figure 470.",
        },
    )
    assert response.status_code == 302
    page = client.get(current.case.get_absolute_url()).content.decode()
    assert 'data-computed-status="not_met"' in page
    assert 'data-why="override"' in page
    assert "overriding the released data" in page
    assert "Reason for the override: September double-counted an outage; audited figure 470." in page


# --- When it runs ---------------------------------------------------------------------------


def test_the_daily_task_evaluates_and_reports(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    summary = tasks.evaluate_criteria.delay(on=TODAY.isoformat()).get()
    assert summary == "1 bound criteria evaluated (1 met); 1 changed; 0 no longer bound"
    assert fresh(criterion).computed_status == "met"


def test_the_beat_schedule_runs_it_daily():
    from oversight.celery import app

    assert app.conf.beat_schedule["evaluate-criteria"]["task"] == "reporting.tasks.evaluate_criteria"


@time_machine.travel(date(2026, 11, 20), tick=False)
def test_releasing_a_pack_re_evaluates_the_organisations_criteria(
    world, criterion, ed12h, django_capture_on_commit_callbacks
):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450})
    [october] = release(world.org_a, ed12h, {OCT: 500}, status="validated")
    with django_capture_on_commit_callbacks(execute=True):
        reporting_services.pack_release(actor=world.personas["analyst"], pack=october, expected_version=october.version)
    assert fresh(criterion).computed_status == "met"


# The two status rules (when a status overrides the data, and what it follows) are tested as
# tables in tests/escalation/test_criterion_rules.py.

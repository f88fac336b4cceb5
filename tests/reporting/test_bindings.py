"""Binding a de-escalation criterion to a measure from the case page: NHS P&I analysts bind a
proposed or agreed criterion to a monthly measure and a condition, change the binding or remove
it; the criterion is tested against released data at once, and every change is in the history."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from escalation import services
from escalation.models import DeescalationCriterion
from oversight.errors import OversightError, PermissionRefused
from reporting import bindings, reference
from reporting.models import CriterionBinding, Measure, Pack, PackValue

DECIDED = date(2026, 6, 1)
TODAY = date(2026, 11, 20)
AUG, SEP, OCT = date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    """The pages read today's date: 20 November 2026, a month after October's pack."""
    with time_machine.travel(date(2026, 11, 20), tick=False):
        yield


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


@pytest.fixture
def criterion(world, case):
    """An agreed criterion of organisation A's case, not yet bound to a measure."""
    proposed = services.criterion_propose(
        actor=world.personas["analyst"], case=case, text="Fewer than 500 twelve-hour waits, three months running"
    )
    return services.criterion_set_status(
        actor=world.personas["official"],
        criterion=proposed,
        expected_version=proposed.version,
        status="agreed",
        on=DECIDED,
    )


def release(organisation, measure, values: dict):
    """A released pack for each month, with one value of the measure ({month: value})."""
    now = timezone.now()
    for period, value in values.items():
        pack = Pack.objects.create(
            organisation=organisation, period=period, status="released", validated_at=now, released_at=now
        )
        PackValue.objects.create(pack=pack, measure=measure, value=value)


def fresh(criterion) -> DeescalationCriterion:
    return DeescalationCriterion.objects.get(pk=criterion.pk)


def bind(world, criterion, measure, *, threshold=500, months=3, operator="le", **kwargs):
    return bindings.criterion_bind(
        actor=world.personas["analyst"],
        criterion=criterion,
        measure=measure,
        operator=operator,
        threshold=threshold,
        consecutive_months=months,
        on=TODAY,
        **kwargs,
    )


def binding_post(criterion, *, version=0, measure="UEC-ED12H", operator="le", threshold="500", months="3"):
    prefix = f"b{criterion.pk}"
    return {
        f"{prefix}-version": version,
        f"{prefix}-measure": measure,
        f"{prefix}-operator": operator,
        f"{prefix}-threshold": threshold,
        f"{prefix}-consecutive_months": months,
    }


# --- Binding from the case page ----------------------------------------------------------------


def test_an_analyst_binds_a_criterion_and_the_case_page_shows_its_computed_status_at_once(
    world, criterion, ed12h, client
):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    client.force_login(world.personas["analyst"])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert f'name="b{criterion.pk}-threshold"' in page
    assert "UEC-ED12H – Number of patients who spend 12 hours or more" in page  # chosen by code and name

    response = client.post(reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion))

    assert response.status_code == 302
    assert response.url == f"{criterion.case.get_absolute_url()}#criterion-{criterion.pk}"
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert 'data-computed-status="met"' in page
    assert "(UEC-ED12H) ≤ 500 for 3 consecutive released months." in page
    assert "October 2026</td>" in page
    current = fresh(criterion)
    assert (current.computed_status, current.computed_on, current.status) == ("met", TODAY, "met")
    binding = CriterionBinding.objects.get(criterion=criterion)
    assert (binding.measure, binding.operator, binding.threshold, binding.consecutive_months) == (
        ed12h,
        "le",
        Decimal(500),
        3,
    )


def test_binding_and_its_result_are_in_the_history(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    binding = bind(world, criterion, ed12h)
    [created] = binding.history.all()
    assert created.history_type == "+"
    assert created.history_user == world.personas["analyst"]
    assert created.history_change_reason == "Bound to UEC-ED12H ≤ 500 for 3 months"
    latest = fresh(criterion).history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith("Released data: met (UEC-ED12H ≤ 500, 3 months to 2026-10)")


def test_the_page_offers_the_current_binding_to_change_and_a_button_to_remove_it(world, criterion, ed12h, client):
    binding = bind(world, criterion, ed12h, threshold="450.5")
    client.force_login(world.personas["analyst"])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert f'name="b{criterion.pk}-version" value="{binding.version}"' in page
    assert f'name="b{criterion.pk}-threshold" type="text" value="450.5"' in page
    assert '<option value="UEC-ED12H" selected>' in page
    assert reverse("reporting:criterion-unbind", args=[criterion.pk]) in page
    assert f'name="u{criterion.pk}-version" value="{binding.version}"' in page


def test_changing_the_binding_tests_the_criterion_again(world, criterion, ed12h, client):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    binding = bind(world, criterion, ed12h)
    assert fresh(criterion).status == "met"
    client.force_login(world.personas["analyst"])

    response = client.post(
        reverse("reporting:criterion-binding", args=[criterion.pk]),
        binding_post(criterion, version=binding.version, threshold="450"),
    )

    assert response.status_code == 302
    binding.refresh_from_db()
    assert (binding.threshold, binding.version) == (Decimal(450), 2)
    current = fresh(criterion)
    assert (current.computed_status, current.status) == ("not_met", "in_progress")  # August's 480 is above 450
    changed = binding.history.order_by("-history_id").first()
    assert changed.history_type == "~" and changed.history_user == world.personas["analyst"]
    assert changed.history_change_reason == (
        "Binding changed to UEC-ED12H ≤ 450 for 3 months (was UEC-ED12H ≤ 500 for 3 months)"
    )


def test_the_same_binding_again_writes_nothing(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    binding = bind(world, criterion, ed12h)
    before = (binding.history.count(), fresh(criterion).history.count(), fresh(criterion).version)
    again = bind(world, criterion, ed12h, threshold="500.00", expected_version=binding.version)
    assert again.version == binding.version
    assert (binding.history.count(), fresh(criterion).history.count(), fresh(criterion).version) == before


def test_a_stale_binding_form_is_a_conflict(world, criterion, ed12h, client):
    binding = bind(world, criterion, ed12h)
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("reporting:criterion-binding", args=[criterion.pk]),
        binding_post(criterion, version=0, threshold="300"),  # shown before anyone had bound it
    )
    assert response.status_code == 409
    assert 'data-error-code="conflict"' in response.content.decode()
    binding.refresh_from_db()
    assert binding.threshold == Decimal(500)


# --- Removing a binding --------------------------------------------------------------------------


def test_removing_the_binding_clears_the_computed_status_and_keeps_the_status(world, criterion, ed12h, client):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    binding = bind(world, criterion, ed12h)
    client.force_login(world.personas["analyst"])

    response = client.post(
        reverse("reporting:criterion-unbind", args=[criterion.pk]), {f"u{criterion.pk}-version": binding.version}
    )

    assert response.status_code == 302
    assert not CriterionBinding.objects.filter(criterion=criterion).exists()
    current = fresh(criterion)
    assert (current.computed_status, current.computed_evidence, current.computed_on) == ("", {}, None)
    assert current.status == "met"  # now an official's alone
    forgotten = current.history.order_by("-history_id").first()
    assert forgotten.history_change_reason == "No longer bound to a measure"
    assert forgotten.history_user == world.personas["analyst"]
    removed = CriterionBinding.history.filter(id=binding.pk).order_by("-history_id").first()
    assert removed.history_type == "-" and removed.history_user == world.personas["analyst"]
    assert removed.history_change_reason == "Binding removed (was UEC-ED12H ≤ 500 for 3 months)"
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert "data-computed-status" not in page
    # Met before its binding was removed, it is now an official's to judge: not bound afresh.
    assert f'name="b{criterion.pk}-measure"' not in page


def test_removing_an_override_with_the_binding(world, criterion, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 520, OCT: 450})
    bind(world, criterion, ed12h)
    current = fresh(criterion)
    services.criterion_set_status(
        actor=world.personas["official"],
        criterion=current,
        expected_version=current.version,
        status="met",
        on=TODAY,
        override_reason="September double-counted an outage.",
    )
    bindings.criterion_unbind(actor=world.personas["analyst"], criterion=criterion)
    current = fresh(criterion)
    assert (current.status, current.override_reason, current.overridden_by) == ("met", "", None)


def test_removing_a_binding_someone_else_removed_is_a_conflict(world, criterion, ed12h):
    binding = bind(world, criterion, ed12h)
    bindings.criterion_unbind(actor=world.personas["analyst"], criterion=criterion, expected_version=binding.version)
    with pytest.raises(OversightError) as refused:
        bindings.criterion_unbind(
            actor=world.personas["analyst"], criterion=criterion, expected_version=binding.version
        )
    assert refused.value.code == "conflict" and refused.value.status == 409


# --- Refusals, each naming its field ----------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "code"),
    [
        ("five hundred", "threshold_not_a_number"),
        ("", "threshold_not_a_number"),
        ("NaN", "threshold_not_a_number"),
        ("Infinity", "threshold_not_a_number"),
        ("500.12345", "invalid"),  # more decimal places than a value holds
    ],
)
def test_a_threshold_that_is_not_a_number_is_refused_naming_the_field(world, criterion, ed12h, threshold, code):
    with pytest.raises(OversightError) as refused:
        bind(world, criterion, ed12h, threshold=threshold)
    assert (refused.value.field, refused.value.code) == ("threshold", code)
    assert not CriterionBinding.objects.exists()


def test_an_invalid_threshold_is_shown_beside_its_field_on_the_case_page(world, criterion, ed12h, client):
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion, threshold="lots")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-code="threshold_not_a_number"' in page
    assert f'id="id_b{criterion.pk}-threshold-error"' in page
    assert f'name="b{criterion.pk}-threshold" type="text" value="lots"' in page  # what was typed is kept
    assert f'data-criterion-binding="{criterion.pk}" open' in page
    assert not CriterionBinding.objects.exists()


def test_a_daily_measure_is_refused(world, criterion, ed12h):
    daily = Measure.objects.get(code="UEC-ED4H-D")
    with pytest.raises(OversightError) as refused:
        bind(world, criterion, daily, threshold=70, operator="ge")
    assert (refused.value.field, refused.value.code) == ("measure", "measure_not_monthly")
    assert "not monthly" in refused.value.message


def test_the_page_offers_no_daily_measure_and_refuses_one_beside_the_field(world, criterion, ed12h, client):
    client.force_login(world.personas["analyst"])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert '<option value="UEC-ED4H-D"' not in page
    response = client.post(
        reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion, measure="UEC-ED4H-D")
    )
    assert response.status_code == 200
    assert f'id="id_b{criterion.pk}-measure-error"' in response.content.decode()
    assert not CriterionBinding.objects.exists()


def test_a_measure_no_longer_collected_is_refused(world, criterion, ed12h):
    red8 = Measure.objects.get(code="UEC-RED8")  # the red 8-minute measure ended on 30 June 2025
    with pytest.raises(OversightError) as refused:
        bind(world, criterion, red8, threshold=65, operator="ge")
    assert (refused.value.field, refused.value.code) == ("measure", "measure_not_in_force")


@pytest.mark.parametrize(("months", "field"), [(0, "consecutive_months"), (37, "consecutive_months")])
def test_the_months_are_from_one_to_thirty_six(world, criterion, ed12h, months, field):
    with pytest.raises(OversightError) as refused:
        bind(world, criterion, ed12h, months=months)
    assert refused.value.field == field


def test_an_unknown_comparison_is_refused(world, criterion, ed12h):
    with pytest.raises(OversightError) as refused:
        bind(world, criterion, ed12h, operator="about")
    assert refused.value.field == "operator"


def test_an_agreed_criterion_whose_binding_was_removed_may_be_bound_again(world, criterion, ed12h, client):
    binding = bind(world, criterion, ed12h)  # no released data yet: it stays agreed
    bindings.criterion_unbind(actor=world.personas["analyst"], criterion=criterion, expected_version=binding.version)
    client.force_login(world.personas["analyst"])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert "Test this criterion against a measure" in page
    assert f'name="b{criterion.pk}-version" value="0"' in page


def test_a_criterion_already_judged_in_progress_is_not_bound(world, criterion, ed12h):
    current = services.criterion_set_status(
        actor=world.personas["official"],
        criterion=criterion,
        expected_version=criterion.version,
        status="in_progress",
        on=TODAY,
    )
    with pytest.raises(OversightError) as refused:
        bind(world, current, ed12h)
    assert refused.value.code == "criterion_already_judged"
    assert not CriterionBinding.objects.exists()


def test_a_proposed_criterion_may_be_bound_and_keeps_its_status(world, case, ed12h):
    release(world.org_a, ed12h, {AUG: 480, SEP: 450, OCT: 500})
    proposed = services.criterion_propose(actor=world.personas["analyst"], case=case, text="ED 12h ≤ 500")
    bind(world, proposed, ed12h)
    current = fresh(proposed)
    assert (current.computed_status, current.status) == ("met", "proposed")


# --- Who may bind -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["submitter_a", "official", "decision_maker", "admin"])
def test_those_who_see_the_criterion_but_may_not_bind_it_are_refused_403(world, criterion, ed12h, client, persona):
    client.force_login(world.personas[persona])
    page = client.get(criterion.case.get_absolute_url()).content.decode()
    assert f'name="b{criterion.pk}-measure"' not in page
    response = client.post(reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion))
    assert response.status_code == 403
    assert not CriterionBinding.objects.exists()


def test_the_service_refuses_a_submitter_too(world, criterion, ed12h):
    with pytest.raises(PermissionRefused):
        bindings.criterion_bind(
            actor=world.personas["submitter_a"],
            criterion=criterion,
            measure=ed12h,
            operator="le",
            threshold=500,
            consecutive_months=3,
            on=TODAY,
        )


@pytest.mark.parametrize("persona", ["submitter_b", "partner"])
def test_another_organisations_criterion_is_not_found(world, criterion, ed12h, client, persona):
    client.force_login(world.personas[persona])
    binding = client.post(reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion))
    removal = client.post(reverse("reporting:criterion-unbind", args=[criterion.pk]), {f"u{criterion.pk}-version": 1})
    assert (binding.status_code, removal.status_code) == (404, 404)


def test_a_submitter_may_not_remove_a_binding(world, criterion, ed12h, client):
    binding = bind(world, criterion, ed12h)
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("reporting:criterion-unbind", args=[criterion.pk]), {f"u{criterion.pk}-version": binding.version}
    )
    assert response.status_code == 403
    assert CriterionBinding.objects.filter(criterion=criterion).exists()


def test_the_binding_forms_cost_the_case_page_a_fixed_number_of_queries(
    world, case, ed12h, client, django_assert_max_num_queries
):
    for n in range(6):
        criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text=f"Criterion {n}")
        if n % 2:
            bind(world, criterion, ed12h, threshold=400 + n)
    client.force_login(world.personas["analyst"])
    client.get(case.get_absolute_url())  # warm the session and the principal
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as six:
        client.get(case.get_absolute_url())
    for n in range(6, 12):
        criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text=f"Criterion {n}")
        if n % 2:
            bind(world, criterion, ed12h, threshold=400 + n)
    with django_assert_max_num_queries(len(six.captured_queries)):
        client.get(case.get_absolute_url())


def test_months_out_of_range_are_shown_beside_their_field(world, criterion, ed12h, client):
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("reporting:criterion-binding", args=[criterion.pk]), binding_post(criterion, months="40")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-code="invalid_months"' in page
    assert f'id="id_b{criterion.pk}-consecutive_months-error"' in page
    assert not CriterionBinding.objects.exists()

"""Decision support: a suggested level per organisation and pillar from released numbers,
each step shown (measure, value, target, score; the average; the thresholds; the caps).
Advisory only, never level 5, and shown beside the decision form only to those who advise or
decide. Expected scores and levels below are worked out by hand from the bands (1: meets the
target; 2: misses by up to 5% of it; 3: by up to 15%; 4: by more) and the default thresholds
(1.75, 2.5, 3.25)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escalation.models import Domain
from reporting import decision_support, reference
from reporting.models import CapRule, Measure, Pack, PackValue, SuggestionThreshold
from tests.factories import OrganisationFactory

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
ON = date(2026, 12, 15)


def pack(organisation, period, values, *, status="released", corrects=None):
    """A pack of ``values`` ({measure: value}); released unless told otherwise."""
    now = timezone.now()
    released = status == "released"
    if corrects is not None:
        corrects.is_current = False
        corrects.save()
    created = Pack.objects.create(
        organisation=organisation,
        period=period,
        status=status,
        revision=corrects.revision + 1 if corrects else 1,
        corrects=corrects,
        correction_reason="Recounted" if corrects else "",
        validated_at=now if status in ("validated", "released") else None,
        released_at=now if released else None,
    )
    for measure, value in values.items():
        PackValue.objects.create(pack=created, measure=measure, value=value)
    return created


@pytest.fixture
def catalogue(world):
    """Four workforce measures of our own (so no catalogue measure interferes), the default
    thresholds, and no cap rules."""
    for level, bound in ((1, "1.75"), (2, "2.50"), (3, "3.25"), (4, None)):
        SuggestionThreshold.objects.create(level=level, max_average=Decimal(bound) if bound else None)

    def measure(code, direction, target, order):
        return Measure.objects.create(
            code=code,
            name=f"Measure {code}",
            pillar="workforce",
            unit="percent",
            direction=direction,
            national_target=target,
            frequency="monthly",
            order=order,
        )

    return {
        "higher": measure("T-HIGH", "higher", Decimal(95), 1),  # e.g. appraisal rate, at least 95
        "zero": measure("T-ZERO", "lower", Decimal(0), 2),  # e.g. never events, target none
        "context": measure("T-CONTEXT", "none", None, 3),  # context only
        "untargeted": measure("T-NOTARGET", "lower", None, 4),  # no national target
    }


# (higher-is-better value, zero-target value) → (scores, average, suggested level)
CASES = [
    (96, 0, (1, 1), "1.00", 1),  # both meet their targets
    (92, 0, (2, 1), "1.50", 1),  # 3 short of 95 is 3.2%: band 2
    (90, 0, (3, 1), "2.00", 2),  # 5 short of 95 is 5.3%: band 3
    (92, 3, (2, 4), "3.00", 3),  # any miss of a zero target: band 4
    (85, 5, (3, 4), "3.50", 4),  # 10 short is 10.5%: band 3
    (70, 5, (4, 4), "4.00", 4),  # the worst is still level 4, never 5
]


@pytest.mark.parametrize(("higher", "zero", "scores", "average", "level"), CASES)
def test_each_measure_is_scored_against_its_target_averaged_and_mapped_to_a_level(
    world, catalogue, higher, zero, scores, average, level
):
    pack(world.org_a, NOV, {catalogue["higher"]: higher, catalogue["zero"]: zero})
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    by_code = {s.measure.code: s for s in suggestion.scores}
    assert (by_code["T-HIGH"].score, by_code["T-ZERO"].score) == scores
    assert by_code["T-HIGH"].value == higher and by_code["T-HIGH"].target == 95
    assert by_code["T-HIGH"].period == NOV
    assert suggestion.average == Decimal(average)
    assert suggestion.uncapped_level == suggestion.level == level
    assert suggestion.reason == ""


def test_measures_without_a_target_or_context_only_are_listed_but_not_scored(world, catalogue):
    pack(
        world.org_a,
        NOV,
        {catalogue["higher"]: 96, catalogue["context"]: 1234, catalogue["untargeted"]: 7, catalogue["zero"]: 2},
    )
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    rows = {s.measure.code: (s.value, s.target, s.score) for s in suggestion.scores}
    assert rows == {
        "T-HIGH": (96, 95, 1),
        "T-ZERO": (2, 0, 4),
        "T-CONTEXT": (1234, None, None),
        "T-NOTARGET": (7, None, None),
    }
    assert suggestion.average == Decimal("2.50") and suggestion.level == 2  # (1 + 4) / 2; 2.5 is level 2's bound


def test_the_thresholds_are_data(world, catalogue):
    pack(world.org_a, NOV, {catalogue["higher"]: 90, catalogue["zero"]: 0})  # average 2.00: level 2 by default
    SuggestionThreshold.objects.filter(level=1).update(max_average=Decimal("2.00"))
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    assert suggestion.thresholds == (Decimal("2.00"), Decimal("2.50"), Decimal("3.25"))
    assert suggestion.level == 1


def test_only_the_latest_released_numbers_count(world, catalogue):
    higher = catalogue["higher"]
    october = pack(world.org_a, OCT, {higher: 80})  # released, then corrected
    pack(world.org_a, OCT, {higher: 96}, corrects=october)  # the released correction: score 1
    pack(world.org_a, NOV, {higher: 70}, status="validated")  # not released: never read
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    row = next(s for s in suggestion.scores if s.measure.code == "T-HIGH")
    assert (row.period, row.value, row.score) == (OCT, 96, 1)
    assert suggestion.level == 1


def test_a_value_recorded_as_missing_leaves_the_previous_released_value(world, catalogue):
    higher = catalogue["higher"]
    pack(world.org_a, OCT, {higher: 92})
    november = pack(world.org_a, NOV, {})
    PackValue.objects.create(pack=november, measure=higher, value=None, not_available_reason="Not yet validated")
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    row = next(s for s in suggestion.scores if s.measure.code == "T-HIGH")
    assert (row.period, row.value, row.score) == (OCT, 92, 2)


def test_no_released_data_means_no_suggestion_and_says_why(world, catalogue):
    pack(world.org_a, NOV, {catalogue["higher"]: 96}, status="submitted")
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    assert suggestion.level is None and suggestion.average is None
    assert all(s.value is None and s.score is None for s in suggestion.scores)
    assert "no released values" in suggestion.reason


def test_released_values_with_nothing_to_score_against_mean_no_suggestion(world, catalogue):
    pack(world.org_a, NOV, {catalogue["context"]: 10, catalogue["untargeted"]: 3})
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=ON)
    assert suggestion.level is None
    assert "national target" in suggestion.reason


@pytest.fixture
def seeded(world):
    reference.seed()
    return {code: Measure.objects.get(code=code) for code in ("F-PSPP", "F-BREAKEVEN")}


def test_failing_break_even_caps_the_finance_suggestion_at_level_3(world, seeded):
    # Invoices paid on time meet the 95% target (score 1: level 1), but the three-year
    # break-even duty shows a deficit: the seeded cap rule makes it no better than level 3.
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 96, seeded["F-BREAKEVEN"]: Decimal("-12.5")})
    pack(world.org_b, NOV, {seeded["F-PSPP"]: 96, seeded["F-BREAKEVEN"]: Decimal("0.3")})
    found = decision_support.suggestions_for([world.org_a, world.org_b], pillars=["finance"], on=ON)
    [capped], [uncapped] = found[world.org_a.pk], found[world.org_b.pk]
    assert (capped.average, capped.uncapped_level, capped.level) == (Decimal("1.00"), 1, 3)
    assert capped.capped
    assert [(c.rule.code, c.value) for c in capped.caps] == [("finance-break-even", Decimal("-12.5"))]
    assert (uncapped.uncapped_level, uncapped.level, uncapped.caps) == (1, 1, ())


def test_an_inactive_cap_rule_does_not_apply(world, seeded):
    CapRule.objects.update(active=False)
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 96, seeded["F-BREAKEVEN"]: Decimal("-12.5")})
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["finance"], on=ON)
    assert suggestion.level == 1 and suggestion.caps == ()


def test_a_cap_never_raises_the_suggestion_to_level_5(world, seeded):
    CapRule.objects.update(minimum_level=4)
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 50, seeded["F-BREAKEVEN"]: Decimal("-40")})
    [suggestion] = decision_support.suggestions(world.org_a, pillars=["finance"], on=ON)
    assert suggestion.level == 4


def test_every_pillar_is_suggested_for_the_whole_organisation(world, seeded):
    pillars = [s.pillar for s in decision_support.suggestions(world.org_a, on=ON)]
    assert pillars == ["quality", "workforce", "finance", "delivery_performance", "leadership"]


def test_the_queries_are_the_same_for_one_organisation_or_many(world, seeded, django_assert_num_queries):
    organisations = [world.org_a, world.org_b] + [OrganisationFactory() for _ in range(8)]
    for organisation in organisations:
        pack(organisation, NOV, {seeded["F-PSPP"]: 90, seeded["F-BREAKEVEN"]: Decimal("-1")})
    with django_assert_num_queries(4):
        one = decision_support.suggestions_for(organisations[:1], on=ON)
    with django_assert_num_queries(4):
        many = decision_support.suggestions_for(organisations, on=ON)
    assert len(one) == 1 and len(many) == 10
    finance = [next(s for s in found if s.pillar == "finance") for found in many.values()]
    assert {(s.uncapped_level, s.level) for s in finance} == {(3, 3)}  # 90 is 5.3% short: band 3


def test_the_pillar_of_a_2026_escalation_domain(frameworks):
    assert decision_support.pillar_for_domain("delivery") == "delivery_performance"
    assert decision_support.pillar_for_domain("finance") == "finance"
    assert decision_support.pillar_for_domain("governance") is None  # a 2024 domain


# --- Beside the decision form ----------------------------------------------------------------


def _preview(client, **params):
    query = {"organisation": params.pop("organisation"), "planned_on": "2026-12-15", **params}
    return client.get(reverse("escalation:decision-preview"), query)


def test_the_decision_form_preview_shows_an_analyst_the_advisory_suggestion(world, seeded, frameworks, client):
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 96, seeded["F-BREAKEVEN"]: Decimal("-12.5")})
    finance = Domain.objects.get(era__code="2026", code="finance")
    client.force_login(world.personas["analyst"])
    page = _preview(client, organisation=world.org_a.pk, scope_kind="domain", domain=finance.pk).content.decode()
    assert "data-decision-support" in page and "Advisory" in page
    assert 'data-pillar="finance" data-suggested-level="3"' in page
    assert "Finance: level 3 suggested" in page
    assert 'data-measure="F-PSPP"' in page and 'data-cap="finance-break-even"' in page
    assert "The average alone suggests level 1; with the caps applied, level 3." in page
    assert "level 1 up to 1.75, level 2 up to 2.50, level 3 up to 3.25" in page
    assert 'data-pillar="quality"' not in page  # only the pillar chosen
    whole = _preview(client, organisation=world.org_a.pk, scope_kind="organisation").content.decode()
    assert 'data-pillar="quality"' in whole and 'data-pillar="finance"' in whole
    assert "Quality: no suggestion" in whole and "no released values" in whole


def test_the_suggestion_waits_for_an_organisation_and_a_2026_pillar_or_the_whole_organisation(
    world, seeded, frameworks, client
):
    client.force_login(world.personas["official"])
    governance = Domain.objects.get(era__code="2024", code="governance")
    for params in (
        {"organisation": "", "scope_kind": "organisation"},
        {"organisation": world.org_a.pk, "scope_kind": "service", "service_name": "Maternity"},
        {"organisation": world.org_a.pk, "scope_kind": "domain", "domain": governance.pk, "planned_on": "2025-06-01"},
    ):
        assert "data-decision-support" not in _preview(client, **params).content.decode()


def test_an_organisation_submitter_never_sees_the_suggestion(world, seeded, frameworks, client):
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 96})
    client.force_login(world.personas["submitter_a"])
    response = _preview(client, organisation=world.org_a.pk, scope_kind="organisation")
    assert response.status_code == 403
    assert "data-decision-support" not in response.content.decode()
    assert client.get(reverse("escalation:decision-create")).status_code == 403


def test_the_decision_form_page_shows_the_suggestion_once_organisation_and_scope_are_chosen(
    world, seeded, frameworks, client
):
    pack(world.org_a, NOV, {seeded["F-PSPP"]: 96})
    client.force_login(world.personas["decision_maker"])
    blank = client.get(reverse("escalation:decision-create")).content.decode()
    assert "data-decision-support" not in blank
    refused = client.post(  # no rationale: the form comes back, with the panel beside it
        reverse("escalation:decision-create"),
        {"organisation": world.org_a.pk, "scope_kind": "organisation", "to_level": 2, "planned_on": "2026-12-15"},
    ).content.decode()
    assert "data-decision-support" in refused and "Finance: level 1 suggested" in refused


def test_the_suggestion_on_a_day_uses_only_what_had_been_released_by_then(world, catalogue):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    higher = catalogue["higher"]
    london = ZoneInfo("Europe/London")
    october = pack(world.org_a, OCT, {higher: 80})
    Pack.objects.filter(pk=october.pk).update(released_at=datetime(2026, 11, 20, 12, tzinfo=london))
    correction = pack(world.org_a, OCT, {higher: 96}, corrects=october)
    Pack.objects.filter(pk=correction.pk).update(released_at=datetime(2026, 12, 20, 12, tzinfo=london))

    def value_on(day):
        [suggestion] = decision_support.suggestions(world.org_a, pillars=["workforce"], on=day)
        return next(s for s in suggestion.scores if s.measure.code == "T-HIGH").value

    assert value_on(date(2026, 12, 15)) == 80  # the correction was not yet released
    assert value_on(date(2026, 12, 31)) == 96

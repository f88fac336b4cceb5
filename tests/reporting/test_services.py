"""Pack services: the life of a pack, permissions (404/403), stale versions, values all or
nothing, corrections keeping the released version readable, and the selectors."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from oversight.errors import ConflictError, PermissionRefused
from reporting import reference, selectors, services
from reporting.choices import PackStatus, Unit
from reporting.models import Pack, PackValue

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
SAMPLE = {Unit.PERCENT: "80", Unit.YES_NO: "1", Unit.GBP_MILLIONS: "-1.5"}


@pytest.fixture
def catalogue():
    reference.seed()


@pytest.fixture
def p(world):
    return world.personas


def full_values(pack):
    return {m.code: Decimal(SAMPLE.get(m.unit, "10")) for m in selectors.pack_measures(pack.organisation, pack.period)}


def filled(world, p, period=MAY):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=period)
    return services.pack_values_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=full_values(pack)
    )


def released(world, p, period=MAY):
    pack = filled(world, p, period)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
    return services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)


def test_pack_create_is_idempotent_and_has_a_due_date(world, p, catalogue):
    first = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=date(2026, 5, 17))
    again = services.pack_create(actor=p["analyst"], organisation=world.org_a, period=MAY)
    assert first.pk == again.pk
    assert first.period == MAY and first.due_on == date(2026, 6, 12) and first.status == PackStatus.DRAFT
    assert first.history.first().history_user == p["submitter_a"]


def test_pack_create_refused_for_another_organisation(world, p, catalogue):
    with pytest.raises(Http404):
        services.pack_create(actor=p["submitter_b"], organisation=world.org_a, period=MAY)
    with pytest.raises(PermissionRefused):
        services.pack_create(actor=p["official"], organisation=world.org_a, period=MAY)


def test_full_lifecycle_with_return(world, p, catalogue):
    pack = filled(world, p)
    pack = services.pack_narrative_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, pillar="quality", text="Improving."
    )
    pack = Pack.objects.get(pk=pack.pack_id)
    services.pack_risk_add(
        actor=p["submitter_a"],
        pack=pack,
        expected_version=pack.version,
        description="Winter",
        likelihood=4,
        consequence=4,
    )
    pack.refresh_from_db()
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    assert pack.status == PackStatus.SUBMITTED and pack.submitted_by == p["submitter_a"]
    with pytest.raises(services.RuleRefused) as refused:
        services.pack_return(actor=p["analyst"], pack=pack, expected_version=pack.version, comment=" ")
    assert refused.value.code == "pack_return_comment"
    pack = services.pack_return(actor=p["analyst"], pack=pack, expected_version=pack.version, comment="Check RTT")
    assert pack.status == PackStatus.RETURNED and pack.returned_comment == "Check RTT"
    pack = services.pack_values_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, values={"UEC-ED4H": "71.5"}
    )
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
    pack = services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)
    assert pack.status == PackStatus.RELEASED
    assert [h.history_change_reason for h in pack.history.order_by("history_date")][-3:] == [
        "Submitted",
        "Validated",
        "Released",
    ]
    with pytest.raises(services.RuleRefused):
        services.pack_values_set(
            actor=p["analyst"], pack=pack, expected_version=pack.version, values={"UEC-ED4H": "70"}
        )


def test_submit_needs_every_measure(world, p, catalogue):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    pack = services.pack_values_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, values={"UEC-ED4H": "70"}
    )
    with pytest.raises(services.ValuesRefused) as refused:
        services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    assert "not complete" in refused.value.message


def test_roles_on_transitions(world, p, catalogue):
    pack = filled(world, p)
    with pytest.raises(PermissionRefused):  # analysts edit but do not submit
        services.pack_submit(actor=p["analyst"], pack=pack, expected_version=pack.version)
    with pytest.raises(Http404):  # another organisation's unreleased pack does not exist for them
        services.pack_submit(actor=p["submitter_b"], pack=pack, expected_version=pack.version)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    with pytest.raises(PermissionRefused):
        services.pack_validate(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    with pytest.raises(Http404):
        services.pack_values_set(actor=p["submitter_b"], pack=pack, expected_version=pack.version, values={})


def test_stale_version_is_a_conflict(world, p, catalogue):
    pack = filled(world, p)
    stale = pack.version - 1
    with pytest.raises(ConflictError):
        services.pack_values_set(actor=p["submitter_a"], pack=pack, expected_version=stale, values={"UEC-ED4H": "1"})
    with pytest.raises(ConflictError):
        services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=stale)


def test_values_all_or_nothing(world, p, catalogue):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    with pytest.raises(services.ValuesRefused) as refused:
        services.pack_values_set(
            actor=p["submitter_a"],
            pack=pack,
            expected_version=pack.version,
            values={"UEC-ED4H": "101", "UEC-ED12H": "3", "NOPE": "1", "UEC-RED8": "50", "UEC-AMB1H": None},
        )
    message = refused.value.message
    assert "UEC-ED4H is a percentage" in message
    assert "no measure with the code “NOPE”" in message
    assert "UEC-RED8 is not collected in May 2026" in message
    assert not PackValue.objects.filter(pack=pack).exists()
    pack.refresh_from_db()
    assert pack.version == 1


def test_missing_value_with_reason_and_resend_changes_nothing(world, p, catalogue):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    values, reasons = {"UEC-ED4H": None, "UEC-ED12H": "3"}, {"UEC-ED4H": "Not yet validated"}
    pack = services.pack_values_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values, reasons=reasons
    )
    version = pack.version
    pack = services.pack_values_set(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values, reasons=reasons
    )
    assert pack.version == version
    assert PackValue.objects.get(pack=pack, measure__code="UEC-ED4H").not_available_reason == "Not yet validated"
    assert PackValue.history.filter(pack_id=pack.pk).count() == 2


def test_correction_keeps_released_version_readable(world, p, catalogue):
    first = released(world, p)
    with pytest.raises(PermissionRefused):
        services.pack_correct(actor=p["submitter_a"], pack=first, reason="Typo")
    with pytest.raises(services.OversightError):
        services.pack_correct(actor=p["analyst"], pack=first, reason=" ")
    correction = services.pack_correct(actor=p["analyst"], pack=first, reason="ED figure revised")
    first.refresh_from_db()
    assert not first.is_current and first.status == PackStatus.RELEASED
    assert correction.is_current and correction.revision == 2 and correction.corrects == first
    assert correction.status == PackStatus.DRAFT and correction.values.count() == first.values.count()
    with pytest.raises(services.RuleRefused):
        services.pack_correct(actor=p["analyst"], pack=first, reason="Again")

    correction = services.pack_values_set(
        actor=p["submitter_a"], pack=correction, expected_version=correction.version, values={"UEC-ED4H": "66"}
    )
    # Until the correction is released, everyone sees the first version's numbers.
    assert [v.value for v in selectors.released_values(measure="UEC-ED4H")] == [Decimal("80")]
    assert selectors.pack_detail(p["submitter_b"], first.pk) == first
    with pytest.raises(Http404):
        selectors.pack_detail(p["submitter_b"], correction.pk)
    assert set(selectors.pack_list(p["submitter_b"])) == {first}
    assert set(selectors.pack_list(p["submitter_a"])) == {first, correction}

    correction = services.pack_submit(actor=p["submitter_a"], pack=correction, expected_version=correction.version)
    correction = services.pack_validate(actor=p["analyst"], pack=correction, expected_version=correction.version)
    services.pack_release(actor=p["analyst"], pack=correction, expected_version=correction.version)
    assert [v.value for v in selectors.released_values(measure="UEC-ED4H")] == [Decimal("66")]
    assert list(Pack.objects.latest_released()) == [correction]
    assert set(selectors.pack_list(p["submitter_b"])) == {correction}
    assert selectors.pack_detail(p["submitter_b"], first.pk) == first  # still readable


def test_selectors_hide_unreleased_packs_of_others(world, p, catalogue, django_assert_max_num_queries):
    pack = filled(world, p)
    assert list(selectors.pack_list(p["submitter_b"])) == []
    assert list(selectors.pack_list(p["official"])) == [pack]
    with pytest.raises(Http404):
        selectors.pack_detail(p["submitter_b"], pack.pk)
    with django_assert_max_num_queries(8):
        detail = selectors.pack_detail(p["submitter_a"], pack.pk)
        assert len([v.measure.code for v in detail.values.all()]) == len(full_values(pack))
    with django_assert_max_num_queries(1):
        assert list(selectors.released_values(measure="UEC-ED4H", organisations=[world.org_a], since=MAY)) == []

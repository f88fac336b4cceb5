import io

import pytest
from django.core.management import call_command
from django.http import Http404

from organisations import services
from organisations.choices import Role
from organisations.models import Membership, Organisation, Region
from oversight.errors import ConflictError, OversightError, PermissionRefused
from tests.factories import UserFactory

# From organisations/data/organisations.csv: 12 statutory bodies, 3 hosted or national
# NHS bodies (JCC, NWSSP, NHS P&I), and the 4 other parties (WG, HIW, Audit Wales, Llais).
NHS_CODES = {
    "BCUHB", "HDUHB", "SBUHB", "CAVUHB", "CTMUHB", "ABUHB", "PTHB",
    "WAST", "VUNHST", "PHW", "DHCW", "HEIW", "JCC", "NWSSP", "NHSPI",
}  # fmt: skip
OTHER_PARTIES = {"WG", "HIW", "AW", "LLAIS"}


@pytest.mark.django_db
def test_seed_reference_loads_the_15_nhs_organisations_and_4_other_parties():
    call_command("seed_reference", stdout=io.StringIO())
    assert set(Organisation.objects.values_list("code", flat=True)) == NHS_CODES | OTHER_PARTIES
    assert Organisation.objects.filter(statutory=True).count() == 12
    assert Organisation.objects.get(code="JCC").hosted_by.code == "CTMUHB"
    assert Organisation.objects.get(code="NWSSP").hosted_by.code == "VUNHST"
    assert Organisation.objects.get(code="CAVUHB").name_cy == "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro"
    assert Organisation.objects.get(code="BCUHB").ods_code == "7A1"
    assert Organisation.objects.get(code="SBUHB").region.name == "South West Wales"
    assert set(Region.objects.filter(under_ministerial_direction=True).values_list("code", flat=True)) == {
        "south-east-wales",
        "south-west-wales",
    }


@pytest.mark.django_db
def test_seed_reference_twice_changes_nothing():
    services.reference_seed()
    before = (Organisation.history.count(), Region.history.count(), list(Organisation.objects.values()))
    report = services.reference_seed()
    after = (Organisation.history.count(), Region.history.count(), list(Organisation.objects.values()))
    assert report.created == [] and report.updated == []
    assert before == after


@pytest.mark.django_db
def test_seed_reference_keeps_an_administrators_edit_unless_told_to_overwrite():
    services.reference_seed()
    Organisation.objects.filter(code="HEIW").update(name_cy="Addysg a Gwella Iechyd Cymru (checked)")
    services.reference_seed()
    assert Organisation.objects.get(code="HEIW").name_cy == "Addysg a Gwella Iechyd Cymru (checked)"
    services.reference_seed(overwrite=True)
    assert Organisation.objects.get(code="HEIW").name_cy == "Addysg a Gwella Iechyd Cymru"


@pytest.mark.django_db
def test_a_bad_row_stores_nothing_and_names_its_line(tmp_path):
    good = services.DATA_DIR / "organisations.csv"
    lines = good.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",health_board,", ",hospital,")  # line 6 of the file
    bad = tmp_path / "organisations.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(OversightError, match="line 6: unknown kind 'hospital'"):
        services.reference_seed(organisations_csv=bad)
    assert Organisation.objects.count() == 0
    assert Region.objects.count() == 0


def test_organisation_update_at_the_current_version_is_saved_with_its_reason(world):
    admin = world.personas["admin"]
    updated = services.organisation_update(
        actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "Org A*"}, reason="Typo"
    )
    assert updated.version == 2
    latest = world.org_a.history.latest()
    assert latest.short_name == "Org A*"
    assert latest.history_change_reason == "Typo"
    assert latest.history_user == admin


def test_a_stale_organisation_update_is_a_conflict_and_keeps_the_first_change(world):
    admin = world.personas["admin"]
    services.organisation_update(
        actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "First"}, reason="1"
    )
    with pytest.raises(ConflictError, match="changed by someone else"):
        services.organisation_update(
            actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "Second"}, reason="2"
        )
    assert Organisation.objects.get(pk=world.org_a.pk).short_name == "First"


def test_only_administrators_may_change_the_register(world):
    with pytest.raises(PermissionRefused):
        services.organisation_update(
            actor=world.personas["official"], organisation=world.org_a, expected_version=1, changes={"active": False}
        )


def test_an_organisation_cannot_be_hosted_by_itself(world):
    with pytest.raises(OversightError) as refused:
        services.organisation_update(
            actor=world.personas["admin"],
            organisation=world.org_a,
            expected_version=1,
            changes={"hosted_by": world.org_a},
        )
    assert refused.value.field == "hosted_by"


def test_a_membership_must_suit_the_kind_of_body(world):
    user = UserFactory()
    with pytest.raises(OversightError) as refused:
        services.membership_create(
            actor=world.personas["admin"], user=user, organisation=world.org_a, role=Role.WG_OFFICIAL
        )
    assert refused.value.code == "role_not_allowed_for_organisation"
    membership = services.membership_create(
        actor=world.personas["admin"], user=user, organisation=world.org_a, role=Role.ORG_EXECUTIVE
    )
    assert membership.history.count() == 1


def test_a_submitter_cannot_add_members_to_another_organisation(world):
    with pytest.raises(Http404):
        services.membership_create(
            actor=world.personas["submitter_a"], user=UserFactory(), organisation=world.org_b, role=Role.ORG_SUBMITTER
        )
    assert (
        not Membership.objects.filter(organisation=world.org_b, role=Role.ORG_SUBMITTER)
        .exclude(user__username="submitter_b")
        .exists()
    )

"""The registry's rules, table by table. Expected answers are written out by hand."""

import pytest

from organisations import rules


@pytest.mark.parametrize(
    ("kind", "statutory", "holds"),
    [
        ("health_board", True, True),
        ("trust", True, True),
        ("special_health_authority", True, True),
        ("hosted_body", False, False),
        ("hosted_body", True, False),
        ("national_body", False, False),
        ("government", False, False),
        ("inspectorate", False, False),
        ("auditor", False, False),
        ("citizen_voice", False, False),
        ("health_board", False, False),
    ],
)
def test_only_statutory_nhs_organisations_hold_levels(kind, statutory, holds):
    assert rules.holds_levels(kind=kind, statutory=statutory) is holds


ROLES = [
    "wg_official",
    "wg_decision_maker",
    "wg_secretariat",
    "nhspi_analyst",
    "org_submitter",
    "org_executive",
    "tripartite_partner",
    "administrator",
]
# kind -> roles that may be held there (written out, not read from the rules module)
ALLOWED = {
    "government": {"wg_official", "wg_decision_maker", "wg_secretariat", "administrator"},
    "national_body": {"nhspi_analyst", "administrator"},
    "health_board": {"org_submitter", "org_executive"},
    "trust": {"org_submitter", "org_executive"},
    "special_health_authority": {"org_submitter", "org_executive"},
    "hosted_body": {"org_submitter", "org_executive"},
    "inspectorate": {"tripartite_partner"},
    "auditor": {"tripartite_partner"},
    "citizen_voice": {"tripartite_partner"},
}


@pytest.mark.parametrize("kind", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_which_roles_each_kind_of_body_may_hold(kind, role):
    refusal = rules.membership_refusal(role=role, organisation_kind=kind)
    if role in ALLOWED[kind]:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.code == "role_not_allowed_for_organisation"
        assert role in refusal.message
        assert kind in refusal.message


def test_an_unknown_kind_of_body_allows_no_role():
    refusal = rules.membership_refusal(role="org_submitter", organisation_kind="pharmacy")
    assert refusal is not None
    assert "none" in refusal.message

"""The registry's rules, as pure functions over plain values (no Django, no clock).

Which bodies hold an escalation level, and which roles a membership of each kind of body
may carry. Tested table-by-table in tests/organisations/test_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of body whose statutory members hold escalation levels [002 §6].
LEVEL_HOLDING_KINDS = frozenset({"health_board", "trust", "special_health_authority"})

# Which roles a membership of each kind of body may carry. Welsh Government staff hold
# the WG roles; NHS P&I staff are analysts; NHS organisations' staff submit and lead;
# HIW, Audit Wales and Llais staff are tripartite partners. Administrators are WG or NHS P&I.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    "government": frozenset({"wg_official", "wg_decision_maker", "wg_secretariat", "administrator"}),
    "national_body": frozenset({"nhspi_analyst", "administrator"}),
    "health_board": frozenset({"org_submitter", "org_executive"}),
    "trust": frozenset({"org_submitter", "org_executive"}),
    "special_health_authority": frozenset({"org_submitter", "org_executive"}),
    "hosted_body": frozenset({"org_submitter", "org_executive"}),
    "inspectorate": frozenset({"tripartite_partner"}),
    "auditor": frozenset({"tripartite_partner"}),
    "citizen_voice": frozenset({"tripartite_partner"}),
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def holds_levels(*, kind: str, statutory: bool) -> bool:
    """Only statutory NHS organisations hold escalation levels [002 §6]; hosted bodies do not."""
    return statutory and kind in LEVEL_HOLDING_KINDS


def membership_refusal(*, role: str, organisation_kind: str) -> Refusal | None:
    """Why a role may not be held at a body of this kind, or None when it may."""
    allowed = ROLES_BY_KIND.get(organisation_kind, frozenset())
    if role in allowed:
        return None
    return Refusal(
        code="role_not_allowed_for_organisation",
        message=(
            f"The role '{role}' cannot be held at a body of kind '{organisation_kind}'. "
            f"Allowed roles there: {', '.join(sorted(allowed)) or 'none'}."
        ),
    )

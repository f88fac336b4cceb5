"""The flags plans raises on lower pages through ``escalation.flags`` (registered in
``PlansConfig.ready``): the Finance flag on the Finance pillar, and the open accountability
conditions. Each provider makes at most two queries and shows only what the user may see."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from escalation.flags import Flag, FlagItem
from escalation.models import Domain
from oversight import access

from . import rules, selectors
from .choices import FlagReason

FINANCE_PILLAR = "finance"


def finance_flag_title(flag: rules.FinanceFlag) -> str:
    return _("No approved, financially balanced three-year plan for %(cycle)s") % {"cycle": flag.cycle}


def finance_flag_reason(flag: rules.FinanceFlag) -> str:
    """Why the organisation is flagged, in words."""
    messages = {
        FlagReason.NONE_SUBMITTED: _("No plan has been submitted for the %(cycle)s planning cycle."),
        FlagReason.NOT_BALANCED: _("The plan submitted for %(cycle)s is not financially balanced."),
        FlagReason.NOT_APPROVED: _("The three-year plan for %(cycle)s has not been approved by the Minister."),
        FlagReason.ANNUAL_ONLY: _(
            "Only an annual plan is in place for %(cycle)s: it was accepted as an annual plan, "
            "not approved as a three-year plan."
        ),
    }
    return messages[flag.reason] % {"cycle": flag.cycle}


def finance_flag_criteria() -> str:
    """What the flag means for escalation, with the paragraphs it comes from."""
    return _(
        "Not having an approved, balanced three-year plan is a criterion for escalation from level 1 "
        "(%(escalation)s); approval of a deliverable, balanced three-year plan is a criterion for "
        "de-escalation from level 2 (%(deescalation)s)."
    ) % {"escalation": rules.FLAG_ESCALATION_REFERENCE, "deescalation": rules.FLAG_DEESCALATION_REFERENCE}


def _pillar_name(code: str) -> str:
    domain = Domain.objects.filter(era__code=rules.PILLAR_ERA, code=code).only("name", "name_cy").first()
    return domain.display_name if domain else code


def finance_flag_provider(organisation, *, user, on: date) -> list[Flag]:
    """The Finance flag: an organisation without an approved, financially balanced three-year
    plan for the current cycle [002 Annex 1; 004]."""
    if not organisation.holds_levels or not access.can(user, "plans.view", organisation):
        return []
    status = selectors.finance_status(organisation, on=on)
    if not status.flagged:
        return []
    flag = status.flag
    return [
        Flag(
            code="plans.finance_plan",
            title=finance_flag_title(flag),
            text=finance_flag_reason(flag),
            reference=finance_flag_criteria(),
            pillar=FINANCE_PILLAR,
            pillar_name=_pillar_name(FINANCE_PILLAR),
            url=reverse("plans:organisation", args=[organisation.pk]),
            link_text=_("Plans and accountability"),
            kind="warning",
        )
    ]


def open_conditions_provider(organisation, *, user, on: date) -> list[Flag]:
    """The organisation's open accountability conditions, soonest due first [002 §25]."""
    if not organisation.holds_levels or not access.can(user, "plans.view", organisation):
        return []
    conditions = selectors.open_conditions(user=user, organisation=organisation)
    if not conditions:
        return []
    items = tuple(
        FlagItem(
            text=condition.text,
            detail=f"{condition.pillar.display_name}; {_('owner')}: {condition.owner}",
            url=reverse("plans:plan-detail", args=[condition.response.plan_id]) + f"#condition-{condition.pk}",
            due_on=condition.due_on,
            overdue=rules.condition_overdue(status=condition.status, due_on=condition.due_on, today=on),
        )
        for condition in conditions
    )
    return [
        Flag(
            code="plans.open_conditions",
            title=_("Open accountability conditions"),
            text=_("Conditions of Welsh Government's response to the organisation's plan, not yet met (002 §25)."),
            url=reverse("plans:organisation", args=[organisation.pk]),
            link_text=_("Plans and accountability"),
            items=items,
            kind="list",
        )
    ]

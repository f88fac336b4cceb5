"""The flag accountability raises on lower pages through ``escalation.flags`` (registered in
``AccountabilityConfig.ready``): the organisation's latest Well-led self-assessment, with NHS
P&I's assessment beside it, on the Leadership (Well-led) foundation, so it is seen beside pillar
decisions, on the organisation's escalation page and at its meetings [001 §9, §9.3]. Three
queries at most, and nothing for a user who may not see the organisation."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from escalation.flags import Flag, FlagItem
from escalation.models import Domain
from oversight import access

from . import rules, selectors
from .choices import Rating

FOUNDATION = "leadership"


def _rating(value: int | None) -> str:
    return str(Rating(value).label) if value else _("not rated")


def well_led_provider(organisation, *, user, on: date) -> list[Flag]:
    if not organisation.holds_levels or not access.can(user, "accountability.view", organisation):
        return []
    assessment = selectors.latest_assessment(organisation)
    if assessment is None:
        return []
    rows = selectors.area_rows(assessment)
    assessed = assessment.status == "assessed"
    result = rules.assessment_weak({row.area: row.nhspi_rating for row in rows})
    foundation = Domain.objects.filter(era__code="2026", code=FOUNDATION).only("name", "name_cy").first()
    items = tuple(
        FlagItem(
            text=row.label,
            detail=_("organisation: %(own)s; NHS P&I: %(nhspi)s")
            % {"own": _rating(row.self_rating), "nhspi": _rating(row.nhspi_rating) if assessed else _("to come")},
        )
        for row in rows
    )
    if assessed and result.weak:
        title = _("Well-led self-assessment %(year)s: NHS P&I's assessment is weak") % {"year": assessment.year}
        text = _(
            "NHS P&I rates an area at the lowest point of the scale, or most areas below its middle. Leadership "
            "concerns may trigger or amplify escalation in the pillars (%(reference)s)."
        ) % {"reference": rules.WELL_LED_REFERENCE}
    elif assessed:
        title = _("Well-led self-assessment %(year)s, assessed by NHS P&I") % {"year": assessment.year}
        text = _("The organisation's rating and NHS P&I's, for each of the six areas of evidence (%(reference)s).") % {
            "reference": rules.WELL_LED_REFERENCE
        }
    else:
        title = _("Well-led self-assessment %(year)s, awaiting NHS P&I's assessment") % {"year": assessment.year}
        text = _("The organisation's own rating for each of the six areas of evidence (%(reference)s).") % {
            "reference": rules.WELL_LED_REFERENCE
        }
    return [
        Flag(
            code="accountability.well_led",
            title=title,
            text=text,
            reference=rules.WELL_LED_REFERENCE,
            pillar=FOUNDATION,
            pillar_name=foundation.display_name if foundation else "",
            url=reverse("accountability:assessment-detail", args=[assessment.pk]),
            link_text=_("The self-assessment"),
            items=() if assessed and result.weak else items,
            kind="warning" if assessed and result.weak else "list",
        )
    ]

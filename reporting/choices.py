"""The reporting app's fixed lists. Codes that appear in ``reporting/data/measures.csv`` (pillar,
direction, frequency, target confidence) are spelled as the CSV spells them; units are mapped
from the CSV's text by ``reporting.reference.UNIT_FROM_CSV``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .spc import Direction as SpcDirection


class Pillar(models.TextChoices):
    """The 2026 framework's pillars, as the measure catalogue codes them."""

    QUALITY = "quality", _("Quality")
    WORKFORCE = "workforce", _("Workforce")
    FINANCE = "finance", _("Finance")
    DELIVERY_PERFORMANCE = "delivery_performance", _("Delivery/Performance")
    LEADERSHIP = "leadership", _("Leadership")


# A measure's pillar → the code of the 2026 pillar ``escalation.Domain`` (era "2026", kind
# "pillar"). Only Delivery/Performance is spelled differently.
ESCALATION_DOMAIN_FOR_PILLAR = {
    Pillar.QUALITY: "quality",
    Pillar.WORKFORCE: "workforce",
    Pillar.FINANCE: "finance",
    Pillar.DELIVERY_PERFORMANCE: "delivery",
    Pillar.LEADERSHIP: "leadership",
}


class Direction(models.TextChoices):
    """Which way is better. "none" is context only (activity, denominators): no target status,
    no improving or concerning signal."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NONE = "none", _("Context only")


# The same directions as ``reporting.spc`` names them.
SPC_DIRECTION = {
    Direction.HIGHER: SpcDirection.HIGHER_IS_BETTER,
    Direction.LOWER: SpcDirection.LOWER_IS_BETTER,
    Direction.NONE: SpcDirection.CONTEXT_ONLY,
}


class Unit(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    COUNT = "count", _("Number")
    MINUTES = "minutes", _("Minutes")
    HOURS = "hours", _("Hours")
    RATE_PER_100000 = "rate_per_100000", _("Rate per 100,000 population")
    GBP_MILLIONS = "gbp_millions", _("£ million")
    YES_NO = "yes_no", _("Yes (1) or no (0)")


class Frequency(models.TextChoices):
    """How often a measure is collected (and, separately, published). Annual is kept for the
    two statutory finance duties (the three-year break-even and the IMTP), which the catalogue
    records as annual; the pack itself is monthly."""

    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class TargetVerified(models.TextChoices):
    """How sure the catalogue is of a national target (see shared/data/README.md)."""

    YES = "yes", _("Confirmed")
    PARTLY = "partly", _("Partly confirmed")
    NO = "no", _("Commonly cited, not confirmed")
    NOT_APPLICABLE = "n/a", _("No national target")


class PackStatus(models.TextChoices):
    """draft → submitted → returned (back to the submitter) or validated → released.

    "Released" means signed off by NHS P&I for every authorised user; it is not "public"
    (publication is a separate, explicit act). A released pack is never edited: a correction
    is a new pack version."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    VALIDATED = "validated", _("Validated")
    RELEASED = "released", _("Released")


# Statuses in which the organisation may still change the pack's contents.
EDITABLE_PACK_STATUSES = (PackStatus.DRAFT, PackStatus.RETURNED)


class ValueSource(models.TextChoices):
    FORM = "form", _("Web form")
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class Comparison(models.TextChoices):
    """A comparison of a value with a threshold, for criterion bindings and cap rules."""

    LT = "lt", "<"
    LE = "le", "≤"
    EQ = "eq", "="
    NE = "ne", "≠"
    GE = "ge", "≥"
    GT = "gt", ">"


def compare(value, operator: str, threshold) -> bool:
    """``value <operator> threshold``."""
    return {
        Comparison.LT: value < threshold,
        Comparison.LE: value <= threshold,
        Comparison.EQ: value == threshold,
        Comparison.NE: value != threshold,
        Comparison.GE: value >= threshold,
        Comparison.GT: value > threshold,
    }[Comparison(operator)]


# Suggested levels run 1-4: decision support never suggests level 5 (special measures).
SUGGESTED_LEVELS = (1, 2, 3, 4)

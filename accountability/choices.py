"""The accountability app's fixed lists. The codes are those ``accountability.rules`` works with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectiveStatus(models.TextChoices):
    """Where one of a Chair's objectives for the year stands."""

    SET = "set", _("Set")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WellLedArea(models.TextChoices):
    """The six areas in which leaders show evidence for the Leadership (Well-led) foundation
    [001 §9, "Leaders evidence" (i)-(vi)], named in the product's own words."""

    DIRECTION_AND_CULTURE = "direction_culture", _("A shared direction and culture")
    GOVERNANCE_AND_RISK = "governance_risk", _("Governance and the management of risk")
    DATA_AND_INSIGHT = "data_insight", _("Open use of data and insight")
    PEOPLE_LEADERSHIP = "people_leadership", _("Compassionate and inclusive leadership of people")
    IMPROVEMENT = "improvement", _("Capability for improvement that can be seen")
    SYSTEM_RELATIONSHIPS = "system_relationships", _("Working relationships across the system")


class Rating(models.IntegerChoices):
    """The fixed four-point scale of a Well-led rating (the sources give none: docs/decisions.md)."""

    SIGNIFICANT_CONCERNS = 1, _("1 – Significant concerns")
    IMPROVEMENT_NEEDED = 2, _("2 – Improvement needed")
    EFFECTIVE = 3, _("3 – Effective")
    STRONG = 4, _("4 – Strong")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared by the organisation")
    SUBMITTED = "submitted", _("Submitted, awaiting NHS P&I's assessment")
    ASSESSED = "assessed", _("Assessed by NHS P&I")


class SynthesisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED_OFF = "signed_off", _("Signed off")


# A synthesis recommendation uses escalation.choices.Recommendation, as a tripartite one does.

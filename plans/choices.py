"""The plans app's fixed lists. The codes are those ``plans.rules`` works with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanType(models.TextChoices):
    IMTP = "imtp", _("Three-year plan (IMTP)")
    ANNUAL = "annual", _("Annual plan")


class Outcome(models.TextChoices):
    """The Minister's decision on a plan [004]. Blank while it awaits one."""

    APPROVED = "approved", _("Approved")
    ACCEPTED_ANNUAL = "accepted_annual", _("Accepted as an annual plan")
    NOT_APPROVED = "not_approved", _("Not approved")


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")


class SubmissionKind(models.TextChoices):
    """What an organisation sends in proportion to its level [002 §59; 001 §6.3 notes]."""

    PROGRESS_UPDATE = "progress_update", _("Progress update")
    EVIDENCE_SUBMISSION = "evidence_submission", _("Evidence submission")
    UPDATED_ACTION_PLAN = "updated_action_plan", _("Updated action plan")
    MILESTONE_REVIEW = "milestone_review", _("Milestone review")


class SubmissionStatus(models.TextChoices):
    """Stored status. "Overdue" is not stored: it is a due submission whose date has passed
    (``plans.rules.submission_state``)."""

    DUE = "due", _("Due")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("No longer required")


class FlagReason(models.TextChoices):
    """Why an organisation carries the Finance flag (``plans.rules.finance_flag``)."""

    NONE_SUBMITTED = "none_submitted", _("No plan submitted")
    NOT_BALANCED = "not_balanced", _("Plan not financially balanced")
    NOT_APPROVED = "not_approved", _("Plan not approved")
    ANNUAL_ONLY = "annual_only", _("Only an annual plan")


class Progress(models.TextChoices):
    """An organisation's progress on a Ministerial priority, from its linked measures."""

    ON_TRACK = "on_track", _("On track")
    MIXED = "mixed", _("Mixed")
    NO_SIGNAL = "no_signal", _("No clear signal")
    OF_CONCERN = "of_concern", _("Of concern")
    NO_DATA = "no_data", _("No released data")

"""Plans and accountability: planning cycles, organisations' plans (IMTPs and annual plans) with
the Minister's outcome, Welsh Government's response with its accountability conditions and the
evidence against them, the Ministerial priorities of each cycle with the measures linked to them,
and the submissions each escalation level requires [002 §25, §57, §59, Annex 1; 001 §10; 004].

The Finance flag and the break-even duty are not stored: ``plans.rules`` works them out from
these rows and released pack values whenever a page asks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight.i18n import Bilingual
from oversight.models import BaseModel

from .choices import ConditionStatus, Outcome, PlanType, SubmissionKind, SubmissionStatus

USER = settings.AUTH_USER_MODEL


class PlanningCycle(BaseModel):
    """A Planning Framework's three-year cycle, e.g. 2025-28 [004]. Reference data."""

    code = models.CharField(_("code"), max_length=7, unique=True, help_text=_("e.g. 2025-28"))
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reference = models.CharField(_("source"), max_length=200, blank=True)

    display_name = Bilingual("name")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("planning cycle")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="cycle_dates_in_order"),
            models.CheckConstraint(condition=Q(code__regex=r"^\d{4}-\d{2}$"), name="cycle_code_format"),
        ]

    def __str__(self):
        return self.code


class Plan(BaseModel):
    """An organisation's plan for a cycle: a three-year IMTP or an annual plan, when it was
    submitted and approved by its board, whether it is financially balanced, and the Minister's
    outcome [004; 002 Annex 1]. An organisation may have more than one for a cycle (a plan
    refused and then resubmitted, or an annual plan after an IMTP)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(PlanningCycle, verbose_name=_("planning cycle"), on_delete=models.PROTECT)
    plan_type = models.CharField(_("type of plan"), max_length=10, choices=PlanType.choices)
    submitted_on = models.DateField(_("submitted to Welsh Government on"))
    board_approved_on = models.DateField(_("approved by the board on"), null=True, blank=True)
    financially_balanced = models.BooleanField(_("financially balanced"))
    outcome = models.CharField(_("Minister's outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome decided on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name", "-cycle__starts_on", "-submitted_on", "-pk"]
        verbose_name = _("plan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_on__isnull=True)) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="plan_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(plan_type="annual", outcome="approved"), name="plan_annual_never_approved"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_plan_type_display()} {self.cycle.code}"

    def get_absolute_url(self):
        return reverse("plans:plan-detail", args=[self.pk])


class PlanResponse(BaseModel):
    """Welsh Government's response to a plan, which holds its accountability conditions [002 §25]."""

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="response")
    issued_on = models.DateField(_("issued on"))
    summary = models.TextField(_("summary of the response"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "plan__organisation"

    class Meta:
        verbose_name = _("Welsh Government response")

    def __str__(self):
        return f"{_('Response')}: {self.plan}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class AccountabilityCondition(BaseModel):
    """A condition of Welsh Government's response, against which the organisation is held to
    account at its review meetings [002 §25, Annex 1; 000 §6]."""

    response = models.ForeignKey(
        PlanResponse, verbose_name=_("response"), on_delete=models.PROTECT, related_name="conditions"
    )
    text = models.TextField(_("condition"))
    pillar = models.ForeignKey(
        "escalation.Domain", verbose_name=_("pillar"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    owner = models.CharField(_("owner"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    status_note = models.TextField(_("note on the status"), blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    status_changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "response__plan__organisation"

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("accountability condition")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return f"{self.response.plan.get_absolute_url()}#condition-{self.pk}"


class ConditionEvidence(BaseModel):
    """Evidence the organisation files against a condition: a file (through the one attachment
    service), a note, or both."""

    condition = models.ForeignKey(
        AccountabilityCondition, verbose_name=_("condition"), on_delete=models.PROTECT, related_name="evidence"
    )
    attachment = models.OneToOneField(
        "oversight.Attachment",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "condition__response__plan__organisation"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence against a condition")
        verbose_name_plural = _("evidence against conditions")
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=False) | ~Q(note=""), name="condition_evidence_not_empty"
            ),
        ]

    def __str__(self):
        return self.note[:80] or str(self.attachment)


class MinisterialPriority(BaseModel):
    """A Ministerial priority of a Planning Framework cycle, with its delivery expectations in
    summary [004]. Reference data, in the product's own words; administrators may replace it."""

    cycle = models.ForeignKey(
        PlanningCycle, verbose_name=_("planning cycle"), on_delete=models.PROTECT, related_name="priorities"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    expectations = models.TextField(_("delivery expectations, in summary (English)"))
    expectations_cy = models.TextField(_("delivery expectations, in summary (Welsh)"), blank=True)
    reference = models.CharField(_("source"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    measures = models.ManyToManyField(
        "reporting.Measure", through="PriorityMeasure", related_name="+", verbose_name=_("measures")
    )

    display_name = Bilingual("name")
    display_expectations = Bilingual("expectations")
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "order", "code"]
        verbose_name = _("Ministerial priority")
        verbose_name_plural = _("Ministerial priorities")
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="priority_code_unique_in_cycle")]

    def __str__(self):
        return f"{self.cycle.code}: {self.display_name}"


class PriorityMeasure(BaseModel):
    """A measure that shows progress against a priority."""

    priority = models.ForeignKey(
        MinisterialPriority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="links"
    )
    measure = models.ForeignKey(
        "reporting.Measure", verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("why it shows progress"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "measure__order", "measure__code"]
        verbose_name = _("measure of a priority")
        constraints = [models.UniqueConstraint(fields=["priority", "measure"], name="priority_measure_unique")]

    def __str__(self):
        return f"{self.priority}: {self.measure.code}"


class SubmissionRequirement(BaseModel):
    """What a level requires an organisation to send, and how often [002 §59; 001 §6.3]. Editable
    data: the sources give no frequencies (see docs/decisions.md for the defaults)."""

    kind = models.CharField(_("submission"), max_length=30, choices=SubmissionKind.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    interval_months = models.PositiveSmallIntegerField(_("every (months)"))
    reference = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "kind"]
        verbose_name = _("submission requirement")
        constraints = [
            models.UniqueConstraint(fields=["kind", "level"], name="submission_requirement_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="submission_requirement_level"),
            models.CheckConstraint(condition=Q(interval_months__gte=1), name="submission_requirement_interval"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, level {self.level}: every {self.interval_months} months"


class RequiredSubmission(BaseModel):
    """One submission an escalation case owes, by a date: scheduled by
    ``plans.submissions.submissions_schedule``, received (with its file) or overdue."""

    case = models.ForeignKey(
        "escalation.EscalationCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("submission"), max_length=30, choices=SubmissionKind.choices)
    level = models.PositiveSmallIntegerField(_("required at level"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DUE
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    attachment = models.OneToOneField(
        "oversight.Attachment",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    cancelled_reason = models.CharField(_("why it is no longer required"), max_length=300, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "case__organisation"

    class Meta:
        ordering = ["due_on", "kind", "pk"]
        verbose_name = _("required submission")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "due_on"], name="required_submission_once"),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(received_on__isnull=False), name="received_submission_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"

"""Accountability: the objectives set each year with each organisation's Chair, the flexibilities
an organisation has earned, its annual Well-led self-assessment with NHS P&I's assessment beside
it, and NHS P&I's monthly synthesis of the whole system for Welsh Government [002 §25; 001 §3.2,
§7.1, §9, §9.3].

Accountable Officer letters are ``reporting.Document`` rows of their kind (drafted by
``accountability.letters``); the review meetings with Chairs are ``meetings.Meeting`` rows of
the ``chair_review`` type, kept scheduled by the meetings planner from the cadence data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalation.choices import Level, Recommendation
from oversight.models import BaseModel

from .choices import AssessmentStatus, ObjectiveStatus, Rating, SynthesisStatus, WellLedArea

USER = settings.AUTH_USER_MODEL
ORGANISATION = "organisations.Organisation"


class ChairObjective(BaseModel):
    """One objective set for a year with an organisation's Chair [002 §25], with its progress.
    Evidence of progress is filed as attachments (``oversight.Attachment``, target this row)."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the objective is set for, e.g. 2026."))
    text = models.TextField(_("objective"))
    status = models.CharField(_("status"), max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.SET)
    progress_notes = models.TextField(_("progress notes"), blank=True)
    chair_name = models.CharField(_("Chair"), max_length=200, blank=True)
    set_on = models.DateField(_("set on"))
    set_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name", "-year", "pk"]
        verbose_name = _("Chair's objective")
        verbose_name_plural = _("Chair's objectives")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="chair_objective_year_range"),
            models.CheckConstraint(condition=~Q(text=""), name="chair_objective_has_text"),
        ]
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("accountability:objective-detail", args=[self.pk])


class Flexibility(BaseModel):
    """A flexibility Welsh Government has granted an organisation that consistently meets
    expectations: a freedom earned, with the date and the reason [001 §7.1; 002 §22]."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("flexibility granted"), max_length=300)
    reason = models.TextField(_("reason"))
    granted_on = models.DateField(_("granted on"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty when it has no end date."))
    granted_by = models.ForeignKey(USER, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-granted_on", "pk"]
        verbose_name = _("flexibility granted")
        verbose_name_plural = _("flexibilities granted")
        constraints = [
            models.CheckConstraint(condition=~Q(what="") & ~Q(reason=""), name="flexibility_what_and_reason"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("granted_on")),
                name="flexibility_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.what

    def get_absolute_url(self):
        return reverse("accountability:organisation", args=[self.organisation_id]) + "#flexibilities"


class WellLedAssessment(BaseModel):
    """An organisation's annual self-assessment against the six areas of evidence of the
    Leadership (Well-led) foundation, with NHS P&I's assessment beside it [001 §9, §9.3]. The
    ratings are its ``ratings``; evidence files are attachments (target this row)."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year assessed"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    self_summary = models.TextField(_("the organisation's summary"), blank=True)
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nhspi_summary = models.TextField(_("NHS P&I's summary"), blank=True)
    assessed_on = models.DateField(_("assessed by NHS P&I on"), null=True, blank=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concern = models.ForeignKey(
        "escalation.Concern",
        verbose_name=_("concern raised"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name", "-year"]
        verbose_name = _("Well-led self-assessment")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="wellled_one_per_organisation_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="wellled_year_range"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_on__isnull=False), name="wellled_submitted_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="assessed") | Q(assessed_on__isnull=False), name="wellled_assessed_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.year}"

    def get_absolute_url(self):
        return reverse("accountability:assessment-detail", args=[self.pk])


class WellLedRating(BaseModel):
    """One area of a self-assessment: the organisation's rating and commentary, and NHS P&I's."""

    assessment = models.ForeignKey(
        WellLedAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="ratings"
    )
    area = models.CharField(_("area of evidence"), max_length=30, choices=WellLedArea.choices)
    self_rating = models.PositiveSmallIntegerField(
        _("the organisation's rating"), choices=Rating.choices, null=True, blank=True
    )
    self_commentary = models.TextField(_("the organisation's commentary"), blank=True)
    nhspi_rating = models.PositiveSmallIntegerField(
        _("NHS P&I's rating"), choices=Rating.choices, null=True, blank=True
    )
    nhspi_commentary = models.TextField(_("NHS P&I's commentary"), blank=True)

    history = HistoricalRecords()
    access_organisation_field = "assessment__organisation"

    class Meta:
        verbose_name = _("Well-led rating")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="wellled_rating_one_per_area"),
            models.CheckConstraint(
                condition=Q(self_rating__isnull=True) | Q(self_rating__gte=1, self_rating__lte=4),
                name="wellled_self_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(nhspi_rating__isnull=True) | Q(nhspi_rating__gte=1, nhspi_rating__lte=4),
                name="wellled_nhspi_rating_range",
            ),
        ]

    def __str__(self):
        return f"{self.assessment}: {self.get_area_display()}"


class SystemSynthesis(BaseModel):
    """NHS P&I's synthesis of the whole system for one month, for Welsh Government and the
    month's WG–NHS P&I Oversight Meeting [001 §3.2, §6.1]. Assembled automatically as a draft
    (``figures`` and each entry's ``facts`` are what the assembly found, kept as found), then
    edited by an analyst into risks, mitigations and recommended actions, then signed off. Seen
    by Welsh Government and NHS P&I only."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month it is for."))
    status = models.CharField(
        _("status"), max_length=12, choices=SynthesisStatus.choices, default=SynthesisStatus.DRAFT
    )
    assembled_on = models.DateField(_("assembled on"))
    changes_since = models.DateField(_("changes of level reported since"))
    figures = models.JSONField(_("system figures"), default=dict, blank=True)
    summary = models.TextField(_("overview"), blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("WG–NHS P&I Oversight Meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    document = models.OneToOneField(
        "reporting.Document",
        verbose_name=_("PDF document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly system synthesis")
        verbose_name_plural = _("monthly system syntheses")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(signed_off_on__isnull=False) & Q(signed_off_by__isnull=False)),
                name="synthesis_signed_off_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{_('System synthesis')} {self.month:%B %Y}"

    def get_absolute_url(self):
        return reverse("accountability:synthesis-detail", args=[self.pk])


class SynthesisEntry(BaseModel):
    """One organisation's part of a synthesis: what the assembly found (``facts``) and the
    analyst's risks, mitigations and recommended actions."""

    synthesis = models.ForeignKey(
        SystemSynthesis, verbose_name=_("synthesis"), on_delete=models.CASCADE, related_name="entries"
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.JSONField(_("what the draft found"), default=dict, blank=True)
    risks = models.TextField(_("risks"), blank=True)
    mitigations = models.TextField(_("mitigations"), blank=True)
    actions = models.TextField(_("recommended actions"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["synthesis", "order", "organisation__name"]
        verbose_name = _("synthesis entry")
        verbose_name_plural = _("synthesis entries")
        constraints = [
            models.UniqueConstraint(fields=["synthesis", "organisation"], name="synthesis_entry_one_per_organisation")
        ]

    def __str__(self):
        return f"{self.synthesis}: {self.organisation}"

    @property
    def written(self) -> bool:
        return bool(self.risks.strip() or self.mitigations.strip() or self.actions.strip())

    def get_absolute_url(self):
        return f"{self.synthesis.get_absolute_url()}#entry-{self.pk}"


class SynthesisRecommendation(BaseModel):
    """A recommendation in a synthesis about one organisation's scope (the whole organisation
    or a pillar): maintain, escalate or de-escalate, to a level. Like a tripartite
    recommendation, it can start a draft escalation decision with that scope [001 §6.1]."""

    entry = models.ForeignKey(
        SynthesisEntry, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="recommendations"
    )
    domain = models.ForeignKey(
        "escalation.Domain",
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the whole organisation."),
    )
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    recommended_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices, null=True, blank=True)
    rationale = models.TextField(_("why"))
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decision = models.OneToOneField(
        "escalation.EscalationDecision",
        verbose_name=_("decision started"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="synthesis_recommendation",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("synthesis recommendation")
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation="maintain") | Q(recommended_level__isnull=False),
                name="synthesis_move_has_level",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="synthesis_recommendation_has_rationale"),
        ]

    def __str__(self):
        return f"{self.entry.organisation}: {self.get_recommendation_display()}"

    @property
    def scope_label(self) -> str:
        return str(self.domain) if self.domain_id else str(_("Whole organisation"))

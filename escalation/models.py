"""Escalation: eras and their domains, level descriptions, decision authority, decisions and
the current level of each (organisation, scope)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight.i18n import Bilingual
from oversight.models import BaseModel

from . import rules
from .choices import (
    Authority,
    CasePhase,
    ComputedStatus,
    ConcernSource,
    ConcernStatus,
    CriterionStatus,
    DecisionStatus,
    DomainKind,
    IntelligenceKind,
    InterventionKind,
    Level,
    PlanKind,
    Rag,
    Recommendation,
    ScopeKind,
    Severity,
)

LEVEL_RANGE = Q(level__gte=1) & Q(level__lte=5)


class Era(BaseModel):
    """A set of escalation arrangements in force between two dates [DOMAIN "Eras"]."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    legacy = models.BooleanField(_("held for history only"), default=False)
    levels = models.JSONField(_("levels that exist in this era"), default=list)
    reference = models.CharField(_("source"), max_length=200, blank=True)

    display_name = Bilingual("name")
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("era")

    def __str__(self):
        return self.display_name

    def as_rules(self) -> rules.Era:
        """The plain value the rules module works with (authority table included)."""
        table = {a.level: a.authority for a in self.authorities.all()}
        return rules.Era(
            code=self.code, name=self.name, levels=tuple(self.levels), authority_by_level=table, legacy=self.legacy
        )


class Domain(BaseModel):
    """An escalation domain (2024) or a pillar or the foundation domain (2026)."""

    era = models.ForeignKey(Era, on_delete=models.PROTECT, related_name="domains")
    code = models.SlugField(_("code"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=DomainKind.choices)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    summary = models.TextField(_("areas of enquiry, in summary (English)"), blank=True)
    summary_cy = models.TextField(_("areas of enquiry, in summary (Welsh)"), blank=True)
    reference = models.CharField(_("source"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    display_name = Bilingual("name")
    display_summary = Bilingual("summary")
    history = HistoricalRecords()

    class Meta:
        ordering = ["era__starts_on", "order"]
        verbose_name = _("domain or pillar")
        constraints = [models.UniqueConstraint(fields=["era", "code"], name="domain_code_unique_in_era")]

    def __str__(self):
        return self.display_name


class DomainMapping(BaseModel):
    """Where a 2024 domain's work goes under the 2026 pillars [001 §9.2]."""

    legacy_domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="mapped_to")
    pillar = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="mapped_from")
    needs_choice = models.BooleanField(
        _("a person chooses between the targets"),
        default=False,
        help_text=_("Fragile services go to Quality or Delivery/Performance by the nature of the risk."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["legacy_domain__order", "pillar__order"]
        constraints = [models.UniqueConstraint(fields=["legacy_domain", "pillar"], name="domain_mapping_unique")]

    def __str__(self):
        return f"{self.legacy_domain} → {self.pillar}"


class LevelDescription(BaseModel):
    """What a level means (Annex 1 of 002), in summary, versioned by the date it applies from."""

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    valid_from = models.DateField(_("applies from"))
    description = models.TextField(_("description"))
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    wg_expectations = models.TextField(_("what Welsh Government does"))
    wg_expectations_cy = models.TextField(_("what Welsh Government does (Welsh)"), blank=True)
    organisation_expectations = models.TextField(_("what the organisation does"))
    organisation_expectations_cy = models.TextField(_("what the organisation does (Welsh)"), blank=True)
    escalation_criteria = models.TextField(_("criteria for escalation to a higher level"), blank=True)
    escalation_criteria_cy = models.TextField(_("criteria for escalation (Welsh)"), blank=True)
    deescalation_criteria = models.TextField(_("criteria for de-escalation to a lower level"), blank=True)
    deescalation_criteria_cy = models.TextField(_("criteria for de-escalation (Welsh)"), blank=True)
    reference = models.CharField(_("source"), max_length=100)

    display_description = Bilingual("description")
    display_wg_expectations = Bilingual("wg_expectations")
    display_organisation_expectations = Bilingual("organisation_expectations")
    display_escalation_criteria = Bilingual("escalation_criteria")
    display_deescalation_criteria = Bilingual("deescalation_criteria")
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "valid_from"], name="level_description_unique"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="level_description_level_range"),
        ]

    def __str__(self):
        return f"{self.level} – {self.get_level_display()}"


class DecisionAuthority(BaseModel):
    """Who decides moves involving a level, in an era [DOMAIN rule 6]."""

    era = models.ForeignKey(Era, on_delete=models.CASCADE, related_name="authorities")
    level = models.PositiveSmallIntegerField(_("highest level involved"), choices=Level.choices)
    authority = models.CharField(_("decided by"), max_length=30, choices=Authority.choices)
    recommended_by = models.CharField(_("recommended by"), max_length=200, blank=True)
    reference = models.CharField(_("source"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["era__starts_on", "level"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level"], name="decision_authority_unique"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="decision_authority_level_range"),
        ]

    def __str__(self):
        return f"{self.era}: level {self.level} – {self.get_authority_display()}"


class ScopedModel(BaseModel):
    """An organisation and a scope: the whole organisation, a domain or pillar, or a named service."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service_name = models.CharField(_("service or site"), max_length=200, blank=True)
    scope_key = models.CharField(max_length=220, editable=False, db_index=True)

    access_organisation_field = "organisation"

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        if self.scope_kind == ScopeKind.ORGANISATION:
            return str(_("Whole organisation"))
        if self.scope_kind == ScopeKind.DOMAIN:
            return str(self.domain)
        return self.service_name


def scope_key(*, scope_kind: str, domain_id: int | None = None, service_name: str = "") -> str:
    if scope_kind == ScopeKind.ORGANISATION:
        return "organisation"
    if scope_kind == ScopeKind.DOMAIN:
        return f"domain:{domain_id}"
    return "service:" + " ".join(service_name.lower().split())


class EscalationCase(ScopedModel):
    """The work on one (organisation, scope) while it is escalated, and after.

    Opens when the scope rises above level 1, or when an official opens one (for example
    for a level 1 letter of concern). When the scope returns to level 1 it stays open in a
    sustainability phase until its sustainability criteria are sustained, or a decision
    maker closes it with a reason.
    """

    phase = models.CharField(_("phase"), max_length=20, choices=CasePhase.choices, default=CasePhase.ACTIVE)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opening_reason = models.TextField(_("why it was opened"))
    improvement_timeframe = models.CharField(
        _("agreed timeframe for improvement"), max_length=300, blank=True, help_text=_("002 para 56")
    )
    improvement_due_on = models.DateField(_("improvement expected by"), null=True, blank=True)
    sustainability_from = models.DateField(_("in sustainability since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_reason = models.TextField(_("why it was closed"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("escalation case")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scope_key"],
                condition=~Q(phase="closed"),
                name="case_one_open_per_scope",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.short_name}: {self.scope_label}"

    def get_absolute_url(self):
        return reverse("escalation:case-detail", args=[self.pk])


class EscalationDecision(ScopedModel):
    """A decision to escalate, maintain or de-escalate one scope. The source of truth for levels.

    Once decided it never changes (but for recording its notification); a correction is a new
    decision that supersedes it, and both stay visible.
    """

    era = models.ForeignKey(Era, on_delete=models.PROTECT, related_name="decisions")
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices)
    status = models.CharField(_("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    rationale = models.TextField(_("rationale"))
    evidence = models.TextField(_("evidence considered"), blank=True)
    authority = models.CharField(_("decided by"), max_length=30, choices=Authority.choices, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recommended_on = models.DateField(_("recommended on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    notified_on = models.DateField(_("organisation notified on"), null=True, blank=True)
    minister_decided_on = models.DateField(_("Minister decided on"), null=True, blank=True)
    override_rationale = models.TextField(_("why de-escalate although not every criterion is sustained"), blank=True)
    legacy_override = models.TextField(_("why the earlier rules allowed this"), blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    rescoped_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescoped_to",
        help_text=_("For a re-scoping entry at the 2026 cutover: the 2024 domain decision it carries over."),
    )
    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("escalation decision")
        indexes = [models.Index(fields=["organisation", "scope_key", "status", "effective_from"])]
        constraints = [
            models.CheckConstraint(condition=Q(from_level__gte=1, from_level__lte=5), name="decision_from_level_range"),
            models.CheckConstraint(condition=Q(to_level__gte=1, to_level__lte=5), name="decision_to_level_range"),
            models.CheckConstraint(
                condition=~Q(status="decided") | (Q(decided_on__isnull=False) & Q(effective_from__isnull=False)),
                name="decided_decision_has_dates",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_rationale_required"),
        ]

    def __str__(self):
        return f"{self.organisation.short_name}, {self.scope_label}: {self.from_level} → {self.to_level}"

    @property
    def kind(self) -> str:
        return rules.decision_kind(from_level=self.from_level, to_level=self.to_level)

    def get_absolute_url(self):
        return reverse("escalation:decision-detail", args=[self.pk])


class EscalationStatus(ScopedModel):
    """The level a scope is at, kept in step with its decided decisions in the same transaction.

    One row for every (organisation, scope) that has ever had a decision; the level is that of
    its latest decided decision (by effective date). Levels on other dates come from decisions.
    """

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    effective_from = models.DateField(_("since"))
    decision = models.ForeignKey(EscalationDecision, on_delete=models.PROTECT, related_name="+")
    retired_on = models.DateField(
        _("re-scoped on"),
        null=True,
        blank=True,
        help_text=_("A 2024 domain scope carried over to a 2026 pillar at the cutover no longer counts from then."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "scope_kind", "scope_key"]
        verbose_name = _("escalation status")
        verbose_name_plural = _("escalation statuses")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "scope_key"], name="status_one_per_scope"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="status_level_range"),
        ]

    def __str__(self):
        return f"{self.organisation.short_name}, {self.scope_label}: level {self.level}"


class DeescalationCriterion(ScopedModel):
    """A de-escalation or sustainability criterion agreed with the organisation [002 §41, §73].

    A criterion bound to a measure (``reporting.CriterionBinding``) also carries what released
    pack data say of it: ``computed_status`` (blank when it is not bound), the evidence behind it
    and the day that result was first recorded. They are written only by
    ``escalation.services.criterion_record_computed``. ``status`` is the effective status the
    de-escalation rule reads: it follows the computed status unless an official has set a
    status that disagrees with it, which needs ``override_reason`` (see docs/decisions.md,
    "Criteria that test themselves").

    ``computed_evidence`` is plain data, so that escalation never reads reporting's tables::

        {"measure": {"code": ..., "name": ..., "name_cy": ...}, "operator": "≤",
         "threshold": "500", "months_required": 3,
         "months": [{"period": "2026-08-01", "value": "480", "meets": true}, ...]}

    ``months`` are the consecutive calendar months tested, oldest first; a month with no
    released value has ``value`` null.
    """

    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, null=True, blank=True, related_name="criteria")
    decision = models.ForeignKey(
        EscalationDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="criteria"
    )
    text = models.TextField(_("criterion"))
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CriterionStatus.choices, default=CriterionStatus.PROPOSED
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    computed_status = models.CharField(
        _("status from released data"),
        max_length=10,
        choices=ComputedStatus.choices,
        blank=True,
        help_text=_("Empty when the criterion is not bound to a measure."),
    )
    computed_evidence = models.JSONField(_("evidence from released data"), default=dict, blank=True)
    computed_on = models.DateField(_("computed status recorded on"), null=True, blank=True)
    override_reason = models.TextField(
        _("why the status differs from the released data"),
        blank=True,
        help_text=_("Required when an official sets a status that the released data do not support."),
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_on = models.DateField(_("overridden on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "scope_key", "created_at"]
        verbose_name = _("de-escalation criterion")
        verbose_name_plural = _("de-escalation criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(computed_status="") | Q(computed_on__isnull=False),
                name="criterion_computed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(override_reason="") | Q(overridden_on__isnull=False),
                name="criterion_override_has_date",
            ),
        ]

    @property
    def is_bound(self) -> bool:
        return bool(self.computed_status)

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_reason)

    def __str__(self):
        return self.text[:80]


class Concern(BaseModel):
    """A concern about an organisation, from any source, awaiting triage or linked to a case."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("raised by"), max_length=20, choices=ConcernSource.choices)
    source_key = models.CharField(
        _("signal key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("For automated signals, e.g. spc:ORG:MEASURE:2026-05:shift; never raised twice."),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns")
    closed_reason = models.TextField(_("why it was closed"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    raised_on = models.DateField(_("raised on"))

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-raised_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="linked") | Q(case__isnull=False), name="linked_concern_has_case"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("escalation:concern-detail", args=[self.pk])


class InformationRequest(BaseModel):
    """A request for information to the organisation or a third party [002 §41, §48]."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, null=True, blank=True, related_name="requests")
    addressee = models.CharField(
        _("addressed to"),
        max_length=200,
        blank=True,
        help_text=_("Empty when the request is to the organisation itself; otherwise the third party."),
    )
    question = models.TextField(_("what is asked"))
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("due on"))
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("sent_on")), name="request_due_after_sent"),
        ]

    def __str__(self):
        return self.question[:80]

    def get_absolute_url(self):
        return reverse("escalation:request-detail", args=[self.pk])


class SupportPlan(BaseModel):
    """An improvement or recovery plan (levels 2-3), or targeted support (levels 4-5) [002 §67-70]."""

    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, related_name="support_plans")
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    started_on = models.DateField(_("started on"))
    senior_responsible_officer = models.CharField(
        _("senior responsible officer at the organisation"), max_length=200, blank=True
    )
    # The assessment of 002 §70.
    risk_and_impact = models.TextField(_("degree of risk and potential impact"), blank=True)
    understanding_of_drivers = models.TextField(_("how well the organisation understands the drivers"), blank=True)
    leadership_and_governance = models.TextField(_("leadership, governance and maturity of improvement"), blank=True)
    credibility_of_plans = models.TextField(_("capability and credibility of plans"), blank=True)
    previous_support = models.TextField(_("support already given"), blank=True)
    trajectory = models.TextField(_("delivery against the recovery trajectory"), blank=True)
    criteria_summary = models.TextField(_("sustainability and de-escalation criteria agreed"), blank=True)

    history = HistoricalRecords()
    access_organisation_field = "case__organisation"

    class Meta:
        ordering = ["-started_on"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.case}"


class SupportIntervention(BaseModel):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=30, choices=InterventionKind.choices)
    description = models.TextField(_("description"), blank=True)
    lead = models.CharField(_("lead"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "plan__case__organisation"

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return self.get_kind_display()


class Milestone(BaseModel):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due on"))
    rag = models.CharField(_("RAG"), max_length=5, choices=Rag.choices, default=Rag.AMBER)

    history = HistoricalRecords()
    access_organisation_field = "plan__case__organisation"

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return self.title


class MaturityArea(BaseModel):
    """A row of the improvement programme's maturity matrix."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="maturity_areas")
    name = models.CharField(_("area"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="maturity_area_unique")]

    def __str__(self):
        return self.name


class MaturityScore(BaseModel):
    area = models.ForeignKey(MaturityArea, on_delete=models.CASCADE, related_name="scores")
    assessed_on = models.DateField(_("assessed on"))
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "assessed_on"]
        constraints = [
            models.UniqueConstraint(fields=["area", "assessed_on"], name="maturity_score_once_per_date"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="maturity_score_range"),
        ]

    def __str__(self):
        return f"{self.area}: {self.score} on {self.assessed_on}"


class IntelligenceItem(BaseModel):
    """Intelligence about an organisation from HIW, Audit Wales, Llais, NQMS or WG [002 §28, §40].

    Seen by Welsh Government and NHS P&I, by the body that added it, and by the other
    tripartite partners once WG shares it; never by the organisation's own users."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=IntelligenceKind.choices)
    dated = models.DateField(_("date"))
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    summary = models.TextField(_("summary"))
    rag = models.CharField(_("RAG"), max_length=5, choices=Rag.choices)
    shared_with_partners = models.BooleanField(_("shared with the tripartite partners"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-dated", "-created_at"]
        verbose_name = _("intelligence item")

    def __str__(self):
        return f"{self.get_kind_display()}, {self.dated}"


class TripartiteRound(BaseModel):
    """A tripartite round: WG, HIW and Audit Wales share views on every organisation [002 §37, §50]."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    participants = models.ManyToManyField("organisations.Organisation", related_name="+", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("escalation:tripartite-detail", args=[self.pk])


class TripartiteView(BaseModel):
    """The shared view on one organisation and domain, and its recommendation."""

    round = models.ForeignKey(TripartiteRound, on_delete=models.CASCADE, related_name="views")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shared_view = models.TextField(_("shared view"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    recommended_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices, null=True, blank=True)
    decision = models.OneToOneField(
        EscalationDecision, on_delete=models.SET_NULL, null=True, blank=True, related_name="tripartite_view"
    )

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation", "domain"], name="tripartite_view_unique"),
            models.CheckConstraint(
                condition=Q(recommendation="maintain") | Q(recommended_level__isnull=False),
                name="tripartite_move_has_level",
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.organisation.short_name}"

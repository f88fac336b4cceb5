"""Reporting: the measure catalogue, trajectories, monthly performance packs and their contents,
daily system values, SPC change points, and the data behind decision support (suggestion
thresholds, cap rules) and self-testing de-escalation criteria (criterion bindings).

The rules these tables serve live in ``reporting.spc`` (pure); the writes will live in
``reporting.services``. Reference data (the catalogue, thresholds, cap rules) is loaded by
``reporting.reference.seed``.

Pack versions. A pack is one organisation's return for one month. ``revision`` numbers its
versions (1 = first); the inherited ``version`` field is optimistic concurrency, as on every
model. A released pack is never edited: a correction is a new ``Pack`` row with
``revision`` + 1, ``corrects`` pointing at the pack it replaces and a ``correction_reason``.
``is_current`` marks the one version people work with for each (organisation, period); the
service that opens a correction clears it on the earlier version in the same transaction. The
database holds at most one current pack per (organisation, period), only a released pack may
stop being current, and a pack is corrected at most once (``corrects`` is one-to-one), so
the versions form one chain. The released numbers for a month are those of the highest
released revision (``PackQuerySet.latest_released``): while a correction is being prepared,
the earlier released version is still what everyone sees.

Access. Every organisation-scoped model names the path to its organisation in
``access_organisation_field``, read by ``oversight.access``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight.i18n import Bilingual
from oversight.models import BaseModel, private_storage

from .choices import (
    ESCALATION_DOMAIN_FOR_PILLAR,
    SPC_DIRECTION,
    SUGGESTED_LEVELS,
    Comparison,
    Direction,
    Frequency,
    PackStatus,
    Pillar,
    Rag,
    TargetVerified,
    Unit,
    ValueSource,
)

USER = settings.AUTH_USER_MODEL
ORGANISATION = "organisations.Organisation"
VALUE = {"max_digits": 16, "decimal_places": 4}


def _first_of_month(value: date | None, field: str) -> None:
    if value is not None and value.day != 1:
        raise ValidationError({field: _("Give the first day of the month.")})


# --- The measure catalogue --------------------------------------------------------------------


class MeasureQuerySet(models.QuerySet):
    def in_force(self, on: date) -> MeasureQuerySet:
        """Measures collected on ``on``: e.g. the red 8-minute measure until 30 June 2025, the
        median response measures from 1 July 2025."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Measure(BaseModel):
    """A performance measure [DOMAIN "Data and reporting"], seeded from
    ``reporting/data/measures.csv`` and editable by administrators.

    ``target_text`` is the target as the source states it; ``national_target`` is the number
    the analytics compare with, filled only when the text is a plain number or percentage
    (``target_verified`` says how sure it is). ``frequency`` is how often it is collected,
    ``published_frequency`` how often it is published when that differs (e.g. collected
    monthly, published quarterly). Daily variants of the urgent and emergency care measures
    point at their monthly measure through ``variant_of``.
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=300)
    name_cy = models.CharField(_("name (Welsh)"), max_length=300, blank=True)
    pillar = models.CharField(_("pillar"), max_length=30, choices=Pillar.choices)
    area = models.CharField(_("area"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("better when"), max_length=10, choices=Direction.choices)
    national_target = models.DecimalField(_("national target"), null=True, blank=True, **VALUE)
    target_text = models.CharField(_("target, as stated"), max_length=300, blank=True)
    target_verified = models.CharField(
        _("target confirmed"), max_length=10, choices=TargetVerified.choices, default=TargetVerified.NO
    )
    definition = models.TextField(_("definition (English)"), blank=True)
    definition_cy = models.TextField(_("definition (Welsh)"), blank=True)
    frequency = models.CharField(_("collected"), max_length=20, choices=Frequency.choices)
    published_frequency = models.CharField(
        _("published"),
        max_length=20,
        choices=Frequency.choices,
        blank=True,
        help_text=_("Only where it differs from how often it is collected."),
    )
    frequency_text = models.CharField(_("frequency, as stated"), max_length=100, blank=True)
    applies_to = models.CharField(_("applies to"), max_length=200, blank=True)
    variant_of = models.ForeignKey(
        "self",
        verbose_name=_("daily variant of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
    )
    valid_from = models.DateField(
        _("collected from"), null=True, blank=True, help_text=_("Empty: before the product's records begin.")
    )
    valid_to = models.DateField(_("collected until"), null=True, blank=True)
    planning_year = models.CharField(
        _("planning year"),
        max_length=7,
        blank=True,
        help_text=_("The planning year whose framework the definition and target come from, e.g. 2026-27."),
    )
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    display_name = Bilingual("name")
    display_definition = Bilingual("definition")
    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("measure")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="measure_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(planning_year="") | Q(planning_year__regex=r"^\d{4}-\d{2}$"),
                name="measure_planning_year_format",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.display_name}"

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def spc_direction(self):
        return SPC_DIRECTION[Direction(self.direction)]

    @property
    def escalation_domain_code(self) -> str:
        """The code of the 2026 pillar ``escalation.Domain`` this measure bears on."""
        return ESCALATION_DOMAIN_FOR_PILLAR[Pillar(self.pillar)]


class Trajectory(BaseModel):
    """The value an organisation has agreed to reach for a measure in a month, with a tolerance
    (in the measure's unit) within which a miss counts as "within tolerance"."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="trajectories"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="trajectories"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    value = models.DecimalField(_("agreed value"), **VALUE)
    tolerance = models.DecimalField(_("tolerance"), null=True, blank=True, validators=[MinValueValidator(0)], **VALUE)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name", "measure__code", "period"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "measure", "period"], name="trajectory_unique"),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0), name="trajectory_tolerance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}, {self.measure.code}, {self.period:%Y-%m}: {self.value}"

    def clean(self):
        super().clean()
        _first_of_month(self.period, "period")


# --- The pack ---------------------------------------------------------------------------------


class PackQuerySet(models.QuerySet):
    def current(self) -> PackQuerySet:
        """The version people work with: one per (organisation, period)."""
        return self.filter(is_current=True)

    def released(self) -> PackQuerySet:
        return self.filter(status=PackStatus.RELEASED)

    def latest_released(self, *, released_by: date | None = None) -> PackQuerySet:
        """For each (organisation, period), the highest released revision: the released numbers.
        With ``released_by``, the released numbers as they stood that day: only what had been
        released by then counts (a correction released later does not)."""
        released = Pack.objects.released()
        if released_by is not None:
            released = released.filter(released_at__date__lte=released_by)
        highest = (
            released.filter(organisation=OuterRef("organisation"), period=OuterRef("period"))
            .order_by("-revision")
            .values("revision")[:1]
        )
        mine = self.released()
        if released_by is not None:
            mine = mine.filter(released_at__date__lte=released_by)
        return mine.filter(revision=Subquery(highest))


class Pack(BaseModel):
    """One organisation's performance pack for one month: values for every applicable measure,
    a narrative per pillar, risks and mitigations, and (in the quarter's last month) deep-dive
    topics. See the module docstring for versions and corrections."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="packs"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    revision = models.PositiveSmallIntegerField(
        _("pack version"), default=1, validators=[MinValueValidator(1)], help_text=_("1 for the first version.")
    )
    is_current = models.BooleanField(_("current version"), default=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PackStatus.choices, default=PackStatus.DRAFT)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    returned_comment = models.TextField(_("comments on return"), blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()
    objects = PackQuerySet.as_manager()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-period", "organisation__name", "-revision"]
        verbose_name = _("performance pack")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period", "revision"], name="pack_revision_unique"),
            models.UniqueConstraint(
                fields=["organisation", "period"], condition=Q(is_current=True), name="pack_one_current_per_period"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="pack_revision_positive"),
            models.CheckConstraint(
                condition=(Q(revision=1) & Q(corrects__isnull=True))
                | (Q(revision__gt=1) & Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="pack_correction_has_previous_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_current=True) | Q(status=PackStatus.RELEASED), name="pack_superseded_only_when_released"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PackStatus.VALIDATED, PackStatus.RELEASED]) | Q(validated_at__isnull=False),
                name="pack_validated_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=PackStatus.RELEASED) | Q(released_at__isnull=False),
                name="pack_released_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=PackStatus.RETURNED) | ~Q(returned_comment=""),
                name="pack_returned_has_comment",
            ),
        ]

    def __str__(self):
        label = f"{self.organisation}, {self.period:%B %Y}"
        return label if self.revision == 1 else f"{label} (version {self.revision})"

    def clean(self):
        super().clean()
        _first_of_month(self.period, "period")
        if (
            self.corrects_id
            and self.corrects
            and (
                self.corrects.organisation_id != self.organisation_id
                or self.corrects.period != self.period
                or self.corrects.revision != self.revision - 1
            )
        ):
            raise ValidationError({"corrects": _("A correction replaces the previous version of the same pack.")})

    def get_absolute_url(self):
        return reverse("reporting:pack-detail", args=[self.pk])

    @property
    def is_released(self) -> bool:
        return self.status == PackStatus.RELEASED

    @property
    def is_quarter_end(self) -> bool:
        return self.period.month in (3, 6, 9, 12)

    def is_late(self, today: date | None = None) -> bool:
        """Submitted after the due date, or not yet submitted and the due date has passed."""
        if self.due_on is None:
            return False
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_on
        return (today or timezone.localdate()) > self.due_on


class PackValue(BaseModel):
    """One measure's value in a pack. A missing value needs a reason."""

    pack = models.ForeignKey(Pack, verbose_name=_("pack"), on_delete=models.CASCADE, related_name="values")
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    not_available_reason = models.CharField(_("why there is no value"), max_length=300, blank=True)
    source = models.CharField(_("entered by"), max_length=10, choices=ValueSource.choices, default=ValueSource.FORM)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "pack__organisation"

    class Meta:
        ordering = ["pack", "measure__order", "measure__code"]
        verbose_name = _("pack value")
        constraints = [
            models.UniqueConstraint(fields=["pack", "measure"], name="pack_value_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(not_available_reason=""), name="pack_value_missing_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.measure.code}: {self.value if self.value is not None else '—'}"


class PillarNarrative(BaseModel):
    pack = models.ForeignKey(Pack, verbose_name=_("pack"), on_delete=models.CASCADE, related_name="narratives")
    pillar = models.CharField(_("pillar"), max_length=30, choices=Pillar.choices)
    text = models.TextField(_("narrative"))

    history = HistoricalRecords()
    access_organisation_field = "pack__organisation"

    class Meta:
        ordering = ["pack", "pillar"]
        verbose_name = _("pillar narrative")
        constraints = [models.UniqueConstraint(fields=["pack", "pillar"], name="pillar_narrative_unique")]

    def __str__(self):
        return f"{self.pack}: {self.get_pillar_display()}"


class PackRisk(BaseModel):
    """A risk the organisation reports, with its mitigation. Rated on the usual NHS 5 × 5 matrix:
    likelihood and consequence each 1-5; the score is their product (1-25) and its RAG follows
    the usual bands (15-25 red, 8-12 amber, 1-6 green)."""

    pack = models.ForeignKey(Pack, verbose_name=_("pack"), on_delete=models.CASCADE, related_name="risks")
    pillar = models.CharField(_("pillar"), max_length=30, choices=Pillar.choices, blank=True)
    description = models.TextField(_("risk"))
    mitigation = models.TextField(_("mitigation"), blank=True)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    consequence = models.PositiveSmallIntegerField(
        _("consequence (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    history = HistoricalRecords()
    access_organisation_field = "pack__organisation"

    class Meta:
        ordering = ["pack", "-created_at"]
        verbose_name = _("pack risk")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="pack_risk_likelihood_range"
            ),
            models.CheckConstraint(
                condition=Q(consequence__gte=1, consequence__lte=5), name="pack_risk_consequence_range"
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def rag(self) -> str:
        return Rag.RED if self.score >= 15 else Rag.AMBER if self.score >= 8 else Rag.GREEN


class DeepDiveTopic(BaseModel):
    """A quarterly deep dive, attached to the pack of the quarter's last month."""

    pack = models.ForeignKey(Pack, verbose_name=_("pack"), on_delete=models.CASCADE, related_name="deep_dives")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()
    access_organisation_field = "pack__organisation"

    class Meta:
        ordering = ["pack", "title"]
        verbose_name = _("deep-dive topic")
        constraints = [models.UniqueConstraint(fields=["pack", "title"], name="deep_dive_title_unique")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.pack_id and not self.pack.is_quarter_end:
            raise ValidationError({"pack": _("Deep dives go with the pack of a quarter's last month.")})


# --- Daily system reporting -------------------------------------------------------------------


class DailyValue(BaseModel):
    """One day's value of a daily measure, for the system dashboard."""

    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="daily_values"
    )
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(_("entered by"), max_length=10, choices=ValueSource.choices, default=ValueSource.API)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-day", "organisation__name", "measure__code"]
        verbose_name = _("daily value")
        constraints = [models.UniqueConstraint(fields=["organisation", "measure", "day"], name="daily_value_unique")]

    def __str__(self):
        return f"{self.organisation}, {self.measure.code}, {self.day}: {self.value}"


# --- SPC change points ------------------------------------------------------------------------


class ChangePoint(BaseModel):
    """A recorded date at which SPC limits are recalculated (a rebase), for one organisation or,
    with no organisation, for every organisation (e.g. a change of definition). Optionally the
    new segment's limits are frozen after ``baseline_points`` points."""

    organisation = models.ForeignKey(
        ORGANISATION,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: applies to every organisation."),
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="change_points"
    )
    changed_on = models.DateField(_("changed on"))
    reason = models.TextField(_("reason"))
    baseline_points = models.PositiveSmallIntegerField(
        _("freeze limits after this many points"), null=True, blank=True, validators=[MinValueValidator(2)]
    )

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["measure__code", "changed_on"]
        verbose_name = _("SPC change point")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "measure", "changed_on"],
                condition=Q(organisation__isnull=False),
                name="change_point_unique",
            ),
            models.UniqueConstraint(
                fields=["measure", "changed_on"],
                condition=Q(organisation__isnull=True),
                name="change_point_unique_all_organisations",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="change_point_has_reason"),
        ]

    def __str__(self):
        return f"{self.measure.code} from {self.changed_on}"


# --- Decision support (advisory) --------------------------------------------------------------


class SuggestionThreshold(BaseModel):
    """Maps a pillar's average measure score (1 best, 4 worst) to a suggested level: the lowest
    level whose ``max_average`` the average does not exceed. Level 4 has no upper bound. Level
    5 is never suggested. Defaults 1.75, 2.5 and 3.25."""

    level = models.PositiveSmallIntegerField(
        _("suggested level"), unique=True, choices=[(level, str(level)) for level in SUGGESTED_LEVELS]
    )
    max_average = models.DecimalField(
        _("up to and including average score"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty for level 4: any higher average."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]
        verbose_name = _("suggestion threshold")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="suggestion_threshold_level_range"),
            models.CheckConstraint(
                condition=Q(max_average__isnull=True) | Q(max_average__gte=1, max_average__lte=4),
                name="suggestion_threshold_average_range",
            ),
        ]

    def __str__(self):
        if self.max_average is None:
            return f"level {self.level}: above the others"
        return f"level {self.level}: average ≤ {self.max_average}"


class CapRule(BaseModel):
    """ "No better than level N in a pillar when a measure's latest released value meets a
    condition", e.g. failing the break-even duty ⇒ no better than level 3 in Finance."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    pillar = models.CharField(_("pillar"), max_length=30, choices=Pillar.choices)
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="cap_rules")
    operator = models.CharField(_("when the value is"), max_length=2, choices=Comparison.choices)
    threshold = models.DecimalField(_("threshold"), **VALUE)
    minimum_level = models.PositiveSmallIntegerField(
        _("no better than level"), choices=[(level, str(level)) for level in SUGGESTED_LEVELS]
    )
    active = models.BooleanField(_("in use"), default=True)
    reference = models.CharField(_("source"), max_length=200, blank=True)

    display_name = Bilingual("name")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pillar", "code"]
        verbose_name = _("cap rule")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_level__gte=1, minimum_level__lte=4), name="cap_rule_level_range"
            ),
        ]

    def __str__(self):
        return self.display_name


# --- Criteria that test themselves ------------------------------------------------------------


class CriterionBinding(BaseModel):
    """Binds a de-escalation criterion to a measure and a condition, e.g. "ED 12-hour waits ≤ 500
    for 3 consecutive released months". Evaluated from released packs only."""

    criterion = models.OneToOneField(
        "escalation.DeescalationCriterion",
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="measure_binding",
    )
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(_("when the value is"), max_length=2, choices=Comparison.choices)
    threshold = models.DecimalField(_("threshold"), **VALUE)
    consecutive_months = models.PositiveSmallIntegerField(
        _("for this many consecutive released months"), default=1, validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()
    access_organisation_field = "criterion__organisation"

    class Meta:
        verbose_name = _("criterion binding")
        constraints = [
            models.CheckConstraint(condition=Q(consecutive_months__gte=1), name="criterion_binding_months_positive"),
        ]

    def __str__(self):
        return (
            f"{self.measure.code} {self.get_operator_display()} {self.threshold} for {self.consecutive_months} month(s)"
        )


# --- Uploads run in the background ------------------------------------------------------------


class UploadJob(BaseModel):
    """An uploaded file of values, stored whole or not at all by a Celery task, whose progress
    the uploader watches in the page. The file's bytes are kept in the row (uploads are small:
    10,000 values are about 0.5 MB) so that any worker can read them without shared storage.

    Not in the history: it records the work, not the data. The values it stores are recorded
    in their own history, naming the uploader. Only its uploader sees it
    (``oversight.access``)."""

    class Kind(models.TextChoices):
        PACK = "pack", _("One pack")
        BULK = "bulk", _("Many packs")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking and storing")
        STORED = "stored", _("Stored")
        REFUSED = "refused", _("Refused: nothing stored")
        FAILED = "failed", _("Failed: nothing stored")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pack = models.ForeignKey(
        Pack, verbose_name=_("pack"), on_delete=models.CASCADE, null=True, blank=True, related_name="uploads"
    )
    expected_version = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows read"), null=True, blank=True)
    stored = models.PositiveIntegerField(_("values stored"), null=True, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # The id of the Celery task that started it: a retry of that task (same id) may take it up
    # again while it is still marked running (reporting.uploads.upload_process).
    started_by_task = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload")

    def __str__(self):
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.STORED, self.Status.REFUSED, self.Status.FAILED)


# --- Documents: letters and PDFs ----------------------------------------------------------------


def document_path(instance: Document, filename: str) -> str:
    # Named by register number, never by anything a user typed.
    return f"documents/{instance.issued_on:%Y/%m}/{instance.register_number}.pdf"


class RegisterCounter(models.Model):
    """The last register number given in a year (``WG-2026-0042`` is 42 in 2026): one row a
    year, locked (``SELECT ... FOR UPDATE``) while a document takes the next number and is saved,
    so two workers issuing side by side never take the same one (reporting.documents)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register counter")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Document(BaseModel):
    """A letter or PDF produced by the service: drafted (editable text), approved by the
    signatory's role, then issued. Issuing renders the PDF (``reporting.tasks.issue_document``),
    stores its exact bytes privately with their sha256, and gives a register number; an issued
    document never changes. A correction is a re-issue: a new draft whose ``replaces`` points at
    the issued document it corrects. The writes are in ``reporting.documents``; the framework's
    rules (who approves what, the register number) in ``reporting.rules``."""

    class Kind(models.TextChoices):
        ESCALATION_NOTIFICATION = "escalation_notification", _("Escalation or de-escalation notification")
        LETTER_OF_CONCERN = "letter_of_concern", _("Letter of concern or performance notice")
        POST_MEETING_LETTER = "post_meeting_letter", _("Post-meeting letter")
        AGENDA_PACK = "agenda_pack", _("Agenda pack")
        PERFORMANCE_PACK = "performance_pack", _("Performance pack")
        PUBLIC_SUMMARY = "public_summary", _("Public accountability summary")
        ACCOUNTABLE_OFFICER_LETTER = "accountable_officer_letter", _("Accountable Officer letter")
        SYSTEM_SYNTHESIS = "system_synthesis", _("NHS P&I monthly system synthesis")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        WELSH = "cy", _("Welsh")
        BILINGUAL = "bilingual", _("Welsh and English")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=300)
    title_cy = models.CharField(_("title (Welsh)"), max_length=300, blank=True)
    body = models.TextField(_("text (English)"), blank=True, help_text=_("Paragraphs separated by a blank line."))
    body_cy = models.TextField(
        _("text (Welsh)"),
        blank=True,
        help_text=_("For a Welsh or bilingual document. Paragraphs separated by a blank line."),
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "escalation.EscalationDecision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "escalation.EscalationCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("meeting"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pack = models.ForeignKey(
        Pack, verbose_name=_("pack"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("level concerned"), null=True, blank=True, help_text=_("For a notification: the level it notifies.")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("For a yearly document: the year it covers (e.g. 2026).")
    )
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("For a monthly document: the month."))
    batch = models.ForeignKey(
        "DocumentBatch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    addressee_name = models.CharField(_("addressee"), max_length=200)
    addressee_role = models.CharField(_("addressee's role"), max_length=200, blank=True)
    signatory = models.ForeignKey(
        USER, verbose_name=_("signatory"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signatory_role = models.CharField(_("signatory's role"), max_length=200, blank=True)
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    register_number = models.CharField(_("register number"), max_length=20, unique=True, null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(_("PDF"), storage=private_storage, upload_to=document_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text=_("For a correction: the issued document this one replaces."),
    )
    reissue_reason = models.TextField(_("why it is re-issued"), blank=True)

    display_title = Bilingual("title")  # the title in the active language (Welsh when there is one)
    history = HistoricalRecords()

    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="issued")
                | (
                    Q(register_number__isnull=False)
                    & Q(issued_on__isnull=False)
                    & ~Q(sha256="")
                    & ~Q(file="")
                    & Q(page_count__isnull=False)
                ),
                name="document_issued_has_number_file_checksum",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reissue_reason=""), name="document_reissue_has_reason"
            ),
        ]

    def __str__(self):
        return self.register_number or self.title

    def get_absolute_url(self):
        return reverse("reporting:document-detail", args=[self.pk])

    def paragraphs(self, language: str) -> list[str]:
        """The text in ``language`` ("en" or "cy") as paragraphs."""
        text = self.body_cy if language == "cy" else self.body
        return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class DocumentBatch(BaseModel):
    """A set of documents drafted together and issued together, e.g. "all post-meeting letters
    for this month's reviews". Issuing a batch runs one Celery group (one task per document);
    its progress is the share of its documents issued. Issuing it again issues nothing twice,
    since each document is issued once (``reporting.documents``)."""

    kind = models.CharField(_("kind"), max_length=30, choices=Document.Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("The first day of the month it covers."))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issue_started_at = models.DateTimeField(_("issue started"), null=True, blank=True)
    issue_started_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    task_group_id = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document batch")
        verbose_name_plural = _("document batches")

    def __str__(self):
        return self.title


class PublishedDecision(BaseModel):
    """A decision made public: the public fields copied from the decision by an explicit act of a
    Welsh Government user (``reporting.publication``). The public register reads only these
    records, never the decision, so the rationale as drafted, sign-off names and evidence cannot
    appear there. Withdrawing it from the register keeps the record, with the reason."""

    decision = models.OneToOneField(
        "escalation.EscalationDecision", on_delete=models.PROTECT, related_name="publication"
    )
    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    scope_key = models.CharField(max_length=220, db_index=True)
    scope_label = models.CharField(_("scope"), max_length=300)
    scope_label_cy = models.CharField(_("scope (Welsh)"), max_length=300, blank=True)
    from_level = models.PositiveSmallIntegerField(_("from level"))
    to_level = models.PositiveSmallIntegerField(_("to level"))
    decided_on = models.DateField(_("decided on"))
    effective_from = models.DateField(_("effective from"))
    summary = models.TextField(_("summary of the reasons (English)"))
    summary_cy = models.TextField(_("summary of the reasons (Welsh)"), blank=True)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn from the register on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)

    history = HistoricalRecords()

    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-effective_from", "organisation__name"]
        verbose_name = _("published decision")
        indexes = [models.Index(fields=["organisation", "scope_key", "effective_from"])]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="published_decision_has_summary"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawn_reason=""),
                name="published_decision_withdrawal_has_reason",
            ),
        ]

    display_scope = Bilingual("scope_label")
    display_summary = Bilingual("summary")

    def __str__(self):
        return f"{self.organisation_id}: {self.scope_label} {self.from_level} → {self.to_level}"

    @property
    def level_name(self) -> str:
        from escalation.choices import Level

        return str(Level(self.to_level).label)


class PublishedDocument(BaseModel):
    """An issued document made public (a public accountability summary, for instance): its public
    fields copied, and its PDF served without sign-in while the record is not withdrawn."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="publication")
    organisation = models.ForeignKey(ORGANISATION, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Document.Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    title_cy = models.CharField(_("title (Welsh)"), max_length=300, blank=True)
    register_number = models.CharField(_("register number"), max_length=20)
    issued_on = models.DateField(_("issued on"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn from the register on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)

    history = HistoricalRecords()

    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-published_on", "organisation__name"]
        verbose_name = _("published document")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawn_reason=""),
                name="published_document_withdrawal_has_reason",
            ),
        ]

    display_title = Bilingual("title")

    def __str__(self):
        return self.register_number

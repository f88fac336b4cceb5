"""Reads for accountability. Each starts from what the user may see and makes a fixed number of
queries however many objectives, flexibilities, assessments, syntheses or organisations there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from escalation import selectors as escalation_selectors
from meetings.choices import CadenceRule, MeetingScope, MeetingStatus
from meetings.models import CadencePolicy, Meeting, MeetingType, PublicAccountabilitySetting
from organisations.models import Organisation
from oversight import access
from oversight.models import Attachment
from reporting.models import Document

from . import rules
from .choices import WellLedArea
from .models import (
    ChairObjective,
    Flexibility,
    SynthesisEntry,
    SynthesisRecommendation,
    SystemSynthesis,
    WellLedAssessment,
    WellLedRating,
)

OVERSIGHT_MEETING_TYPE = "wg_nhspi_oversight"
CHAIR_REVIEW_TYPE = "chair_review"


def _get(queryset: QuerySet, pk, what: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(f"No such {what}, or it is not yours to see.") from error


def attachments_of(obj) -> QuerySet[Attachment]:
    """The files filed against ``obj`` (evidence), oldest first (one query)."""
    return Attachment.objects.filter(
        target_type=ContentType.objects.get_for_model(type(obj)), target_id=str(obj.pk)
    ).order_by("created_at")


# --- Chair objectives -----------------------------------------------------------------------


def objective_list(*, user) -> QuerySet[ChairObjective]:
    return access.restrict(ChairObjective.objects.select_related("organisation", "set_by"), user).order_by(
        "organisation__name", "-year", "pk"
    )


def objective_get(*, user, pk) -> ChairObjective:
    return _get(objective_list(user=user), pk, "objective")


# --- Flexibilities --------------------------------------------------------------------------


def flexibility_list(*, user) -> QuerySet[Flexibility]:
    return access.restrict(Flexibility.objects.select_related("organisation", "granted_by"), user).order_by(
        "-granted_on", "pk"
    )


# --- Well-led self-assessments --------------------------------------------------------------


def assessment_list(*, user) -> QuerySet[WellLedAssessment]:
    return access.restrict(
        WellLedAssessment.objects.select_related("organisation", "submitted_by", "assessed_by", "concern"), user
    ).order_by("organisation__name", "-year")


def assessment_get(*, user, pk) -> WellLedAssessment:
    return _get(assessment_list(user=user).prefetch_related("ratings"), pk, "self-assessment")


@dataclass
class AreaRow:
    area: str
    label: str
    rating: WellLedRating | None

    @property
    def self_rating(self) -> int | None:
        return self.rating.self_rating if self.rating else None

    @property
    def nhspi_rating(self) -> int | None:
        return self.rating.nhspi_rating if self.rating else None


def area_rows(assessment: WellLedAssessment) -> list[AreaRow]:
    """The six areas in the framework's order, each with its rating row (prefetched)."""
    by_area = {r.area: r for r in assessment.ratings.all()}
    return [AreaRow(area=code, label=str(label), rating=by_area.get(code)) for code, label in WellLedArea.choices]


def self_ratings(assessment: WellLedAssessment) -> dict[str, int | None]:
    return {row.area: row.self_rating for row in area_rows(assessment)}


def nhspi_ratings(assessment: WellLedAssessment) -> dict[str, int | None]:
    return {row.area: row.nhspi_rating for row in area_rows(assessment)}


def latest_assessment(organisation: Organisation) -> WellLedAssessment | None:
    """The organisation's latest submitted self-assessment, with its ratings (two queries)."""
    return (
        WellLedAssessment.objects.filter(organisation=organisation)
        .exclude(status="draft")
        .prefetch_related("ratings")
        .order_by("-year")
        .first()
    )


# --- Earned autonomy ------------------------------------------------------------------------


@dataclass(frozen=True)
class BurdenRow:
    meeting_type: MeetingType
    current: Fraction | None
    routine: Fraction | None
    current_interval: int | None
    routine_interval: int | None

    @property
    def current_display(self) -> str:
        return rules.as_number(self.current) if self.current is not None else "0"

    @property
    def routine_display(self) -> str:
        return rules.as_number(self.routine) if self.routine is not None else "0"


@dataclass
class EarnedAutonomy:
    organisation: Organisation
    on: date
    level: int
    current: rules.Burden
    routine: rules.Burden
    rows: list[BurdenRow] = field(default_factory=list)

    @property
    def extra(self) -> Fraction:
        return rules.burden_saving(current=self.current, routine=self.routine)

    @property
    def current_total(self) -> str:
        return rules.as_number(self.current.total)

    @property
    def routine_total(self) -> str:
        return rules.as_number(self.routine.total)

    @property
    def extra_display(self) -> str:
        return rules.as_number(self.extra)


def meeting_policies(*, on: date) -> tuple[dict[str, dict[int, int]], dict[str, MeetingType]]:
    """The months between meetings by level of every level-driven meeting type held with an
    organisation and in force on ``on`` (``CadencePolicy.objects.table``), and those types."""
    types = {
        t.code: t
        for t in MeetingType.objects.in_force(on).filter(
            cadence_rule=CadenceRule.LEVEL_DRIVEN, scope=MeetingScope.ORGANISATION
        )
    }
    return {code: CadencePolicy.objects.table(t, on=on) for code, t in types.items()}, types


def earned_autonomy(organisation: Organisation, *, on: date) -> EarnedAutonomy:
    """The organisation's meeting burden at its driving level on ``on`` beside the burden at
    level 1, from the cadence policy data [001 §7.1]: the level-driven reviews (CEO/Executive
    Review, Chair's objectives review, Whole Board meeting at level 5) and the Public
    Accountability Meeting(s) held whatever the level. A few queries, one per level-driven type."""
    driving = escalation_selectors.driving_levels(on=on).get(organisation.pk)
    level = driving.level if driving else 1
    policies, types = meeting_policies(on=on)
    fixed: dict[str, int] = {}
    public = MeetingType.objects.in_force(on).filter(code="public_accountability").first()
    if public is not None:
        setting = PublicAccountabilitySetting.objects.filter(organisation=organisation).first()
        fixed[public.code] = setting.interval_months if setting else (public.interval_months or 12)
        types[public.code] = public
    current = rules.meeting_burden(level=level, policies=policies, fixed=fixed)
    routine = rules.meeting_burden(level=1, policies=policies, fixed=fixed)
    now, base = current.per_type(), routine.per_type()
    intervals = {**{code: table.get(level) for code, table in policies.items()}, **fixed}
    routine_intervals = {**{code: table.get(1) for code, table in policies.items()}, **fixed}
    rows = [
        BurdenRow(
            meeting_type=meeting_type,
            current=now.get(code),
            routine=base.get(code),
            current_interval=intervals.get(code),
            routine_interval=routine_intervals.get(code),
        )
        for code, meeting_type in sorted(types.items(), key=lambda item: (item[1].order, item[0]))
    ]
    return EarnedAutonomy(organisation=organisation, on=on, level=level, current=current, routine=routine, rows=rows)


# --- Accountable Officer letters ------------------------------------------------------------


def ao_letters(*, user, organisation: Organisation) -> QuerySet[Document]:
    """The organisation's Accountable Officer letters the user may see (its own people see
    issued ones only), latest year first."""
    return (
        access.restrict_documents(Document.objects.all(), user)
        .filter(organisation=organisation, kind=Document.Kind.ACCOUNTABLE_OFFICER_LETTER)
        .order_by("-year", "-created_at")
    )


# --- The monthly system synthesis -----------------------------------------------------------


def can_see_syntheses(user) -> bool:
    return access.can(user, "accountability.synthesis.view")


def require_synthesis_view(user) -> None:
    """The synthesis is for Welsh Government and NHS P&I: anyone else is answered as if it did
    not exist (404), list included."""
    if not can_see_syntheses(user):
        raise Http404("No such synthesis, or it is not yours to see.")


def synthesis_list(*, user) -> QuerySet[SystemSynthesis]:
    if not can_see_syntheses(user):
        return SystemSynthesis.objects.none()
    return (
        SystemSynthesis.objects.select_related("meeting", "document", "signed_off_by")
        .annotate(organisation_count=Count("entries", distinct=True))
        .order_by("-month")
    )


def synthesis_get(*, user, pk) -> SystemSynthesis:
    require_synthesis_view(user)
    recommendations = SynthesisRecommendation.objects.select_related(
        "domain", "decision", "entry__organisation"
    ).order_by("pk")
    entries = SynthesisEntry.objects.select_related("organisation").prefetch_related(
        Prefetch("recommendations", queryset=recommendations)
    )
    queryset = SystemSynthesis.objects.select_related("meeting", "document", "signed_off_by").prefetch_related(
        Prefetch("entries", queryset=entries.order_by("order", "organisation__name"))
    )
    return _get(queryset, pk, "synthesis")


def entry_queryset(*, user) -> QuerySet[SynthesisEntry]:
    if not can_see_syntheses(user):
        return SynthesisEntry.objects.none()
    recommendations = SynthesisRecommendation.objects.select_related("domain", "entry__organisation").order_by("pk")
    return SynthesisEntry.objects.select_related("organisation", "synthesis").prefetch_related(
        Prefetch("recommendations", queryset=recommendations)
    )


def recommendation_queryset(*, user) -> QuerySet[SynthesisRecommendation]:
    if not can_see_syntheses(user):
        return SynthesisRecommendation.objects.none()
    return SynthesisRecommendation.objects.select_related(
        "entry__synthesis", "entry__organisation", "domain", "decision"
    )


def entry_get(*, user, pk) -> SynthesisEntry:
    require_synthesis_view(user)
    return _get(SynthesisEntry.objects.select_related("synthesis", "organisation"), pk, "entry")


def recommendation_get(*, user, pk) -> SynthesisRecommendation:
    require_synthesis_view(user)
    return _get(
        SynthesisRecommendation.objects.select_related("entry__synthesis", "entry__organisation", "domain"),
        pk,
        "recommendation",
    )


def oversight_meeting_in(month: date) -> Meeting | None:
    """The month's WG–NHS P&I Oversight Meeting, if one is arranged (the planner's slot for the
    month, or any meeting of the type that month), not cancelled."""
    meetings = Meeting.objects.filter(meeting_type__code=OVERSIGHT_MEETING_TYPE).exclude(status=MeetingStatus.CANCELLED)
    planned = meetings.filter(plan_period=f"{month:%Y-%m}").first()
    if planned is not None:
        return planned
    return meetings.filter(starts_at__year=month.year, starts_at__month=month.month).order_by("starts_at").first()


def synthesis_for_meeting(*, user, meeting: Meeting) -> SystemSynthesis | None:
    if not can_see_syntheses(user):
        return None
    return SystemSynthesis.objects.filter(meeting=meeting).select_related("document").first()

"""Decision support: a suggested level per organisation and pillar, from released data. Advisory
only: it never changes a level, and it is shown only to those who advise or decide
(``reporting.suggestions.view``).

For each pillar, transparently:

1. each applicable measure (in force, applying to the organisation, not a daily measure) with
   its latest released value (the latest released revision of each pack; drafts and packs
   awaiting validation never count);
2. each scored 1 (best) to 4 against its national target (``rules.measure_score``); a measure
   with no national target, a context-only measure or one with no released value is listed
   but not scored;
3. the scores averaged (``rules.pillar_average``) and mapped to a level 1-4 by the thresholds
   held as data (``SuggestionThreshold``; defaults 1.75, 2.5 and 3.25 where a row is missing);
4. capped by each active ``CapRule`` of the pillar whose measure's latest released value meets
   its condition (e.g. failing break-even: no better than level 3 in Finance).

Level 5 (special measures) is never suggested. A pillar with nothing to score has no suggestion,
and says why (``PillarSuggestion.reason``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .choices import ESCALATION_DOMAIN_FOR_PILLAR, Frequency, Pillar
from .models import CapRule, Measure, Pack, PackValue, SuggestionThreshold


@dataclass(frozen=True)
class MeasureScore:
    measure: Measure
    period: date | None  # the month of the latest released value; None when there is none
    value: Decimal | None
    target: Decimal | None
    score: int | None  # 1 best to 4 worst; None when the measure cannot be scored


@dataclass(frozen=True)
class CapApplied:
    rule: CapRule
    value: Decimal  # the latest released value that fired it
    period: date | None = None


@dataclass(frozen=True)
class PillarSuggestion:
    organisation_id: int
    pillar: str
    scores: tuple[MeasureScore, ...]
    average: Decimal | None
    uncapped_level: int | None
    level: int | None
    caps: tuple[CapApplied, ...]
    thresholds: tuple[Decimal, ...] = rules.DEFAULT_THRESHOLDS  # upper bounds for levels 1, 2 and 3

    @property
    def pillar_label(self) -> str:
        return Pillar(self.pillar).label

    @property
    def scored(self) -> tuple[MeasureScore, ...]:
        return tuple(s for s in self.scores if s.score is not None)

    @property
    def capped(self) -> bool:
        """Did a cap make the suggestion worse than the average alone would?"""
        return self.level is not None and self.level != self.uncapped_level

    @property
    def reason(self) -> str:
        """Why there is no suggestion; empty when there is one."""
        if self.level is not None:
            return ""
        if not any(s.value is not None for s in self.scores):
            return _("There are no released values for this pillar’s measures, so there is nothing to score.")
        return _(
            "None of this pillar’s measures with a released value has a national target to score it against, "
            "so there is nothing to average."
        )


def pillar_for_domain(domain_code: str) -> str | None:
    """The pillar of a 2026 escalation domain's code (``ESCALATION_DOMAIN_FOR_PILLAR``), if any."""
    return next((str(p) for p, code in ESCALATION_DOMAIN_FOR_PILLAR.items() if code == domain_code), None)


def thresholds() -> tuple[Decimal, ...]:
    """The upper bounds of the average score for levels 1, 2 and 3, from the data (one query)."""
    held = {t.level: t.max_average for t in SuggestionThreshold.objects.filter(level__lte=3, max_average__isnull=False)}
    return tuple(held.get(level, default) for level, default in zip((1, 2, 3), rules.DEFAULT_THRESHOLDS, strict=True))


def suggestions(
    organisation, *, pillars: Iterable[str] | None = None, on: date | None = None
) -> list[PillarSuggestion]:
    """One organisation's suggestion for each pillar (or the pillars asked for), in pillar order."""
    return suggestions_for([organisation], pillars=pillars, on=on)[organisation.pk]


def suggestions_for(
    organisations, *, pillars: Iterable[str] | None = None, on: date | None = None
) -> dict[int, list[PillarSuggestion]]:
    """Suggestions for many organisations, by organisation id, in four queries however many
    there are: the measures, the latest released values, the thresholds and the cap rules."""
    on = on or timezone.localdate()
    organisations = list(organisations)
    wanted = [str(p) for p in Pillar] if pillars is None else [str(Pillar(p)) for p in pillars]
    measures = [
        m for m in Measure.objects.exclude(frequency=Frequency.DAILY).order_by("order", "code") if m.in_force_on(on)
    ]
    latest = _latest_released_values([o.pk for o in organisations], on=on)
    bounds = thresholds()
    caps = list(CapRule.objects.filter(active=True, pillar__in=wanted).select_related("measure").order_by("code"))
    found: dict[int, list[PillarSuggestion]] = {}
    for organisation in organisations:
        values = latest.get(organisation.pk, {})
        applicable = [
            m
            for m in measures
            if rules.measure_applies(applies_to=m.applies_to, kind=organisation.kind, code=organisation.code)
        ]
        found[organisation.pk] = [
            _suggestion(
                organisation.pk,
                pillar,
                measures=[m for m in applicable if m.pillar == pillar],
                values=values,
                bounds=bounds,
                caps=[c for c in caps if c.pillar == pillar],
            )
            for pillar in wanted
        ]
    return found


def _suggestion(organisation_id, pillar, *, measures, values, bounds, caps) -> PillarSuggestion:
    scores = []
    for measure in measures:
        period, value = values.get(measure.pk, (None, None))
        scores.append(
            MeasureScore(
                measure=measure,
                period=period,
                value=value,
                target=measure.national_target,
                score=rules.measure_score(value=value, target=measure.national_target, direction=measure.direction),
            )
        )
    average = rules.pillar_average(s.score for s in scores)
    uncapped = rules.suggested_level(average, bounds)
    applied = []
    for cap in caps:
        period, value = values.get(cap.measure_id, (None, None))
        if rules.cap_applies(value=value, operator=cap.operator, threshold=cap.threshold):
            applied.append(CapApplied(rule=cap, value=value, period=period))
    level = rules.apply_caps(uncapped, [c.rule.minimum_level for c in applied])
    return PillarSuggestion(
        organisation_id=organisation_id,
        pillar=pillar,
        scores=tuple(scores),
        average=average,
        uncapped_level=uncapped,
        level=level,
        caps=tuple(applied),
        thresholds=bounds,
    )


def _latest_released_values(organisation_ids, *, on: date) -> dict[int, dict[int, tuple[date, Decimal]]]:
    """For each organisation, each measure's latest value released by ``on`` (organisation →
    measure id → (month, value)), in one query: values recorded as missing are passed over."""
    rows = (
        PackValue.objects.filter(
            pack__in=Pack.objects.latest_released(released_by=on)
            .filter(organisation_id__in=organisation_ids, period__lte=on)
            .values("pk"),
            value__isnull=False,
        )
        .values_list("pack__organisation_id", "measure_id", "pack__period", "value")
        .order_by("pack__organisation_id", "measure_id", "pack__period")
    )
    found: dict[int, dict[int, tuple[date, Decimal]]] = defaultdict(dict)
    for organisation_id, measure_id, period, value in rows:
        found[organisation_id][measure_id] = (period, value)  # ordered by month: the last one wins
    return found

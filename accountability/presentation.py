"""The synthesis's stored facts (plain JSON, kept as found) as the page and the PDF show them: one
reading for both, so the paper and the screen say the same. Labels are looked up in the active
language when shown; the dates are turned back into dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from escalation.choices import CasePhase, ConcernSource, Level, Severity
from plans.choices import SubmissionKind
from reporting.choices import Pillar

from .models import SynthesisEntry, SynthesisRecommendation, SystemSynthesis


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def overdue_kind_label(kind: str) -> str:
    return {
        "criteria": _("De-escalation criteria"),
        "condition": _("Accountability condition"),
        "submission": _("Required submission"),
    }.get(kind, kind)


def pillar_rows(synthesis: SystemSynthesis) -> list[dict]:
    rows = []
    for row in (synthesis.figures or {}).get("pillars", []):
        rows.append(
            {
                **row,
                "label": _label(Pillar, row["pillar"]),
                "latest_period": _date(row.get("latest_period")),
            }
        )
    return rows


def level_rows(synthesis: SystemSynthesis) -> list[dict]:
    levels = (synthesis.figures or {}).get("levels", {})
    return [
        {"level": level, "name": str(Level(level).label), "count": levels.get(str(level), 0)} for level in range(1, 6)
    ]


@dataclass
class EntryView:
    entry: SynthesisEntry
    level: int
    level_name: str
    signals_by_pillar: list[tuple[str, list[dict]]] = field(default_factory=list)
    concerns: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    level_changes: list[dict] = field(default_factory=list)
    recommendations: list[SynthesisRecommendation] = field(default_factory=list)

    @property
    def organisation(self):
        return self.entry.organisation

    @property
    def concerning(self) -> int:
        return sum(len([s for s in signals if s["kind"] == "concerning"]) for _p, signals in self.signals_by_pillar)


def entries_of(synthesis: SystemSynthesis) -> list[SynthesisEntry]:
    """The synthesis's entries with their recommendations: prefetched by ``selectors.synthesis_get``,
    or loaded here in two queries."""
    cache = getattr(synthesis, "_prefetched_objects_cache", {})
    if "entries" in cache:
        return list(synthesis.entries.all())
    recommendations = SynthesisRecommendation.objects.select_related("domain", "decision").order_by("pk")
    return list(
        synthesis.entries.select_related("organisation")
        .prefetch_related(Prefetch("recommendations", queryset=recommendations))
        .order_by("order", "organisation__name")
    )


def entry_view(entry: SynthesisEntry) -> EntryView:
    facts = entry.facts or {}
    level = facts.get("level", 1)
    by_pillar: dict[str, list[dict]] = {}
    for signal in facts.get("signals", []):
        by_pillar.setdefault(signal["pillar"], []).append(
            {
                **signal,
                "period": _date(signal.get("period")),
                "kind_label": _("Special cause of concern") if signal["kind"] == "concerning" else _("Improving"),
            }
        )
    return EntryView(
        entry=entry,
        level=level,
        level_name=str(Level(level).label),
        signals_by_pillar=[(_label(Pillar, p), rows) for p, rows in by_pillar.items()],
        concerns=[
            {
                **c,
                "raised_on": _date(c.get("raised_on")),
                "severity_label": _label(Severity, c.get("severity")),
                "source_label": _label(ConcernSource, c.get("source")),
            }
            for c in facts.get("concerns", [])
        ],
        cases=[
            {**c, "opened_on": _date(c.get("opened_on")), "phase_label": _label(CasePhase, c.get("phase"))}
            for c in facts.get("cases", [])
        ],
        overdue=[
            {**o, "due_on": _date(o.get("due_on")), "kind_label": overdue_kind_label(o.get("kind", ""))}
            for o in facts.get("overdue", [])
        ],
        conditions=[{**c, "due_on": _date(c.get("due_on"))} for c in facts.get("conditions", [])],
        submissions=[
            {**s, "due_on": _date(s.get("due_on")), "label": _label(SubmissionKind, s.get("kind"))}
            for s in facts.get("submissions", [])
        ],
        level_changes=[{**c, "effective_from": _date(c.get("effective_from"))} for c in facts.get("level_changes", [])],
        recommendations=list(entry.recommendations.all()),
    )

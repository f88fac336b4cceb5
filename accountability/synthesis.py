"""Assembling NHS P&I's monthly system synthesis: the draft Welsh Government receives each month
[001 §3.2], the paper for the month's WG–NHS P&I Oversight Meeting [001 §6.1].

``synthesis_assemble(today=...)`` runs daily from Celery beat (``accountability.tasks``) and
makes the month's draft if there is none: one per month, held by a unique constraint, so a
second or concurrent run makes nothing. The draft holds what was found on the day it was
assembled, kept as found (an analyst then edits it and signs it off: ``accountability.services``):

* for the whole system, by pillar: the latest released month, how many measures and values,
  and how many organisations' latest released figures show a special cause of concern or of
  improvement, or meet or miss their target (``reporting.page_selectors.pillar_matrix``, the
  pillar dashboard's own reading of released packs); and how many organisations are at each
  driving level;
* for each organisation with something Welsh Government may need to act on
  (``rules.has_something_to_report``): its SPC signals by pillar, open concerns and cases,
  overdue items (de-escalation criteria not agreed within six weeks [002 §41], accountability
  conditions past their date, required submissions overdue), its open accountability
  conditions and submissions due (``plans``), and its changes of level since the last synthesis.

Everything is read in a fixed number of queries (about thirty, most of them the five pillars'
released values), however many organisations, concerns or cases there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import translation

from escalation import rules as escalation_rules
from escalation import selectors as escalation_selectors
from escalation.choices import DecisionStatus
from escalation.models import Concern, EscalationCase, EscalationStatus
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from plans import rules as plan_rules
from plans.choices import ConditionStatus, SubmissionStatus
from plans.models import AccountabilityCondition, RequiredSubmission
from reporting import page_selectors, spc
from reporting.choices import Pillar

from . import rules, selectors
from .models import SynthesisEntry, SystemSynthesis

CONCERNING = {spc.VariationIcon.CONCERNING_HIGH, spc.VariationIcon.CONCERNING_LOW}
IMPROVING = {spc.VariationIcon.IMPROVING_HIGH, spc.VariationIcon.IMPROVING_LOW}
ASSEMBLED = "Assembled automatically"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class Found:
    """What the assembly found about one organisation, as plain (JSON) values."""

    organisation: Organisation
    level: int = 1
    signals: list[dict] = field(default_factory=list)
    concerns: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    level_changes: list[dict] = field(default_factory=list)

    def counts(self) -> rules.OrganisationFacts:
        return rules.OrganisationFacts(
            concerning_signals=sum(1 for s in self.signals if s["kind"] == "concerning"),
            improving_signals=sum(1 for s in self.signals if s["kind"] == "improving"),
            open_concerns=len(self.concerns),
            open_cases=len(self.cases),
            overdue_items=len(self.overdue),
            open_conditions=len(self.conditions),
            due_submissions=len(self.submissions),
            level_changes=len(self.level_changes),
        )

    def facts(self) -> dict:
        return {
            "level": self.level,
            "signals": self.signals,
            "concerns": self.concerns,
            "cases": self.cases,
            "overdue": self.overdue,
            "conditions": self.conditions,
            "submissions": self.submissions,
            "level_changes": self.level_changes,
        }


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(statutory=True, active=True, kind__in=LEVEL_HOLDING_KINDS).order_by("name"))


def _signals(found: dict[int, Found], *, today: date) -> list[dict]:
    """Each pillar's figures, and each organisation's special causes on its latest released
    month, from the pillar dashboard's matrix."""
    figures = []
    for pillar in Pillar:
        matrix = page_selectors.pillar_matrix(pillar, on=today)
        counts = {"concerning": 0, "improving": 0, "met": 0, "missed": 0, "values": 0}
        for row in matrix.rows:
            for cell in row.cells:
                if cell.series is None:
                    continue
                counts["values"] += 1
                if cell.status == spc.Status.MET:
                    counts["met"] += 1
                elif cell.status == spc.Status.MISSED:
                    counts["missed"] += 1
                result = cell.result
                if result is None or not result.sufficient:
                    continue
                kind = (
                    "concerning"
                    if result.variation_icon in CONCERNING
                    else "improving"
                    if result.variation_icon in IMPROVING
                    else None
                )
                if kind is None:
                    continue
                counts[kind] += 1
                entry = found.get(cell.organisation.pk)
                if entry is not None:
                    entry.signals.append(
                        {
                            "pillar": str(pillar.value),
                            "measure": row.measure.code,
                            "name": row.measure.name,
                            "period": _iso(cell.period),
                            "value": cell.display,
                            "kind": kind,
                            "variation": str(result.variation_icon),
                        }
                    )
        figures.append(
            {
                "pillar": str(pillar.value),
                "latest_period": _iso(matrix.latest_period),
                "measures": len(matrix.rows),
                "organisations": len(matrix.organisations),
                **counts,
            }
        )
    return figures


def _concerns(found: dict[int, Found]) -> None:
    rows = (
        Concern.objects.filter(organisation_id__in=list(found))
        .exclude(status="closed")
        .select_related("domain")
        .order_by("raised_on", "pk")
    )
    for concern in rows:
        found[concern.organisation_id].concerns.append(
            {
                "id": concern.pk,
                "title": concern.title,
                "raised_on": _iso(concern.raised_on),
                "severity": concern.severity,
                "source": concern.source,
                "status": concern.status,
                "domain": concern.domain.name if concern.domain_id else "",
            }
        )


def _cases(found: dict[int, Found], *, today: date) -> None:
    """Open cases with their scope's level, and those whose de-escalation criteria were not
    agreed within six weeks of the latest decision [002 §41]."""
    levels = {
        (organisation_id, key): level
        for organisation_id, key, level in EscalationStatus.objects.filter(organisation_id__in=list(found)).values_list(
            "organisation_id", "scope_key", "level"
        )
    }
    cases = (
        EscalationCase.objects.filter(organisation_id__in=list(found))
        .exclude(phase="closed")
        .select_related("domain")
        .prefetch_related("criteria", "decisions")
        .order_by("opened_on", "pk")
    )
    for case in cases:
        entry = found[case.organisation_id]
        scope = case.scope_label
        entry.cases.append(
            {
                "id": case.pk,
                "scope": scope,
                "phase": case.phase,
                "level": levels.get((case.organisation_id, case.scope_key), 1),
                "opened_on": _iso(case.opened_on),
            }
        )
        decided = [d for d in case.decisions.all() if d.status == DecisionStatus.DECIDED and d.decided_on]
        if not decided:
            continue
        latest = max(decided, key=lambda d: (d.decided_on, d.pk))
        criteria = [(c.status, c.agreed_on) for c in case.criteria.all()]
        if escalation_rules.criteria_overdue(decided_on=latest.decided_on, criteria=criteria, today=today):
            entry.overdue.append(
                {
                    "kind": "criteria",
                    "text": f"{scope}: not agreed within six weeks of the decision of {latest.decided_on:%d %B %Y}",
                    "due_on": _iso(escalation_rules.criteria_agreement_due(latest.decided_on)),
                    "case": case.pk,
                }
            )


def _conditions(found: dict[int, Found], *, today: date) -> None:
    rows = (
        AccountabilityCondition.objects.filter(
            response__plan__organisation_id__in=list(found), status=ConditionStatus.OPEN
        )
        .select_related("pillar", "response__plan")
        .order_by("due_on", "pk")
    )
    for condition in rows:
        entry = found[condition.response.plan.organisation_id]
        overdue = plan_rules.condition_overdue(status=condition.status, due_on=condition.due_on, today=today)
        item = {
            "id": condition.pk,
            "plan": condition.response.plan_id,
            "text": condition.text,
            "pillar": condition.pillar.name,
            "owner": condition.owner,
            "due_on": _iso(condition.due_on),
            "overdue": overdue,
        }
        entry.conditions.append(item)
        if overdue:
            entry.overdue.append(
                {"kind": "condition", "text": condition.text, "due_on": _iso(condition.due_on), "plan": item["plan"]}
            )


def _submissions(found: dict[int, Found], *, today: date) -> None:
    """Submissions overdue, and those due this month or next (``rules.submissions_due_before``)."""
    rows = (
        RequiredSubmission.objects.filter(
            case__organisation_id__in=list(found),
            status=SubmissionStatus.DUE,
            due_on__lt=rules.submissions_due_before(rules.synthesis_month(today)),
        )
        .select_related("case", "case__domain")
        .order_by("due_on", "pk")
    )
    for submission in rows:
        entry = found[submission.case.organisation_id]
        state = plan_rules.submission_state(status=submission.status, due_on=submission.due_on, today=today)
        item = {
            "id": submission.pk,
            "kind": submission.kind,
            "label": str(submission.get_kind_display()),
            "scope": submission.case.scope_label,
            "due_on": _iso(submission.due_on),
            "state": state,
        }
        entry.submissions.append(item)
        if state == "overdue":
            entry.overdue.append(
                {
                    "kind": "submission",
                    "text": f"{item['label']} ({item['scope']})",
                    "due_on": item["due_on"],
                    "submission": submission.pk,
                }
            )


def _level_changes(found: dict[int, Found], *, since: date, until: date, first: bool) -> None:
    decisions = (
        escalation_selectors.effective_decisions()
        .filter(organisation_id__in=list(found), effective_from__gte=since, effective_from__lte=until)
        .select_related("domain")
        .order_by("effective_from", "decided_on", "pk")
    )
    for decision in decisions:
        if decision.from_level == decision.to_level:
            continue
        if not rules.level_changed_in_window(
            effective_from=decision.effective_from, since=since, until=until, first=first
        ):
            continue
        found[decision.organisation_id].level_changes.append(
            {
                "decision": decision.pk,
                "scope": decision.scope_label,
                "from": decision.from_level,
                "to": decision.to_level,
                "kind": decision.kind,
                "effective_from": _iso(decision.effective_from),
            }
        )


@dataclass
class Gathered:
    figures: dict
    found: list[Found]

    @property
    def reported(self) -> list[Found]:
        return [f for f in self.found if rules.has_something_to_report(f.counts())]


def gather(*, today: date, since: date, first: bool) -> Gathered:
    """Everything the draft holds, as found on ``today``."""
    organisations = _organisations()
    driving = escalation_selectors.driving_levels(on=today)
    found = {o.pk: Found(organisation=o, level=driving[o.pk].level if o.pk in driving else 1) for o in organisations}
    pillars = _signals(found, today=today)
    _concerns(found)
    _cases(found, today=today)
    _conditions(found, today=today)
    _submissions(found, today=today)
    _level_changes(found, since=since, until=today, first=first)
    by_level: dict[int, int] = defaultdict(int)
    for entry in found.values():
        by_level[entry.level] += 1
    figures = {
        "pillars": pillars,
        "organisations": len(organisations),
        "levels": {str(level): by_level.get(level, 0) for level in rules.LEVELS},
        "since": _iso(since),
        "until": _iso(today),
    }
    return Gathered(figures=figures, found=list(found.values()))


def synthesis_assemble(*, today: date) -> tuple[SystemSynthesis, bool]:
    """The month's draft synthesis, made if there is none yet; and whether it was made now.
    Idempotent: running it again in the month (or twice at once) makes no second draft."""
    month = rules.synthesis_month(today)
    existing = SystemSynthesis.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    previous = SystemSynthesis.objects.filter(month__lt=month).order_by("-month").first()
    since = rules.changes_since(previous_assembled_on=previous.assembled_on if previous else None, month=month)
    with translation.override("en"):  # the facts are kept as found, in English
        gathered = gather(today=today, since=since, first=previous is None)
    figures = {**gathered.figures, "reported": len(gathered.reported)}
    reported = sorted(gathered.reported, key=lambda f: (-f.level, f.organisation.name))
    try:
        with transaction.atomic():
            synthesis = SystemSynthesis(
                month=month,
                assembled_on=today,
                changes_since=since,
                figures=figures,
                meeting=selectors.oversight_meeting_in(month),
            )
            synthesis._change_reason = ASSEMBLED
            synthesis.save()
            for order, entry in enumerate(reported):
                row = SynthesisEntry(
                    synthesis=synthesis, organisation=entry.organisation, facts=entry.facts(), order=order
                )
                row._change_reason = ASSEMBLED
                row.save()
    except IntegrityError:  # another run made this month's draft a moment ago
        return SystemSynthesis.objects.get(month=month), False
    return synthesis, True

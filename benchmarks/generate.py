"""Synthetic history for the scale benchmark (``bench_scale.py``), through the real models.

``generate(scale)`` fills a database that has been migrated and given ``seed_reference``:

* **Organisations.** 1× is the real register from ``seed_reference``. At N× every statutory NHS
  organisation (health boards, trusts, special health authorities) gets N-1 copies (code
  ``BCUHB-2``..., same kind and region, no ODS code), so N× means N times the organisations,
  each with the same depth of history, and so N times the rows in every history table. The
  non-NHS parties (Welsh Government, HIW, Audit Wales, Llais, NHS P&I) stay single.
* **Escalation: 10 years of decided decisions** for every level-holding organisation: its
  whole-organisation scope reviewed every six months since ten years ago (levels 1, 3, 4, 5
  before 2024, 1-5 since, by the era in force; a random walk that mostly maintains), two
  2024 domains reviewed every four months in the 2024 era (retired at the 2026 cutover) and
  two 2026 pillars every four months since April 2026. Each decision names the era and the
  authority the era's table requires; a case opens when a scope rises above level 1 and
  closes (or, if recent, sits in sustainability) when it returns; each case has three
  criteria. The status rows point at each scope's latest decision, as the services keep them.
* **Packs: three years of monthly packs** for every health board and trust, released (the
  latest month submitted), a value for every measure ``reporting.selectors.pack_measures``
  gives the organisation that month, a narrative per pillar and two risks; one pack in 24 is
  corrected (a released version 2 that replaces version 1).
* **Daily values: one year** of every daily measure for every health board.
* **Meetings: three years** of held CEO/Executive Reviews (quarterly, per organisation) and
  held monthly WG–NHS P&I Oversight Meetings; the planner (measured by the benchmark) then
  plans what is to come.

Rows are written with ``bulk_create`` (no history rows: the pages measured do not read them).
Values are deterministic (``random.Random`` seeded by organisation code). Standalone:
``DATABASE_URL=... python benchmarks/generate.py --scale 10`` on a migrated, seeded database.
"""

# ruff: noqa: S311 - deterministic synthetic data, not secrets
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000
YEARS_OF_DECISIONS = 10
PACK_MONTHS = 36
DAILY_DAYS = 365
MEETING_MONTHS = 36
PACK_KINDS = ("health_board", "trust")
PERSONAS = {
    # user name: (organisation code, role). The official and the analyst need no second factor.
    "bench-official": ("WG", "wg_official"),
    "bench-analyst": ("NHSPI", "nhspi_analyst"),
    "bench-decider": ("WG", "wg_decision_maker"),
}


@dataclass
class Report:
    organisations: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def __str__(self) -> str:
        parts = ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        return f"{self.organisations} organisations; {parts}"


def month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def personas():
    """The benchmark's users (created once)."""
    from django.contrib.auth import get_user_model

    from organisations.models import Membership, Organisation

    users = {}
    for username, (code, role) in PERSONAS.items():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Bench", "last_name": username.split("-")[1].title()}
        )
        if created:
            Membership.objects.create(user=user, organisation=Organisation.objects.get(code=code), role=role)
        users[username] = user
    return users


def generate(scale: int, *, today: date | None = None) -> Report:
    from django.db import transaction
    from django.utils import timezone

    today = today or timezone.localdate()
    report = Report()
    with transaction.atomic():
        users = personas()
        organisations = _organisations(scale, report)
        _escalation(organisations, users, today, report)
        _packs(organisations, users, today, report)
        _daily_values(organisations, today, report)
        _meetings(organisations, today, report)
    return report


# --- Organisations ------------------------------------------------------------------------------


def _organisations(scale: int, report: Report):
    from organisations.models import Organisation
    from organisations.rules import LEVEL_HOLDING_KINDS

    real = list(Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).order_by("code"))
    copies = [
        Organisation(
            code=f"{o.code}-{n}",
            name=f"{o.name} ({n})",
            name_cy=f"{o.name_cy} ({n})" if o.name_cy else "",
            welsh_name_verified=o.welsh_name_verified,
            short_name=f"{o.short_name} {n}",
            short_name_cy=f"{o.short_name_cy} {n}" if o.short_name_cy else "",
            kind=o.kind,
            region_id=o.region_id,
            statutory=True,
            active=True,
            letter_language=o.letter_language,
        )
        for n in range(2, scale + 1)
        for o in real
    ]
    Organisation.objects.bulk_create(copies, batch_size=BATCH)
    holders = list(Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).order_by("code"))
    report.organisations = Organisation.objects.count()
    report.add("level-holding organisations", len(holders))
    return holders


# --- Escalation ---------------------------------------------------------------------------------


def _escalation(organisations, users, today: date, report: Report) -> None:
    from escalation.choices import CasePhase, CriterionStatus, DecisionStatus, ScopeKind
    from escalation.models import (
        DeescalationCriterion,
        Domain,
        Era,
        EscalationCase,
        EscalationDecision,
        EscalationStatus,
        scope_key,
    )
    from escalation.rules import required_authority

    eras = list(Era.objects.prefetch_related("authorities").order_by("starts_on"))
    era_rules = {era.code: era.as_rules() for era in eras}
    domains = {era.code: list(Domain.objects.filter(era=era).order_by("order")) for era in eras}
    cutover = next(era.starts_on for era in eras if era.code == "2026")
    era_2024 = next(era for era in eras if era.code == "2024")
    official, decider = users["bench-official"], users["bench-decider"]

    def era_on(day: date):
        return next(era for era in reversed(eras) if era.starts_on <= day)

    def allowed(level: int, era) -> int:
        levels = era.levels
        return level if level in levels else min(levels, key=lambda x: (abs(x - level), x))

    def close(case, on: date) -> None:
        case.phase, case.closed_on, case.closed_by = CasePhase.CLOSED, on, decider
        case.closing_reason = "Criteria sustained, or carried over at the cutover."
        case.sustainability_from = case.sustainability_from or case.opened_on

    decisions, cases, criteria, statuses = [], [], [], []
    for organisation in organisations:
        rng = random.Random(organisation.code)
        start = month_add(date(today.year - YEARS_OF_DECISIONS, today.month, 1), 0)
        pillars = [d for d in domains["2026"] if d.kind == "pillar"]
        scopes = [(ScopeKind.ORGANISATION, None, start, today, 6)]
        scopes += [(ScopeKind.DOMAIN, d, era_2024.starts_on, cutover, 4) for d in rng.sample(domains["2024"], 2)]
        scopes += [(ScopeKind.DOMAIN, d, cutover, today, 4) for d in rng.sample(pillars, 2)]
        for kind, domain, first, until, every in scopes:
            key = scope_key(scope_kind=kind, domain_id=domain.pk if domain else None)
            level, case, latest = 1, None, None
            on = first + timedelta(days=rng.randrange(5, 25))
            while on < until:
                era = era_on(on)
                roll = rng.random()
                step = 0 if roll < 0.6 else (1 if roll < 0.82 else -1)
                if level >= 4 and roll < 0.75:
                    step = -1 if roll < 0.3 else 0
                to_level = allowed(max(1, min(5, level + step)), era)
                authority = required_authority(from_level=level, to_level=to_level, era=era_rules[era.code])
                if to_level > 1 and case is not None and case.phase == CasePhase.SUSTAINABILITY:
                    case.phase, case.sustainability_from = CasePhase.ACTIVE, None
                if to_level > 1 and case is None:
                    case = EscalationCase(
                        organisation=organisation,
                        scope_kind=kind,
                        domain=domain,
                        scope_key=key,
                        phase=CasePhase.ACTIVE,
                        opened_on=on,
                        opened_by=official,
                        opening_reason="Escalated at review: performance and governance concerns.",
                        improvement_timeframe="Twelve months",
                    )
                    cases.append(case)
                    criteria.extend(
                        DeescalationCriterion(
                            organisation=organisation,
                            scope_kind=kind,
                            domain=domain,
                            scope_key=key,
                            case=case,
                            text=f"Criterion {n}: sustained improvement shown in released data for three months.",
                            owner="Chief Executive",
                            status=rng.choice([CriterionStatus.AGREED, CriterionStatus.IN_PROGRESS]),
                            agreed_on=on,
                        )
                        for n in (1, 2, 3)
                    )
                decision = EscalationDecision(
                    organisation=organisation,
                    scope_kind=kind,
                    domain=domain,
                    scope_key=key,
                    era=era,
                    from_level=level,
                    to_level=to_level,
                    status=DecisionStatus.DECIDED,
                    rationale=f"Review of {on:%B %Y}: level {level} to {to_level} on the evidence considered.",
                    evidence="Released performance packs, tripartite intelligence and the organisation's plans.",
                    authority=authority,
                    drafted_by=official,
                    decided_by=decider,
                    decided_on=on,
                    effective_from=on,
                    notified_on=on + timedelta(days=3),
                    minister_decided_on=on if authority == "minister" else None,
                    legacy_override="Recorded under the earlier arrangements." if era.legacy else "",
                    source="benchmark history",
                    case=case,
                )
                decisions.append(decision)
                latest = decision
                if to_level == 1 and case is not None:
                    if (today - on).days > 365:
                        close(case, on + timedelta(days=180))
                        case = None
                    elif case.phase == CasePhase.ACTIVE:
                        case.phase, case.sustainability_from = CasePhase.SUSTAINABILITY, on
                level = to_level
                on = month_add(on, every) + timedelta(days=rng.randrange(0, 20))
            if case is not None and until < today:  # a 2024 domain's case ends at the cutover
                close(case, until)
            if latest is not None:
                statuses.append(
                    EscalationStatus(
                        organisation=organisation,
                        scope_kind=kind,
                        domain=domain,
                        scope_key=key,
                        level=latest.to_level,
                        effective_from=latest.effective_from,
                        decision=latest,
                        retired_on=cutover if domain is not None and domain.era_id == era_2024.pk else None,
                    )
                )
    EscalationCase.objects.bulk_create(cases, batch_size=BATCH)
    EscalationDecision.objects.bulk_create(decisions, batch_size=BATCH)
    DeescalationCriterion.objects.bulk_create(criteria, batch_size=BATCH)
    EscalationStatus.objects.bulk_create(statuses, batch_size=BATCH)
    report.add("decisions", len(decisions))
    report.add("cases", len(cases))
    report.add("criteria", len(criteria))
    report.add("statuses", len(statuses))


# --- Packs and daily values ---------------------------------------------------------------------

BASE = {"percent": 72.0, "yes_no": 1.0, "gbp_millions": -2.5, "count": 400.0, "minutes": 35.0, "hours": 6.0}


def _value(measure, rng: random.Random, month_index: int) -> Decimal:
    if measure.unit == "yes_no":
        return Decimal(1 if rng.random() > 0.1 else 0)
    base = BASE.get(measure.unit, 12.5)
    wobble = rng.gauss(0, 0.04) + 0.002 * month_index
    value = base * (1 + wobble)
    if measure.unit == "percent":
        value = min(max(value, 0.0), 100.0)
    return Decimal(str(round(value, 2)))


def _packs(organisations, users, today: date, report: Report) -> None:
    from django.utils import timezone

    from reporting.choices import PackStatus, Pillar
    from reporting.models import Measure, Pack, PackRisk, PackValue, PillarNarrative
    from reporting.selectors import pack_measures

    analyst = users["bench-analyst"]
    measures = list(Measure.objects.exclude(frequency="daily").order_by("order", "code"))
    latest = month_add(date(today.year, today.month, 1), -1)
    periods = [month_add(latest, -n) for n in range(PACK_MONTHS - 1, -1, -1)]
    firsts, seconds, contents = [], [], []
    for organisation in (o for o in organisations if o.kind in PACK_KINDS):
        rng = random.Random(f"packs-{organisation.code}")
        for index, period in enumerate(periods):
            moment = timezone.make_aware(datetime.combine(month_add(period, 1) + timedelta(days=14), clock(12)))
            released = period != latest
            corrected = released and rng.random() < 1 / 24
            pack = Pack(
                organisation=organisation,
                period=period,
                revision=1,
                is_current=not corrected,
                status=PackStatus.RELEASED if released else PackStatus.SUBMITTED,
                due_on=month_add(period, 1) + timedelta(days=9),
                submitted_at=moment - timedelta(days=7),
                validated_at=moment - timedelta(days=2) if released else None,
                validated_by=analyst if released else None,
                released_at=moment if released else None,
                released_by=analyst if released else None,
            )
            firsts.append(pack)
            applicable = pack_measures(organisation, period, measures=measures)
            contents.append((pack, applicable, rng, index))
            if corrected:
                correction = Pack(
                    organisation=organisation,
                    period=period,
                    revision=2,
                    is_current=True,
                    corrects=pack,
                    correction_reason="A value was entered in the wrong unit.",
                    status=PackStatus.RELEASED,
                    due_on=pack.due_on,
                    submitted_at=moment + timedelta(days=5),
                    validated_at=moment + timedelta(days=6),
                    validated_by=analyst,
                    released_at=moment + timedelta(days=7),
                    released_by=analyst,
                )
                seconds.append(correction)
                contents.append((correction, applicable, rng, index))
    Pack.objects.bulk_create(firsts, batch_size=BATCH)
    Pack.objects.bulk_create(seconds, batch_size=BATCH)
    values, narratives, risks = [], [], []
    pillars = [code for code, _label in Pillar.choices]
    for pack, applicable, rng, index in contents:
        values.extend(PackValue(pack=pack, measure=m, value=_value(m, rng, index)) for m in applicable)
        narratives.extend(
            PillarNarrative(pack=pack, pillar=p, text="Progress this month, and what comes next. " * 4) for p in pillars
        )
        risks.extend(
            PackRisk(
                pack=pack,
                pillar=rng.choice(pillars),
                description=f"Risk {n}: demand above plan",
                mitigation="Additional capacity agreed",
                likelihood=rng.randint(1, 5),
                consequence=rng.randint(1, 5),
            )
            for n in (1, 2)
        )
        if len(values) >= 20 * BATCH:
            PackValue.objects.bulk_create(values, batch_size=BATCH)
            report.add("pack values", len(values))
            values = []
    PackValue.objects.bulk_create(values, batch_size=BATCH)
    PillarNarrative.objects.bulk_create(narratives, batch_size=BATCH)
    PackRisk.objects.bulk_create(risks, batch_size=BATCH)
    report.add("packs", len(firsts) + len(seconds))
    report.add("pack values", len(values))
    report.add("narratives", len(narratives))


def _daily_values(organisations, today: date, report: Report) -> None:
    from reporting.models import DailyValue, Measure
    from reporting.rules import measure_applies

    measures = list(Measure.objects.filter(frequency="daily").order_by("code"))
    rows, total = [], 0
    for organisation in organisations:
        rng = random.Random(f"daily-{organisation.code}")
        for measure in measures:
            if not measure_applies(applies_to=measure.applies_to, kind=organisation.kind, code=organisation.code):
                continue
            for n in range(DAILY_DAYS, 0, -1):
                value = _value(measure, rng, 0)
                rows.append(
                    DailyValue(organisation=organisation, measure=measure, day=today - timedelta(days=n), value=value)
                )
        if len(rows) >= 20 * BATCH:
            DailyValue.objects.bulk_create(rows, batch_size=BATCH)
            total += len(rows)
            rows = []
    DailyValue.objects.bulk_create(rows, batch_size=BATCH)
    report.add("daily values", total + len(rows))


# --- Meetings -----------------------------------------------------------------------------------


def _meetings(organisations, today: date, report: Report) -> None:
    from django.utils import timezone

    from meetings.choices import MeetingStatus
    from meetings.models import Meeting, MeetingType

    types = {t.code: t for t in MeetingType.objects.all()}
    first = month_add(date(today.year, today.month, 1), -MEETING_MONTHS)
    rows = []

    def at(day: date, minutes: int):
        start = timezone.make_aware(datetime.combine(day, clock(10)))
        return start, start + timedelta(minutes=minutes)

    review = types.get("ceo_review")
    if review is not None:
        for organisation in organisations:
            rng = random.Random(f"meetings-{organisation.code}")
            for quarter in range(0, MEETING_MONTHS, 3):
                day = month_add(first, quarter) + timedelta(days=rng.randrange(3, 25))
                if day >= today:
                    break
                starts, ends = at(day, review.default_duration_minutes or 120)
                rows.append(
                    Meeting(
                        meeting_type=review,
                        organisation=organisation,
                        title=f"{review.name}: {organisation.short_name}",
                        starts_at=starts,
                        ends_at=ends,
                        status=MeetingStatus.CLOSED,
                        held_on=day,
                        plan_key=f"review:{organisation.code}",
                    )
                )
    oversight = types.get("wg_nhspi_oversight")
    if oversight is not None:
        for n in range(MEETING_MONTHS):
            month = month_add(first, n)
            day = month + timedelta(days=(1 - month.weekday()) % 7 + 7)  # the second Tuesday
            if day >= today:
                break
            starts, ends = at(day, oversight.default_duration_minutes or 120)
            rows.append(
                Meeting(
                    meeting_type=oversight,
                    title=f"{oversight.name}: {month:%B %Y}",
                    starts_at=starts,
                    ends_at=ends,
                    status=MeetingStatus.CLOSED,
                    held_on=day,
                    plan_key=f"oversight:{month:%Y-%m}",
                    plan_period=f"{month:%Y-%m}",
                )
            )
    Meeting.objects.bulk_create(rows, batch_size=BATCH)
    report.add("held meetings", len(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    started = time.perf_counter()
    report = generate(args.scale)
    print(f"{args.scale}×: {report} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accountable Officer letters: from the NHS Wales Chief Executive to an organisation's chief
executive, its Accountable Officer, on their responsibility for financial management and
performance in a financial year [002 §25].

``ao_letter_draft`` drafts one as a ``reporting.Document`` of kind ``accountable_officer_letter``
with its ``year`` (the financial year starting in April of that year), its text in English and
in Welsh drawn from the organisation's position on the day:

* finance: the statutory duty to break even over a rolling three years, from released figures
  (``plans.selectors.break_even``), whether an approved, balanced three-year plan is in place
  (``plans.selectors.finance_status``), and the latest released value of each finance measure;
* performance: the latest released Delivery/Performance figures that miss their national target,
  and any special cause of concern in them;
* the accountability conditions of Welsh Government's response still open.

It is then approved and issued like any letter (``reporting.documents``; it renders through the
letter template) and appears in the document register. One letter per organisation and year: a
correction is a re-issue of it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.models import Organisation
from oversight import access
from oversight.concurrency import create_recorded
from oversight.errors import OversightError, refuse
from plans import rules as plan_rules
from plans import selectors as plan_selectors
from plans.flags import finance_flag_reason
from reporting import analytics, page_selectors, spc
from reporting import rules as reporting_rules
from reporting.choices import Frequency, Pillar
from reporting.documents import BULLET, default_language, in_both_languages
from reporting.models import ChangePoint, Document, Measure, Pack, PackValue

MAX_LISTED = 10


def _chief_executive(organisation) -> tuple[str, str]:
    holder = (
        organisation.officeholders.filter(role="chief_executive", end_date__isnull=True).order_by("-start_date").first()
    )
    if holder is None:
        return _("The Chief Executive"), ""
    return holder.name, holder.title or str(holder.get_role_display())


def _listed(lead: str, items: list[str]) -> str:
    return lead + "\n" + "\n".join(f"{BULLET}{item}" for item in items)


def _money(value: float | None) -> str:
    return page_selectors.display_value(value, "gbp_millions")


def _released(organisation, pillars, *, on: date):
    """(measure, [(month, value)...]) for each monthly measure of ``pillars`` with released values
    for the organisation up to ``on``, in catalogue order (two queries)."""
    measures = {m.pk: m for m in Measure.objects.in_force(on).filter(pillar__in=pillars, frequency=Frequency.MONTHLY)}
    rows = (
        PackValue.objects.filter(
            measure_id__in=list(measures),
            value__isnull=False,
            pack__organisation=organisation,
            pack__period__lte=on,
            pack__in=Pack.objects.latest_released().values("pk"),
        )
        .values_list("measure_id", "pack__period", "value")
        .order_by("measure_id", "pack__period")
    )
    series: dict[int, list] = {}
    for measure_id, period, value in rows:
        series.setdefault(measure_id, []).append((period, float(value)))
    ordered = sorted(measures.values(), key=lambda m: (m.order, m.code))
    return [(m, series[m.pk]) for m in ordered if m.pk in series]


def _finance_paragraphs(organisation, *, on: date) -> list[str]:
    paragraphs = []
    position = plan_selectors.break_even(organisation, on=on)
    if position.years:
        first, last = position.years[0], position.years[-1]
        values = {
            "from": first.label,
            "to": last.label,
            "total": _money(position.total),
        }
        if position.status == plan_rules.PASS:
            paragraphs.append(
                _(
                    "The duty to break even: over the financial years %(from)s to %(to)s the released revenue "
                    "position adds up to %(total)s, so the duty to break even over a rolling three years is met "
                    "on the figures so far. It must stay met."
                )
                % values
            )
        elif position.status == plan_rules.FAIL:
            paragraphs.append(
                _(
                    "The duty to break even: over the financial years %(from)s to %(to)s the released revenue "
                    "position adds up to %(total)s, a deficit. The statutory duty to break even over a rolling "
                    "three years is not being met, and recovering it is your first financial responsibility."
                )
                % values
            )
        else:
            paragraphs.append(
                _(
                    "The duty to break even: the released figures do not yet cover three financial years "
                    "(%(from)s to %(to)s so far, %(total)s in all), so the duty cannot yet be judged."
                )
                % values
            )
    else:
        paragraphs.append(
            _("The duty to break even: no revenue position has been released yet, so the duty cannot yet be judged.")
        )
    status = plan_selectors.finance_status(organisation, on=on)
    if status.flagged:
        paragraphs.append(
            _("Your plan: %(reason)s This is a criterion for escalation under the framework (002 Annex 1).")
            % {"reason": finance_flag_reason(status.flag)}
        )
    elif status.cycle is not None:
        paragraphs.append(
            _(
                "Your plan: an approved, financially balanced three-year plan is in place for %(cycle)s. You are to "
                "deliver it."
            )
            % {"cycle": status.cycle.code}
        )
    finance = _released(organisation, [Pillar.FINANCE], on=on)
    if finance:
        paragraphs.append(
            _listed(
                _("The latest released finance figures:"),
                [
                    f"{m.display_name}: {page_selectors.display_value(points[-1][1], m.unit)} ({points[-1][0]:%m/%Y})"
                    for m, points in finance
                ],
            )
        )
    return paragraphs


def _performance_paragraphs(organisation, *, on: date) -> list[str]:
    delivery = _released(organisation, [Pillar.DELIVERY_PERFORMANCE], on=on)
    if not delivery:
        return [_("Performance: no Delivery/Performance figures have been released for your organisation yet.")]
    change_points = list(
        ChangePoint.objects.filter(measure__in=[m for m, _p in delivery]).filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        )
    )
    missed, concerning = [], []
    for measure, points in delivery:
        value = points[-1][1]
        if page_selectors.target_status(measure, value) == spc.Status.MISSED:
            target = page_selectors.display_value(page_selectors.target_of(measure), measure.unit)
            missed.append(
                _("%(measure)s: %(value)s (target %(target)s)")
                % {
                    "measure": measure.display_name,
                    "value": page_selectors.display_value(value, measure.unit),
                    "target": target,
                }
            )
        series = analytics.Series(
            organisation_id=organisation.pk,
            measure=measure,
            periods=tuple(p for p, _v in points),
            values=tuple(v for _p, v in points),
        )
        result = analytics.chart(series, change_points=change_points)
        if result.sufficient and result.points and result.points[-1].point_type == spc.PointType.CONCERN:
            concerning.append(str(measure.display_name))
    paragraphs = []
    if missed:
        shown = missed[:MAX_LISTED]
        more = len(missed) - len(shown)
        lead = _("Performance: on the latest released figures, these measures miss their national target:")
        if more:
            lead += " " + _("(and %(count)s more)") % {"count": more}
        paragraphs.append(_listed(lead, shown))
    else:
        paragraphs.append(_("Performance: on the latest released figures, every measure with a target meets it."))
    if concerning:
        paragraphs.append(
            _listed(_("These figures show a special cause of concern, which we expect you to act on:"), concerning)
        )
    return paragraphs


def _conditions_paragraph(organisation, *, on: date) -> str | None:
    from plans.models import AccountabilityCondition

    conditions = list(
        AccountabilityCondition.objects.filter(response__plan__organisation=organisation, status="open").order_by(
            "due_on", "pk"
        )[:MAX_LISTED]
    )
    if not conditions:
        return None
    return _listed(
        _("The accountability conditions of Welsh Government's response to your plan still open:"),
        [f"{c.text} ({_('due')} {c.due_on:%d/%m/%Y})" for c in conditions],
    )


def letter_paragraphs(organisation, *, year: int, on: date, language: str) -> list[str]:
    """The letter's paragraphs in ``language``."""
    with translation.override(language):
        label = plan_rules.financial_year_label(year)
        values = {"organisation": organisation.display_name, "year": label}
        paragraphs = [
            _(
                "As the Accountable Officer of %(organisation)s you answer to me for the financial management and "
                "the performance of your organisation in the financial year %(year)s. This letter sets out that "
                "responsibility and where your organisation stands today on the released figures "
                "(Oversight and Escalation Framework, para 25)."
            )
            % values
        ]
        paragraphs += _finance_paragraphs(organisation, on=on)
        paragraphs += _performance_paragraphs(organisation, on=on)
        conditions = _conditions_paragraph(organisation, on=on)
        if conditions:
            paragraphs.append(conditions)
        paragraphs.append(
            _listed(
                _("In %(year)s I expect you:") % values,
                [
                    _("to deliver your financial plan and keep to the duty to break even over three years;"),
                    _(
                        "to meet the national requirements and the trajectories agreed with NHS Performance and "
                        "Improvement;"
                    ),
                    _("to meet the accountability conditions set on your plan, by their dates;"),
                    _("to tell us early of any risk to these, so that there are no surprises."),
                ],
            )
        )
        paragraphs.append(
            _("We will review your delivery at your review meetings and through the monthly performance pack.")
        )
    return paragraphs


@transaction.atomic
def ao_letter_draft(*, actor, organisation, year: int, today: date, language: str | None = None) -> Document:
    """Draft the Accountable Officer letter of ``organisation`` for the financial year starting
    in ``year``. Refused where one is already drafted or issued for that year (correct it by a
    re-issue instead). The organisation's row is locked before that check, so two drafting at
    once make one letter: the second waits, then is refused."""
    access.require(actor, "reporting.document.draft", organisation)
    refuse(
        reporting_rules.document_transition_refusal(
            status=reporting_rules.DOC_DRAFT,
            to_status=reporting_rules.DOC_DRAFT,
            kind=Document.Kind.ACCOUNTABLE_OFFICER_LETTER,
            level=None,
            roles=access.principal(actor).roles,
        )
    )
    if not organisation.holds_levels:
        raise OversightError(_("Accountable Officer letters go to statutory NHS organisations."), code="not_statutory")
    if not today.year - 1 <= year <= today.year + 1:
        raise OversightError(
            _("Give a financial year starting from %(first)s to %(last)s.")
            % {"first": today.year - 1, "last": today.year + 1},
            code="letter_year",
            field="year",
        )
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # held until the letter is in, or refused
    existing = Document.objects.filter(
        organisation=organisation, kind=Document.Kind.ACCOUNTABLE_OFFICER_LETTER, year=year, replaced_by__isnull=True
    ).first()
    if existing is not None:
        raise OversightError(
            _("There is already an Accountable Officer letter for %(year)s (%(title)s): correct it by re-issuing it.")
            % {"year": plan_rules.financial_year_label(year), "title": existing},
            code="letter_exists",
            field="year",
        )
    name, role = _chief_executive(organisation)
    title, title_cy = in_both_languages(
        lambda: (
            _("Accountable Officer letter %(year)s: %(organisation)s")
            % {"year": plan_rules.financial_year_label(year), "organisation": organisation.display_name}
        )
    )
    signatory_role, _unused = in_both_languages(lambda: _("Chief Executive, NHS Wales"))
    document = Document(
        kind=Document.Kind.ACCOUNTABLE_OFFICER_LETTER,
        language=language or default_language(organisation),
        title=title[:300],
        title_cy=title_cy[:300],
        body="\n\n".join(letter_paragraphs(organisation, year=year, on=today, language="en")),
        body_cy="\n\n".join(letter_paragraphs(organisation, year=year, on=today, language="cy")),
        organisation=organisation,
        year=year,
        addressee_name=name,
        addressee_role=role,
        signatory_role=signatory_role,
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Accountable Officer letter drafted for {year}")

"""Every write to accountability: Chair objectives and their evidence, flexibilities granted,
the Well-led self-assessment (the organisation's side and NHS P&I's) with the concern a weak
assessment raises, and the analyst's work on the monthly synthesis (entries, recommendations,
sign-off, the PDF document and starting a draft decision from a recommendation).

Keyword-only, atomic, with an explicit actor; each asks the access policy and
``accountability.rules``; a stale version is a conflict (409). The draft synthesis itself is
assembled by ``accountability.synthesis``; Accountable Officer letters by
``accountability.letters``.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from escalation import selectors as escalation_selectors
from escalation import services as escalation_services
from escalation.models import Concern, Domain, EscalationDecision
from organisations.models import Organisation
from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import ConflictError, OversightError, refuse
from oversight.services import attachment_create
from reporting import rules as reporting_rules
from reporting.models import Document

from . import rules
from .choices import AssessmentStatus, SynthesisStatus, WellLedArea
from .models import (
    ChairObjective,
    Flexibility,
    SynthesisEntry,
    SynthesisRecommendation,
    SystemSynthesis,
    WellLedAssessment,
    WellLedRating,
)

LEADERSHIP_FOUNDATION = "leadership"  # the 2026 Leadership (Well-led) foundation domain's code
PILLAR_ERA = "2026"
SYNTHESIS_AUTHOR = "NHSPI"  # the code of NHS P&I, under whom the synthesis PDF is filed


def _statutory_only(organisation) -> None:
    """The accountability arrangements are for statutory NHS organisations only [002 §25]."""
    if not organisation.holds_levels:
        raise OversightError(
            _("%(organisation)s is not a statutory NHS organisation: these arrangements do not apply to it.")
            % {"organisation": organisation.name},
            code="not_statutory",
        )


# --- Chair objectives [002 §25] --------------------------------------------------------------


@transaction.atomic
def objective_set(*, actor, organisation, year: int, text: str, today: date, chair_name: str = "") -> ChairObjective:
    """Record an objective set for ``year`` with the organisation's Chair."""
    access.require(actor, "accountability.objective.manage", ChairObjective(organisation=organisation))
    _statutory_only(organisation)
    refuse(rules.objective_refusal(text=text, year=year, today=today), field="text" if not text.strip() else "year")
    if not chair_name.strip():  # the Chair in office, from the register's office holders
        chair = organisation.officeholders.filter(role="chair", end_date__isnull=True).order_by("-start_date").first()
        chair_name = chair.name if chair else ""
    objective = ChairObjective(
        organisation=organisation,
        year=year,
        text=text.strip(),
        chair_name=chair_name.strip(),
        set_on=today,
        set_by=actor,
    )
    return create_recorded(objective, actor=actor, reason=f"Objective set for {year}")


@transaction.atomic
def objective_update(
    *,
    actor,
    objective: ChairObjective,
    expected_version: int | None,
    status: str,
    progress_notes: str,
    text: str | None = None,
    reason: str = "",
) -> ChairObjective:
    """Record progress on an objective: its status and notes (and, if changed, its wording)."""
    access.require(actor, "accountability.objective.manage", objective)
    current = lock_at_version(ChairObjective, pk=objective.pk, expected_version=expected_version)
    refuse(
        rules.objective_status_refusal(current=current.status, new=status, note=progress_notes),
        field="progress_notes" if status in rules.OBJECTIVE_NEEDS_NOTE else "status",
    )
    if text is not None:
        if not text.strip():
            raise OversightError(_("Write the objective."), code="objective_text_required", field="text")
        current.text = text.strip()
    current.status = status
    current.progress_notes = progress_notes.strip()
    return save_new_version(current, actor=actor, reason=reason or "Progress recorded")


def objective_evidence_add(*, actor, objective: ChairObjective, upload):
    """File evidence of progress against an objective (a file, through the one attachment service)."""
    access.require(actor, "accountability.objective.evidence", objective)
    if upload is None:
        raise OversightError(_("Choose a file to upload."), code="file_required", field="file")
    return attachment_create(
        actor=actor, upload=upload, organisation=objective.organisation, target=objective, purpose="evidence"
    )


# --- Flexibilities [001 §7.1] ----------------------------------------------------------------


@transaction.atomic
def flexibility_grant(
    *, actor, organisation, what: str, reason: str, granted_on: date, today: date, ends_on: date | None = None
) -> Flexibility:
    """Record a flexibility Welsh Government has granted the organisation (Welsh Government only)."""
    access.require(actor, "accountability.flexibility.grant", Flexibility(organisation=organisation))
    _statutory_only(organisation)
    refusal = rules.flexibility_refusal(what=what, reason=reason, granted_on=granted_on, today=today)
    fields = {"flexibility_what_required": "what", "flexibility_reason_required": "reason"}
    refuse(refusal, field=fields.get(refusal.code, "granted_on") if refusal else None)
    if ends_on is not None and ends_on < granted_on:
        raise OversightError(_("The end date is before the date it was granted."), code="dates", field="ends_on")
    flexibility = Flexibility(
        organisation=organisation,
        what=what.strip(),
        reason=reason.strip(),
        granted_on=granted_on,
        ends_on=ends_on,
        granted_by=actor,
    )
    return create_recorded(flexibility, actor=actor, reason="Flexibility granted")


# --- The Well-led self-assessment [001 §9, §9.3] ---------------------------------------------


@transaction.atomic
def assessment_start(*, actor, organisation, year: int, today: date) -> WellLedAssessment:
    """Start the organisation's self-assessment for a year: one per organisation and year, with
    a row for each of the six areas. The organisation's own submitters and executives only."""
    access.require(actor, "accountability.assessment.submit", WellLedAssessment(organisation=organisation))
    _statutory_only(organisation)
    refuse(rules.assessment_year_refusal(year=year, today=today), field="year")
    if WellLedAssessment.objects.filter(organisation=organisation, year=year).exists():
        raise OversightError(
            _("There is already a self-assessment for %(year)s: carry on with that one.") % {"year": year},
            code="assessment_exists",
            field="year",
        )
    assessment = WellLedAssessment(organisation=organisation, year=year, started_by=actor)
    try:
        with transaction.atomic():
            create_recorded(assessment, actor=actor, reason="Self-assessment started")
    except IntegrityError as error:  # started at the same moment by someone else
        raise ConflictError(
            _("A self-assessment for this year was started meanwhile."), code="assessment_exists"
        ) from error
    for area in WellLedArea.values:
        create_recorded(WellLedRating(assessment=assessment, area=area), actor=actor)
    return assessment


def _ratings_given(ratings: dict) -> None:
    for area, (rating, _commentary) in ratings.items():
        if area not in WellLedArea.values:
            raise OversightError(f"Unknown area “{area}”.", code="unknown_area", field="ratings")
        refuse(rules.rating_refusal(rating), field=f"rating_{area}")


def _lock_assessment(assessment, expected_version) -> WellLedAssessment:
    return lock_at_version(WellLedAssessment, pk=assessment.pk, expected_version=expected_version)


def _rows(assessment) -> dict[str, WellLedRating]:
    return {row.area: row for row in WellLedRating.objects.filter(assessment=assessment)}


@transaction.atomic
def assessment_update_self(
    *, actor, assessment: WellLedAssessment, expected_version: int | None, ratings: dict, summary: str
) -> WellLedAssessment:
    """The organisation's ratings and commentary (``ratings``: area → (rating or None,
    commentary)) and its summary, while it is being prepared."""
    access.require(actor, "accountability.assessment.submit", assessment)
    current = _lock_assessment(assessment, expected_version)
    refuse(rules.self_edit_refusal(status=current.status))
    _ratings_given(ratings)
    rows = _rows(current)
    for area, (rating, commentary) in ratings.items():
        row = rows[area]
        if (row.self_rating, row.self_commentary) != (rating, commentary.strip()):
            row.self_rating, row.self_commentary = rating, commentary.strip()
            save_new_version(row, actor=actor, reason="The organisation's rating")
    current.self_summary = summary.strip()
    return save_new_version(current, actor=actor, reason="Self-assessment edited")


def assessment_evidence_add(*, actor, assessment: WellLedAssessment, upload, area: str = ""):
    """File evidence for the self-assessment, for one area or the whole (the one attachment
    service), while the organisation is preparing it."""
    access.require(actor, "accountability.assessment.submit", assessment)
    refuse(rules.self_edit_refusal(status=assessment.status))
    if upload is None:
        raise OversightError(_("Choose a file to upload."), code="file_required", field="file")
    if area and area not in WellLedArea.values:
        raise OversightError(f"Unknown area “{area}”.", code="unknown_area", field="area")
    return attachment_create(
        actor=actor, upload=upload, organisation=assessment.organisation, target=assessment, purpose=area or "evidence"
    )


@transaction.atomic
def assessment_submit(
    *, actor, assessment: WellLedAssessment, expected_version: int | None, today: date
) -> WellLedAssessment:
    """Submit the self-assessment to NHS P&I, every area rated."""
    access.require(actor, "accountability.assessment.submit", assessment)
    current = _lock_assessment(assessment, expected_version)
    ratings = {area: row.self_rating for area, row in _rows(current).items()}
    refuse(rules.submit_refusal(status=current.status, ratings=ratings))
    current.status = AssessmentStatus.SUBMITTED
    current.submitted_on = today
    current.submitted_by = actor
    return save_new_version(current, actor=actor, reason="Submitted to NHS P&I")


@transaction.atomic
def assessment_review(
    *,
    actor,
    assessment: WellLedAssessment,
    expected_version: int | None,
    ratings: dict,
    summary: str,
    today: date,
) -> WellLedAssessment:
    """NHS P&I's own rating and commentary for each area, beside the organisation's. A weak
    assessment (``rules.assessment_weak``) raises one concern on the Leadership (Well-led)
    foundation, however often the assessment is revised."""
    access.require(actor, "accountability.assessment.review", assessment)
    current = _lock_assessment(assessment, expected_version)
    _ratings_given(ratings)
    rows = _rows(current)
    merged = {area: row.nhspi_rating for area, row in rows.items()}
    merged.update({area: rating for area, (rating, _c) in ratings.items()})
    refuse(rules.review_refusal(status=current.status, ratings=merged))
    for area, (rating, commentary) in ratings.items():
        row = rows[area]
        if (row.nhspi_rating, row.nhspi_commentary) != (rating, commentary.strip()):
            row.nhspi_rating, row.nhspi_commentary = rating, commentary.strip()
            save_new_version(row, actor=actor, reason="NHS P&I's rating")
    current.status = AssessmentStatus.ASSESSED
    current.nhspi_summary = summary.strip()
    current.assessed_on = today
    current.assessed_by = actor
    current = save_new_version(current, actor=actor, reason="Assessed by NHS P&I")
    assessment_check(assessment=current, today=today, actor=actor)
    return current


def leadership_foundation() -> Domain | None:
    return Domain.objects.filter(era__code=PILLAR_ERA, code=LEADERSHIP_FOUNDATION).first()


@transaction.atomic
def assessment_check(*, assessment: WellLedAssessment, today: date, actor=None) -> tuple[Concern | None, bool]:
    """Raise a concern on the Leadership (Well-led) foundation when NHS P&I's assessment is weak:
    at most one per organisation and year (its ``source_key``), so checking again, or revising
    the assessment, never raises a second. Returns the concern (or None) and whether it is new.
    Linking the assessment to its concern is a new version of it, in its history."""
    ratings = {row.area: row.nhspi_rating for row in WellLedRating.objects.filter(assessment=assessment)}
    result = rules.assessment_weak(ratings)
    if assessment.status != AssessmentStatus.ASSESSED or not result.weak:
        return None, False
    organisation = assessment.organisation
    labels = dict(WellLedArea.choices)
    with translation.override("en"):
        lowest = ", ".join(str(labels[a]) for a in result.lowest)
        below = ", ".join(str(labels[a]) for a in result.below_middle)
        description = (
            f"NHS P&I's assessment of {organisation.name}'s Well-led self-assessment for {assessment.year} is weak"
            + (f": rated at the lowest point in {lowest}" if lowest else "")
            + (f"; below the middle of the scale in {below}" if below else "")
            + f". Leadership concerns may trigger or amplify escalation in the pillars ({rules.WELL_LED_REFERENCE})."
        )
    concern, new = escalation_services.concern_raise_automated(
        organisation=organisation,
        source_key=rules.weak_assessment_key(organisation_code=organisation.code, year=assessment.year),
        title=f"Well-led self-assessment {assessment.year}: weak assessment",
        description=description,
        on=today,
        domain=leadership_foundation(),
        severity="high",
    )
    if assessment.concern_id != concern.pk:
        assessment.concern = concern
        save_new_version(assessment, actor=actor, reason="Weak assessment: concern raised", update_fields=["concern"])
    return concern, new


# --- The monthly system synthesis: the analyst's work [001 §3.2] ----------------------------


def _refuse_unless_draft(synthesis: SystemSynthesis) -> None:
    refuse(rules.synthesis_edit_refusal(status=synthesis.status))


@transaction.atomic
def synthesis_summary_update(
    *, actor, synthesis: SystemSynthesis, expected_version: int | None, summary: str
) -> SystemSynthesis:
    access.require(actor, "accountability.synthesis.edit", synthesis)
    current = lock_at_version(SystemSynthesis, pk=synthesis.pk, expected_version=expected_version)
    _refuse_unless_draft(current)
    current.summary = summary.strip()
    return save_new_version(current, actor=actor, reason="Overview edited")


@transaction.atomic
def entry_update(
    *,
    actor,
    entry: SynthesisEntry,
    expected_version: int | None,
    risks: str,
    mitigations: str,
    actions: str,
    reason: str = "",
) -> SynthesisEntry:
    """The analyst's risks, mitigations and recommended actions for one organisation (a new
    version each time; a stale one is a conflict)."""
    access.require(actor, "accountability.synthesis.edit", entry.synthesis)
    current = lock_at_version(SynthesisEntry, pk=entry.pk, expected_version=expected_version)
    _refuse_unless_draft(current.synthesis)
    current.risks, current.mitigations, current.actions = risks.strip(), mitigations.strip(), actions.strip()
    return save_new_version(current, actor=actor, reason=reason or "Risks, mitigations and actions edited")


def _scope_key(domain) -> str:
    return f"domain:{domain.pk}" if domain is not None else "organisation"


def _check_recommendation(*, organisation, domain, recommendation: str, recommended_level, on: date) -> None:
    if domain is not None:
        era = escalation_selectors.era_on(on)
        if domain.era_id != era.pk:
            raise OversightError(
                _("Choose a pillar of the arrangements in force (%(era)s).") % {"era": era.display_name},
                code="invalid_scope",
                field="domain",
            )
    current_level = escalation_selectors.level_of(organisation_id=organisation.pk, scope_key=_scope_key(domain), on=on)
    refuse(
        rules.recommendation_refusal(
            recommendation=recommendation, recommended_level=recommended_level, current_level=current_level
        ),
        field="recommended_level",
    )


@transaction.atomic
def recommendation_add(
    *,
    actor,
    entry: SynthesisEntry,
    recommendation: str,
    rationale: str,
    on: date,
    recommended_level: int | None = None,
    domain=None,
) -> SynthesisRecommendation:
    """Add a recommendation about one of the organisation's scopes (the whole organisation, or a
    pillar): maintain, escalate or de-escalate, and to which level."""
    access.require(actor, "accountability.synthesis.edit", entry.synthesis)
    _refuse_unless_draft(entry.synthesis)
    if not rationale.strip():
        raise OversightError(_("Say why."), code="rationale_required", field="rationale")
    _check_recommendation(
        organisation=entry.organisation,
        domain=domain,
        recommendation=recommendation,
        recommended_level=recommended_level,
        on=on,
    )
    row = SynthesisRecommendation(
        entry=entry,
        domain=domain,
        recommendation=recommendation,
        recommended_level=None if recommendation == rules.MAINTAIN else recommended_level,
        rationale=rationale.strip(),
        added_by=actor,
    )
    return create_recorded(row, actor=actor, reason="Recommendation added")


@transaction.atomic
def recommendation_update(
    *,
    actor,
    recommendation: SynthesisRecommendation,
    expected_version: int | None,
    kind: str,
    rationale: str,
    on: date,
    recommended_level: int | None = None,
    domain=None,
) -> SynthesisRecommendation:
    """Change a recommendation while the synthesis is a draft."""
    access.require(actor, "accountability.synthesis.edit", recommendation.entry.synthesis)
    current = lock_at_version(SynthesisRecommendation, pk=recommendation.pk, expected_version=expected_version)
    _refuse_unless_draft(current.entry.synthesis)
    if not rationale.strip():
        raise OversightError(_("Say why."), code="rationale_required", field="rationale")
    _check_recommendation(
        organisation=current.entry.organisation,
        domain=domain,
        recommendation=kind,
        recommended_level=recommended_level,
        on=on,
    )
    current.recommendation = kind
    current.recommended_level = None if kind == rules.MAINTAIN else recommended_level
    current.domain = domain
    current.rationale = rationale.strip()
    return save_new_version(current, actor=actor, reason="Recommendation edited")


@transaction.atomic
def synthesis_sign_off(
    *, actor, synthesis: SystemSynthesis, expected_version: int | None, today: date
) -> SystemSynthesis:
    """Sign the synthesis off (NHS P&I analysts): it becomes the paper for the month's WG–NHS
    P&I Oversight Meeting, linked to it if one is arranged, and its PDF document is drafted for
    approval and issue through the document register."""
    from . import selectors

    access.require(actor, "accountability.synthesis.signoff", synthesis)
    current = lock_at_version(SystemSynthesis, pk=synthesis.pk, expected_version=expected_version)
    unwritten = [
        entry.organisation.short_name or entry.organisation.name
        for entry in current.entries.select_related("organisation").order_by("order", "organisation__name")
        if not entry.written
    ]
    refuse(rules.signoff_refusal(status=current.status, unwritten=unwritten))
    current.status = SynthesisStatus.SIGNED_OFF
    current.signed_off_on = today
    current.signed_off_by = actor
    if current.meeting_id is None:
        current.meeting = selectors.oversight_meeting_in(current.month)
    reason = "Signed off"
    if current.document_id is None:  # drafted first, so that the signed-off version in the history names it
        current.document = synthesis_document_draft(actor=actor, synthesis=current)
        reason = "Signed off; its PDF drafted for approval"
    return save_new_version(current, actor=actor, reason=reason)


def _synthesis_organisation() -> Organisation:
    organisation = Organisation.objects.filter(code=SYNTHESIS_AUTHOR).first()
    if organisation is None:
        raise OversightError(
            _("NHS P&I (code %(code)s) is not in the register: the synthesis PDF is filed under it.")
            % {"code": SYNTHESIS_AUTHOR},
            code="no_author_organisation",
        )
    return organisation


def synthesis_document_draft(*, actor, synthesis: SystemSynthesis) -> Document:
    """The synthesis as a ``reporting.Document`` of its kind, for approval and issue like any
    document (rendered by ``accountability.rendering``). Filed under NHS P&I, whose paper it is,
    so no organisation's own people ever see it."""
    access.require(actor, "reporting.document.draft", synthesis)
    refuse(
        reporting_rules.document_transition_refusal(
            status=reporting_rules.DOC_DRAFT,
            to_status=reporting_rules.DOC_DRAFT,
            kind=Document.Kind.SYSTEM_SYNTHESIS,
            level=None,
            roles=access.principal(actor).roles,
        )
    )
    from reporting.documents import in_both_languages

    month = synthesis.month

    def when() -> str:
        return date_format(month, "F Y")

    title, title_cy = in_both_languages(lambda: _("NHS P&I system synthesis: %(month)s") % {"month": when()})
    body, body_cy = in_both_languages(
        lambda: (
            _(
                "NHS Performance and Improvement's synthesis of the whole system for %(month)s, for Welsh Government "
                "and the month's WG–NHS P&I Oversight Meeting: the released figures and signals by pillar, and for "
                "each organisation the risks, mitigations and recommended actions."
            )
            % {"month": when()}
        )
    )
    addressee, _unused = in_both_languages(lambda: _("Welsh Government"))
    document = Document(
        kind=Document.Kind.SYSTEM_SYNTHESIS,
        language=Document.Language.ENGLISH,
        title=title[:300],
        title_cy=title_cy[:300],
        body=body,
        body_cy=body_cy,
        organisation=_synthesis_organisation(),
        meeting=synthesis.meeting,
        month=month,
        year=month.year,
        addressee_name=addressee,
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Synthesis for {month:%Y-%m} signed off")


@transaction.atomic
def recommendation_start_decision(
    *, actor, recommendation: SynthesisRecommendation, planned_on: date
) -> EscalationDecision:
    """Start a draft escalation decision from a signed-off synthesis's recommendation, with its
    scope (the organisation, and the pillar or the whole organisation) and its proposed level,
    citing the synthesis as evidence: as a tripartite recommendation does."""
    access.require(actor, "accountability.synthesis.view", recommendation.entry.synthesis)
    organisation = recommendation.entry.organisation
    access.require(actor, "escalation.draft", organisation)
    current = SynthesisRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    synthesis = SystemSynthesis.objects.get(pk=recommendation.entry.synthesis_id)
    refusal = rules.start_decision_refusal(
        synthesis_status=synthesis.status,
        recommendation=current.recommendation,
        started=current.decision_id is not None,
    )
    if refusal is not None and refusal.code == "already_started":
        raise ConflictError(refusal.message, code=refusal.code)
    refuse(refusal)
    scope = (
        escalation_services.Scope("domain", current.domain)
        if current.domain_id
        else escalation_services.Scope("organisation")
    )
    decision = escalation_services.decision_draft(
        actor=actor,
        organisation=organisation,
        scope=scope,
        to_level=current.recommended_level,
        rationale=current.rationale,
        evidence=f"NHS P&I monthly system synthesis, {synthesis.month:%B %Y}",
        planned_on=planned_on,
        source=f"System synthesis {synthesis.month:%Y-%m}",
    )
    current.decision = decision
    current._change_reason = "Draft decision started"
    current.save(update_fields=["decision", "updated_at"])
    recommendation.decision = decision
    return decision

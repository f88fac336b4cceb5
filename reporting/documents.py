"""Documents: letters and PDFs, from draft to issue (the writes).

* ``document_draft_from_decision`` – an escalation or de-escalation notification letter drafted
  from a decided decision, its text (English and Welsh) filled in from the decision: the scope,
  the new level and what it means (Annex 1, ``LevelDescription``), the reasons, the
  de-escalation criteria or the date by which they are to be agreed, the support offered and
  the next meetings.
* ``document_draft_from_meeting`` – the letter after a CEO/Executive Review or JET [000 §15]:
  the meeting's own draft, the key discussion points (the agenda in order, with the outcomes
  recorded) and the actions with their owners and due dates. One letter per meeting.
* ``document_draft_letter_of_concern`` – the formal notification at levels 1 and 2 [001 §7.2]:
  the concerns and their evidence, the level and what it means, what is expected and by when,
  and the next steps; refused from level 3 up (``rules.letter_of_concern_refusal``).

Every drafting service fills the title and the text in English and in Welsh, and drafts in the
language the organisation prefers for its letters (``Organisation.letter_language``) unless the
drafter names another.
* ``document_update`` – a draft's text and addressee; stale versions are a conflict (409).
* ``document_approve`` – by the signatory's role (``reporting.rules``).
* ``document_issue`` – queues ``reporting.tasks.issue_document``, which renders the PDF
  (``reporting.pdf``), numbers it, and stores the exact bytes privately with their sha256
  (``document_issue_now``). Issuing an issued document again does nothing.
* ``document_reissue`` – a correction: a new draft pointing at the issued one it replaces.

Every write asks ``oversight.access`` and is recorded in the history with who and why.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from escalation.choices import CasePhase, ConcernStatus, DecisionStatus, Level, ScopeKind
from escalation.rules import criteria_agreement_due
from oversight import access
from oversight.celery import Contention
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import OversightError, refuse

from . import rules
from .models import Document, RegisterCounter
from .pdf import RenderedPdf, render

LETTER_TEMPLATE = "reporting/documents/letter.html"


# --- Drafting ----------------------------------------------------------------------------------

BULLET = "• "


def _date(value: date | None) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j F Y") if value else ""


def default_language(organisation) -> str:
    """The language a letter to ``organisation`` is drafted in when the drafter names none: the
    organisation's own preference (English, Welsh, or both with the Welsh first)."""
    return getattr(organisation, "letter_language", "") or Document.Language.ENGLISH


def in_both_languages(make) -> tuple[str, str]:
    """``make()`` run in English, then in Welsh: a title or text from the translated strings."""
    with translation.override("en"):
        english = str(make())
    with translation.override("cy"):
        welsh = str(make())
    return english, welsh


def _listed(lead: str, items) -> str:
    """A paragraph that is a lead line and a list, one ``• item`` a line (the PDF shows a list)."""
    return lead + "\n" + "\n".join(f"{BULLET}{item}" for item in items)


def _addressee(organisation) -> tuple[str, str]:
    """The organisation's current chief executive, from its office holders, if recorded."""
    holder = (
        organisation.officeholders.filter(role="chief_executive", end_date__isnull=True).order_by("-start_date").first()
    )
    if holder is None:
        return _("The Chief Executive"), ""
    return holder.name, holder.title or str(holder.get_role_display())


def _level_paragraphs(level: int, *, on: date) -> list[str]:
    """What ``level`` means (Annex 1 of 002, as held in ``LevelDescription``) in the active
    language: the description, what Welsh Government will do, what it expects of the organisation."""
    from escalation.selectors import level_description

    description = level_description(level=level, on=on)
    if description is None:
        return []
    paragraphs = [_("What level %(level)s means: %(text)s") % {"level": level, "text": description.display_description}]
    if description.display_wg_expectations:
        paragraphs.append(_("What Welsh Government will do: %(text)s") % {"text": description.display_wg_expectations})
    if description.display_organisation_expectations:
        paragraphs.append(
            _("What we expect of your organisation: %(text)s") % {"text": description.display_organisation_expectations}
        )
    return paragraphs


def _next_meetings_paragraph(organisation_id: int) -> str | None:
    """The organisation's next three meetings, in the active language, if any are arranged."""
    from meetings.choices import MeetingStatus
    from meetings.models import Meeting

    meetings = (
        Meeting.objects.filter(organisation=organisation_id, starts_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("meeting_type")
        .order_by("starts_at")[:3]
    )
    lines = [f"{meeting.title}, {_date(timezone.localtime(meeting.starts_at).date())}" for meeting in meetings]
    return _listed(_("The next meetings:"), lines) if lines else None


def notification_paragraphs(decision, *, language: str) -> list[str]:
    """The paragraphs of a notification letter about ``decision``, in ``language``."""
    from escalation.models import DeescalationCriterion

    with translation.override(language):
        moving = rules.notification_kind(from_level=decision.from_level, to_level=decision.to_level)
        values = {
            "organisation": decision.organisation.display_name,
            "scope": decision.scope_label,
            "from_level": decision.from_level,
            "from_name": Level(decision.from_level).label,
            "to_level": decision.to_level,
            "to_name": Level(decision.to_level).label,
            "decided_on": _date(decision.decided_on),
            "effective_from": _date(decision.effective_from),
        }
        if moving == "escalation":
            opening = _(
                "I am writing to tell you that on %(decided_on)s Welsh Government decided to escalate "
                "%(organisation)s (%(scope)s) from level %(from_level)s, %(from_name)s, to level "
                "%(to_level)s, %(to_name)s, with effect from %(effective_from)s."
            )
        elif moving == "de-escalation":
            opening = _(
                "I am writing to tell you that on %(decided_on)s Welsh Government decided to de-escalate "
                "%(organisation)s (%(scope)s) from level %(from_level)s, %(from_name)s, to level "
                "%(to_level)s, %(to_name)s, with effect from %(effective_from)s."
            )
        else:
            opening = _(
                "I am writing to confirm that %(organisation)s (%(scope)s) remains at level %(to_level)s, "
                "%(to_name)s, as decided on %(decided_on)s."
            )
        paragraphs = [opening % values]
        paragraphs += _level_paragraphs(decision.to_level, on=decision.decided_on or timezone.localdate())

        paragraphs.append(_("The reasons for this decision: %(reasons)s") % {"reasons": decision.rationale})

        criteria = DeescalationCriterion.objects.filter(organisation=decision.organisation_id)
        criteria = (
            criteria.filter(decision=decision) if decision.case_id is None else criteria.filter(case=decision.case_id)
        )
        texts = [criterion.text for criterion in criteria.order_by("pk")]
        if decision.to_level > 1 and texts:
            paragraphs.append(
                _("The criteria for de-escalation are:") + "\n" + "\n".join(f"• {text}" for text in texts)
            )
        elif decision.to_level > 1 and decision.decided_on:
            paragraphs.append(
                _("The criteria for de-escalation will be agreed with you by %(due)s.")
                % {"due": _date(criteria_agreement_due(decision.decided_on))}
            )
        elif decision.to_level == 1 and texts:
            paragraphs.append(
                _("Your organisation will be asked to sustain the improvement against these criteria:")
                + "\n"
                + "\n".join(f"• {text}" for text in texts)
            )

        support = []
        if decision.case_id is not None:
            for plan in decision.case.support_plans.prefetch_related("interventions"):
                for intervention in plan.interventions.all():
                    line = str(intervention.get_kind_display())
                    if intervention.description:
                        line += f": {intervention.description}"
                    support.append(f"• {line} ({_('lead')}: {intervention.lead})")
        if support:
            paragraphs.append(_("The support offered:") + "\n" + "\n".join(support))

        next_meetings = _next_meetings_paragraph(decision.organisation_id)
        if next_meetings:
            paragraphs.append(next_meetings)
        return paragraphs


def _level_for_approval(document: Document) -> int | None:
    """The level that decides who approves a notification: the higher of the decision's two
    levels, so a move out of level 4 or 5 is signed off like a move into it."""
    decision = document.decision if document.decision_id else None
    if decision is None:
        return document.level
    return max(level for level in (decision.from_level, decision.to_level, document.level) if level is not None)


def document_draft_from_decision(
    *,
    actor,
    decision,
    language: str | None = None,
    addressee_name: str = "",
    addressee_role: str = "",
    signatory=None,
    signatory_role: str = "",
) -> Document:
    """Draft the notification letter for a decided escalation or de-escalation decision."""
    access.require(actor, "reporting.document.draft", decision)
    if decision.status != DecisionStatus.DECIDED:
        raise OversightError(_("Only a decided decision can be notified by letter."), code="decision_not_decided")
    refuse(
        rules.document_transition_refusal(
            status=rules.DOC_DRAFT,
            to_status=rules.DOC_DRAFT,
            kind=Document.Kind.ESCALATION_NOTIFICATION,
            level=decision.to_level,
            roles=access.principal(actor).roles,
        )
    )
    default_name, default_role = _addressee(decision.organisation)
    moving = rules.notification_kind(from_level=decision.from_level, to_level=decision.to_level)
    title, title_cy = in_both_languages(
        lambda: (
            (
                _("Notification of de-escalation: %(organisation)s")
                if moving == "de-escalation"
                else _("Notification of escalation: %(organisation)s")
            )
            % {"organisation": decision.organisation.display_name}
        )
    )
    document = Document(
        kind=Document.Kind.ESCALATION_NOTIFICATION,
        language=language or default_language(decision.organisation),
        title=title,
        title_cy=title_cy,
        body="\n\n".join(notification_paragraphs(decision, language="en")),
        body_cy="\n\n".join(notification_paragraphs(decision, language="cy")),
        organisation=decision.organisation,
        decision=decision,
        case=decision.case,
        level=decision.to_level,
        addressee_name=addressee_name or default_name,
        addressee_role=addressee_role or default_role,
        signatory=signatory,
        signatory_role=signatory_role,
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Drafted from decision {decision.pk}")


# --- The letter after a meeting [000 §15] ------------------------------------------------------------


def _is_list_line(line: str) -> bool:
    return line.startswith(("•", "- ", "* "))


def meeting_draft_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """The meeting's own draft letter (``Meeting.letter_draft``) as the letter's paragraphs, as
    written, less what the letter itself provides: the envelope (the lines up to and including
    "Dear …", and from "Yours sincerely" on: the addressee block and signature are the letter's
    own) and the draft's "Actions" block (the letter lists the actions from the meeting's
    records, with their owners and due dates). A heading line followed by a list is kept with its
    list. Returned in two parts: what comes before the draft's actions, and what comes after
    them (its closing lines), so the letter's own lists go where the draft had its actions."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    salutation = next((i for i, line in enumerate(lines) if line.strip().lower().startswith("dear ")), None)
    if salutation is not None:
        lines = lines[salutation + 1 :]
    ending = next((i for i, line in enumerate(lines) if line.strip().lower().startswith("yours ")), None)
    if ending is not None:
        lines = lines[:ending]
    paragraphs = [part.strip() for part in "\n".join(lines).split("\n\n") if part.strip()]
    before: list[str] = []
    after: list[str] | None = None
    skip_next = False
    for paragraph in paragraphs:
        kept = before if after is None else after
        paragraph_lines = [line.strip() for line in paragraph.split("\n")]
        if skip_next:
            skip_next = False
            if all(line[:1].isdigit() or line.lower().startswith("no actions") for line in paragraph_lines):
                continue
        if after is None and paragraph.rstrip(":").strip().lower() == "actions":
            after, skip_next = [], True
            continue
        if kept and all(_is_list_line(line) for line in paragraph_lines) and "\n" not in kept[-1]:
            heading = kept.pop().rstrip(":")
            items = [line.lstrip("•-* ").strip() for line in paragraph_lines]
            kept.append(_listed(f"{heading}:", items))
            continue
        kept.append(paragraph)
    return before, after or []


def post_meeting_paragraphs(meeting, *, language: str) -> list[str]:
    """The paragraphs of the letter after ``meeting``, in ``language``: the meeting's own draft
    (as written, in either language), or an opening from the translated strings when it has
    none; the key discussion points (the agenda in order, each with the outcomes recorded
    against it, then any other decisions); the actions, each with its owner and due date; and
    the draft's closing lines (or one from the translations)."""
    from meetings.choices import ActionStatus
    from meetings.selectors import record_for_organisation

    # Only what concerns the addressee: items, decisions and actions about another organisation
    # invited to the same meeting stay out of this one's letter.
    record = record_for_organisation(meeting, meeting.organisation_id)
    items = record.agenda_items
    decisions = record.decisions
    allowed = {action.pk for action in record.actions}
    actions = [
        action
        for action in meeting.actions.exclude(status=ActionStatus.CANCELLED)
        .select_related("owner", "organisation")
        .order_by("due_on", "pk")
        if action.pk in allowed
    ]
    with translation.override(language):
        held_on = meeting.held_on or meeting.meeting_on
        paragraphs, closing = meeting_draft_paragraphs(meeting.letter_draft)
        if not paragraphs and not closing:
            paragraphs = [
                _(
                    "Thank you for the %(meeting)s on %(date)s. This letter sets out the key points we discussed "
                    "and the actions we agreed."
                )
                % {"meeting": meeting.meeting_type.display_name, "date": _date(held_on)}
            ]
            closing = [_("Please tell us if anything here does not match your understanding of the meeting.")]

        def outcome(decision) -> str:
            label = f" ({decision.get_outcome_display()})" if decision.outcome else ""
            return f"{decision.text}{label}"

        points = []
        for item in items:
            outcomes = [outcome(decision) for decision in decisions if decision.agenda_item_id == item.pk]
            points.append(f"{item.display_title}: {'; '.join(outcomes)}" if outcomes else item.display_title)
        points += [
            _("Also decided: %(decision)s") % {"decision": outcome(decision)}
            for decision in decisions
            if decision.agenda_item_id is None
        ]
        if points:
            paragraphs.append(_listed(_("Key discussion points") + ":", points))

        if actions:
            lines = []
            for action in actions:
                owner = action.owner_display or _("to be confirmed")
                if action.organisation_id:
                    owner = f"{owner} ({action.organisation.display_short_name})"
                due = _date(action.due_on) if action.due_on else _("no date set")
                lines.append(f"{action.title}. {_('Owner')}: {owner}. {_('Due')}: {due}.")
            paragraphs.append(_listed(_("Actions") + ":", lines))
        else:
            paragraphs.append(_("No actions were agreed at the meeting."))
    return paragraphs + closing


def _existing_letter(meeting) -> Document | None:
    """The meeting's letter, if it has one: its latest version (a correction replaces the first)."""
    return (
        Document.objects.filter(kind=Document.Kind.POST_MEETING_LETTER, meeting=meeting)
        .order_by("-created_at", "-pk")
        .first()
    )


def document_draft_from_meeting(
    *,
    actor,
    meeting,
    language: str | None = None,
    addressee_name: str = "",
    addressee_role: str = "",
    signatory=None,
    signatory_role: str = "",
    batch=None,
) -> Document:
    """Draft the letter that follows a held CEO/Executive Review or JET [000 §15], to the
    organisation's chief executive. A meeting has one letter: a second draft is refused (the
    first is edited, or corrected by a re-issue once issued)."""
    from meetings.choices import HELD_STATUSES

    access.require(actor, "reporting.document.draft", meeting)
    refuse(
        rules.document_transition_refusal(
            status=rules.DOC_DRAFT,
            to_status=rules.DOC_DRAFT,
            kind=Document.Kind.POST_MEETING_LETTER,
            level=None,
            roles=access.principal(actor).roles,
        )
    )
    with transaction.atomic():
        # The meeting's row is locked so that two drafters at once make one letter between them.
        from meetings.models import Meeting

        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("meeting_type", "organisation")
            .get(pk=meeting.pk)
        )
        existing = _existing_letter(meeting)
        refuse(
            rules.post_meeting_letter_refusal(
                held=meeting.status in HELD_STATUSES,
                letter_follows=meeting.meeting_type.letter_follows,
                has_organisation=meeting.organisation_id is not None,
                existing=None if existing is None else (existing.register_number or str(_("a draft"))),
            )
        )
        organisation = meeting.organisation
        held_on = meeting.held_on or meeting.meeting_on
        default_name, default_role = _addressee(organisation)
        title, title_cy = in_both_languages(
            lambda: (
                _("%(meeting)s on %(date)s: key points and actions")
                % {"meeting": meeting.meeting_type.display_name, "date": _date(held_on)}
            )
        )
        document = Document(
            kind=Document.Kind.POST_MEETING_LETTER,
            language=language or default_language(organisation),
            title=title,
            title_cy=title_cy,
            body="\n\n".join(post_meeting_paragraphs(meeting, language="en")),
            body_cy="\n\n".join(post_meeting_paragraphs(meeting, language="cy")),
            organisation=organisation,
            meeting=meeting,
            addressee_name=addressee_name or default_name,
            addressee_role=addressee_role or default_role,
            signatory=signatory,
            signatory_role=signatory_role,
            drafted_by=actor,
            batch=batch,
        )
        return create_recorded(document, actor=actor, reason=f"Drafted from meeting {meeting.pk}")


# --- Letters of concern and performance notices, levels 1-2 [001 §7.2] -----------------------------


def _scope_label(*, kind: str, domain=None, service_name: str = "") -> str:
    """A scope's name in the active language."""
    if kind == ScopeKind.ORGANISATION:
        return str(_("Whole organisation"))
    if kind == ScopeKind.DOMAIN and domain is not None:
        return getattr(domain, "display_name", None) or str(domain)
    return service_name


def concern_letter_paragraphs(
    *, organisation, scope_label, level: int, concerns, evidence: str, expectations: str, respond_by: date, on: date
) -> list[str]:
    """The paragraphs of a letter of concern, in the active language: why Welsh Government is
    concerned (each concern, who raised it and when, what it rests on), the level and what it
    means (Annex 1), what is expected and by when, and what happens next."""
    values = {
        "organisation": organisation.display_name,
        "scope": scope_label,
        "level": level,
        "name": Level(level).label,
    }
    paragraphs = [
        _(
            "I am writing to set out formally Welsh Government's concerns about %(organisation)s (%(scope)s), which "
            "is at level %(level)s, %(name)s, of the escalation framework. This letter is a formal notification: as "
            "accountable officer you are responsible for the recovery it asks for."
        )
        % values
    ]
    lines = []
    for concern in concerns:
        raised = _("raised by %(source)s on %(date)s") % {
            "source": concern.get_source_display(),
            "date": _date(concern.raised_on),
        }
        lines.append(f"{concern.title} ({raised}): {concern.description}")
    if lines:
        paragraphs.append(_listed(_("Concerns") + ":", lines))
    if evidence.strip():
        paragraphs.append(_("The evidence: %(evidence)s") % {"evidence": evidence.strip()})
    paragraphs += _level_paragraphs(level, on=on)
    if expectations.strip():
        paragraphs.append(_("What we expect: %(text)s") % {"text": expectations.strip()})
    paragraphs.append(
        _(
            "Please reply by %(date)s with the actions your organisation is taking to address these concerns, who "
            "leads them and when they will be complete."
        )
        % {"date": _date(respond_by)}
    )
    paragraphs.append(
        _(
            "Next steps: we will review your reply and the evidence at your next review meeting. If the concerns are "
            "not addressed, Welsh Government may escalate %(organisation)s to a higher level under the framework."
        )
        % values
    )
    next_meetings = _next_meetings_paragraph(organisation.pk)
    if next_meetings:
        paragraphs.append(next_meetings)
    return paragraphs


def document_draft_letter_of_concern(
    *,
    actor,
    case=None,
    organisation=None,
    scope=None,
    expectations: str = "",
    respond_by: date | None = None,
    language: str | None = None,
    addressee_name: str = "",
    addressee_role: str = "",
    signatory=None,
    signatory_role: str = "",
) -> Document:
    """Draft a letter of concern (performance notice) to an organisation about one scope, from its
    escalation case or from the organisation and scope (``escalation.services.Scope``). Only at
    level 1 or 2 (the scope's level today): from level 3 up the decision's notification letter
    tells the organisation (``rules.letter_of_concern_refusal``)."""
    from escalation.models import Concern, EscalationCase
    from escalation.selectors import latest_effective_decision, level_of

    if case is None and (organisation is None or scope is None):
        raise TypeError("document_draft_letter_of_concern needs a case, or an organisation and a scope")
    access.require(actor, "reporting.document.draft", case if case is not None else organisation)
    refuse(
        rules.document_transition_refusal(
            status=rules.DOC_DRAFT,
            to_status=rules.DOC_DRAFT,
            kind=Document.Kind.LETTER_OF_CONCERN,
            level=None,
            roles=access.principal(actor).roles,
        )
    )
    if case is not None:
        organisation = case.organisation
        kind, domain, service_name, key = case.scope_kind, case.domain, case.service_name, case.scope_key
    else:
        scope.validate()
        kind, domain, service_name, key = scope.kind, scope.domain, scope.service_name, scope.key
        case = (
            EscalationCase.objects.filter(organisation=organisation, scope_key=key)
            .exclude(phase=CasePhase.CLOSED)
            .first()
        )
    today = timezone.localdate()
    level = level_of(organisation_id=organisation.pk, scope_key=key, on=today)
    refuse(rules.letter_of_concern_refusal(level=level))
    respond_by = respond_by or rules.letter_of_concern_reply_due(today)
    if respond_by < today:
        raise OversightError(
            _("The date for a reply must be today or later."), code="respond_by_past", field="respond_by"
        )

    concerns = Concern.objects.filter(organisation=organisation).exclude(status=ConcernStatus.CLOSED)
    if case is not None:
        concerns = concerns.filter(case=case)
    elif kind == ScopeKind.DOMAIN:
        concerns = concerns.filter(domain=domain)
    concerns = list(concerns.order_by("raised_on", "pk"))
    decision = latest_effective_decision(organisation_id=organisation.pk, scope_key=key, on=today)
    evidence = decision.evidence if decision is not None else ""

    def paragraphs(language: str) -> str:
        with translation.override(language):
            return "\n\n".join(
                concern_letter_paragraphs(
                    organisation=organisation,
                    scope_label=_scope_label(kind=kind, domain=domain, service_name=service_name),
                    level=level,
                    concerns=concerns,
                    evidence=evidence,
                    expectations=expectations,
                    respond_by=respond_by,
                    on=today,
                )
            )

    default_name, default_role = _addressee(organisation)
    title, title_cy = in_both_languages(
        lambda: (
            _("Letter of concern: %(organisation)s (%(scope)s)")
            % {
                "organisation": organisation.display_name,
                "scope": _scope_label(kind=kind, domain=domain, service_name=service_name),
            }
        )
    )
    document = Document(
        kind=Document.Kind.LETTER_OF_CONCERN,
        language=language or default_language(organisation),
        title=title[:300],
        title_cy=title_cy[:300],
        body=paragraphs("en"),
        body_cy=paragraphs("cy"),
        organisation=organisation,
        case=case,
        level=level,
        addressee_name=addressee_name or default_name,
        addressee_role=addressee_role or default_role,
        signatory=signatory,
        signatory_role=signatory_role,
        drafted_by=actor,
    )
    return create_recorded(document, actor=actor, reason=f"Letter of concern drafted at level {level}")


EDITABLE = ("title", "title_cy", "body", "body_cy", "language", "addressee_name", "addressee_role", "signatory_role")


@transaction.atomic
def document_update(
    *, actor, document: Document, expected_version: int | None, reason: str = "", **changes
) -> Document:
    """Change a draft's text, language or addressee. Only a draft changes."""
    access.require(actor, "reporting.document.draft", document)
    unknown = set(changes) - set(EDITABLE) - {"signatory"}
    if unknown:
        raise TypeError(f"document_update cannot change {sorted(unknown)}")
    document = lock_at_version(Document, pk=document.pk, expected_version=expected_version)
    refuse(rules.document_editable_refusal(status=document.status))
    for name, value in changes.items():
        setattr(document, name, value)
    return save_new_version(document, actor=actor, reason=reason or "Draft edited")


def approval_refusal(*, actor, document: Document):
    """Why ``actor`` may not approve ``document`` now (``rules.document_transition_refusal``), or None."""
    return rules.document_transition_refusal(
        status=document.status,
        to_status=rules.DOC_APPROVED,
        kind=document.kind,
        level=_level_for_approval(document),
        roles=access.principal(actor).roles,
        drafted_by_self=document.drafted_by_id == actor.pk,
    )


@transaction.atomic
def document_approve(*, actor, document: Document, expected_version: int | None, reason: str = "") -> Document:
    """Approve a draft for issue, by the signatory's role; the approver signs if no one else is named."""
    access.require(actor, "reporting.document.approve", document)
    document = lock_at_version(Document, pk=document.pk, expected_version=expected_version)
    refuse(approval_refusal(actor=actor, document=document))
    document.status = Document.Status.APPROVED
    document.approved_by = actor
    document.approved_on = timezone.localdate()
    if document.signatory_id is None:
        document.signatory = actor
        if not document.signatory_role:
            roles = access.principal(actor).roles
            document.signatory_role = str(
                _("Welsh Government decision maker")
                if rules.WG_DECISION_MAKER in roles
                else _("Welsh Government official")
            )
    return save_new_version(document, actor=actor, reason=reason or "Approved for issue")


def document_issue(*, actor, document: Document, expected_version: int | None) -> Document:
    """Issue an approved document: the PDF is rendered, numbered and stored by a Celery task.
    An issued document is left as it is (issuing twice issues once)."""
    from .tasks import issue_document

    access.require(actor, "reporting.document.issue", document)
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.status == Document.Status.ISSUED:
            return current
        lock_at_version(Document, pk=document.pk, expected_version=expected_version)
        refuse(
            rules.document_transition_refusal(
                status=current.status,
                to_status=rules.DOC_ISSUED,
                kind=current.kind,
                level=_level_for_approval(current),
                roles=access.principal(actor).roles,
            )
        )
        transaction.on_commit(lambda: issue_document.delay(current.pk, actor.pk))
    return current


def letter_blocks(paragraphs: list[str]) -> list[dict]:
    """The paragraphs as the letter prints them: each a block of lead lines and, where its lines
    start with a bullet ("• ", "- " or "* "), a list, so the PDF shows (and tags) a real list."""
    blocks = []
    for paragraph in paragraphs:
        lead: list[str] = []
        items: list[str] = []
        for line in paragraph.split("\n"):
            line = line.strip()
            if not line:
                continue
            if _is_list_line(line):
                items.append(line.lstrip("•-* ").strip())
            elif items:  # text after a list starts a new block
                blocks.append({"lead": lead, "items": items})
                lead, items = [line], []
            else:
                lead.append(line)
        blocks.append({"lead": lead, "items": items})
    return blocks


def letter_context(document: Document, *, issued: bool) -> dict:
    """What the letter template needs: plain values, with lazy labels evaluated per language.
    Each part (Welsh, English, or both with the Welsh first) has its own title and text."""
    decision, case, meeting = document.decision, document.case, document.meeting
    signatory = document.signatory
    scoped = decision if decision is not None else case
    parts = []
    for language in ("cy", "en"):
        if document.language not in (language, Document.Language.BILINGUAL):
            continue
        title = (document.title_cy or document.title) if language == "cy" else document.title
        paragraphs = document.paragraphs(language) or document.paragraphs("en")
        parts.append({"language": language, "title": title, "blocks": letter_blocks(paragraphs)})
    return {
        "title": parts[0]["title"] if parts else document.title,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "addressee_name": document.addressee_name,
        "addressee_role": document.addressee_role,
        "organisation_name": lambda: document.organisation.display_name,
        "scope": (lambda: scoped.scope_label) if scoped is not None else "",
        "level": document.level,
        "level_name": Level(document.level).label if document.level else "",
        "meeting_title": meeting.title if meeting is not None else "",
        "meeting_type": (lambda: meeting.meeting_type.display_name) if meeting is not None else "",
        "meeting_held_on": (meeting.held_on or meeting.meeting_on) if meeting is not None else None,
        "signatory_name": (signatory.get_full_name() or signatory.get_username()) if signatory else "",
        "signatory_role": document.signatory_role,
        "footer_text": document.register_number or _("Draft"),
        "parts": parts,
    }


def render_document(document: Document, *, issued: bool) -> RenderedPdf:
    """The document's PDF: a letter through the letter template, or a composed document (agenda
    pack, performance pack, public summary...) through its kind's renderer in
    ``reporting.compositions``."""
    from .compositions import RENDERERS

    renderer = RENDERERS.get(document.kind)
    if renderer is not None:
        return renderer(document, issued=issued)
    return render(LETTER_TEMPLATE, letter_context(document, issued=issued), language=document.language)


def document_preview(document: Document) -> RenderedPdf:
    """The PDF as it would be issued now (marked as a draft), without storing anything."""
    return render_document(document, issued=False)


def document_issue_now(document_id: int, actor_id: int) -> Document:
    """Render, number and store the PDF of an approved document (the task's work). Run twice, it
    issues once: an issued document is returned unchanged. The register number is taken from the
    year's ``RegisterCounter``, locked until the document is saved, so two documents issued at
    the same moment take two numbers (``_issue_once``)."""
    actor = get_user_model().objects.get(pk=actor_id)
    for attempt in range(3):
        try:
            return _issue_once(document_id, actor)
        except (IntegrityError, ValidationError) as error:
            # A safety net only: with the counter locked, a number is never taken twice, unless
            # one was written past the counter by hand. The next attempt numbers after it.
            taken = isinstance(error, IntegrityError) or "register_number" in getattr(error, "error_dict", {})
            if not taken:
                raise
            if attempt == 2:
                raise Contention(f"Register number taken three times running for document {document_id}") from error
    raise AssertionError("unreachable")


def _next_sequence(year: int, counter: RegisterCounter | None) -> int:
    """One more than the year's highest number: the counter's, or a number already on the
    register (issued before the counter existed)."""
    numbers = Document.objects.filter(register_number__startswith=f"{rules.REGISTER_PREFIX}-{year:04d}-")
    given = rules.next_register_sequence(numbers.values_list("register_number", flat=True), year=year)
    return max(given, (counter.last + 1) if counter is not None else 1)


def _locked_counter(year: int) -> RegisterCounter:
    """The year's counter, locked until the transaction ends (made at the year's first number:
    two workers making it at once, the second waits for the first's and takes it)."""
    counter = RegisterCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                RegisterCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = RegisterCounter.objects.select_for_update().get(year=year)
    return counter


def _issue_once(document_id: int, actor) -> Document:
    """Issue in one transaction. The PDF (which prints the number) is rendered first with the
    number the counter says is next, without a lock, so workers render side by side; then the
    counter is locked and the number taken. If another worker took that number meanwhile, the
    PDF is rendered again with the new one, under the lock (rare: only when workers are in
    step). The counter stays locked until the document is saved and committed."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("organisation", "decision")
            .get(pk=document_id)
        )
        if document.status == Document.Status.ISSUED:
            return document
        access.require(actor, "reporting.document.issue", document)
        refuse(
            rules.document_transition_refusal(
                status=document.status,
                to_status=rules.DOC_ISSUED,
                kind=document.kind,
                level=_level_for_approval(document),
                roles=access.principal(actor).roles,
            )
        )
        today = timezone.localdate()
        document.issued_on = today
        document.issued_by = actor
        expected = _next_sequence(today.year, RegisterCounter.objects.filter(year=today.year).first())
        document.register_number = rules.register_number(year=today.year, sequence=expected)
        rendered = render_document(document, issued=True)
        counter = _locked_counter(today.year)
        sequence = _next_sequence(today.year, counter)
        if sequence != expected:
            document.register_number = rules.register_number(year=today.year, sequence=sequence)
            rendered = render_document(document, issued=True)
        counter.last = sequence
        counter.save(update_fields=["last"])
        document.file.save(f"{document.register_number}.pdf", ContentFile(rendered.data), save=False)
        document.sha256 = hashlib.sha256(rendered.data).hexdigest()
        document.size = len(rendered.data)
        document.page_count = rendered.pages
        document.status = Document.Status.ISSUED
        try:
            return save_new_version(document, actor=actor, reason=f"Issued as {document.register_number}")
        except Exception:
            document.file.delete(save=False)  # no stored file without its register entry
            raise


@transaction.atomic
def document_reissue(*, actor, document: Document, reason: str) -> Document:
    """A correction: a new draft, copying the issued document's text, that replaces it."""
    access.require(actor, "reporting.document.draft", document)
    if not reason.strip():
        raise OversightError(_("Say why the document is re-issued."), code="reason_required", field="reason")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status != Document.Status.ISSUED:
        raise OversightError(_("Only an issued document can be re-issued."), code="document_not_issued")
    if Document.objects.filter(replaces=document).exists():
        raise OversightError(
            _("This document has already been replaced: correct the newer version."), code="document_replaced"
        )
    correction = Document(
        kind=document.kind,
        language=document.language,
        title=document.title,
        title_cy=document.title_cy,
        body=document.body,
        body_cy=document.body_cy,
        organisation=document.organisation,
        decision=document.decision,
        case=document.case,
        meeting=document.meeting,
        pack=document.pack,
        level=document.level,
        year=document.year,
        month=document.month,
        addressee_name=document.addressee_name,
        addressee_role=document.addressee_role,
        signatory=document.signatory,
        signatory_role=document.signatory_role,
        drafted_by=actor,
        replaces=document,
        reissue_reason=reason.strip(),
    )
    return create_recorded(correction, actor=actor, reason=f"Re-issue of {document.register_number}: {reason}")

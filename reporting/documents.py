"""Documents: letters and PDFs, from draft to issue (the writes).

* ``document_draft_from_decision`` – an escalation or de-escalation notification letter drafted
  from a decided decision, its text (English and Welsh) filled in from the decision: the scope,
  the new level and what it means (Annex 1, ``LevelDescription``), the reasons, the
  de-escalation criteria or the date by which they are to be agreed, the support offered and
  the next meetings.
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

from escalation.choices import DecisionStatus, Level
from escalation.rules import criteria_agreement_due
from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import OversightError, refuse

from . import rules
from .models import Document
from .pdf import RenderedPdf, render

LETTER_TEMPLATE = "reporting/documents/letter.html"


# --- Drafting ----------------------------------------------------------------------------------


def _date(value: date | None) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j F Y") if value else ""


def _addressee(organisation) -> tuple[str, str]:
    """The organisation's current chief executive, from its office holders, if recorded."""
    holder = (
        organisation.officeholders.filter(role="chief_executive", end_date__isnull=True).order_by("-start_date").first()
    )
    if holder is None:
        return _("The Chief Executive"), ""
    return holder.name, holder.title or str(holder.get_role_display())


def notification_paragraphs(decision, *, language: str) -> list[str]:
    """The paragraphs of a notification letter about ``decision``, in ``language``."""
    from escalation.models import DeescalationCriterion
    from escalation.selectors import level_description
    from meetings.choices import MeetingStatus
    from meetings.models import Meeting

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

        description = level_description(level=decision.to_level, on=decision.decided_on or timezone.localdate())
        if description is not None:
            paragraphs.append(
                _("What level %(level)s means: %(text)s")
                % {"level": decision.to_level, "text": description.display_description}
            )
            if description.display_wg_expectations:
                paragraphs.append(
                    _("What Welsh Government will do: %(text)s") % {"text": description.display_wg_expectations}
                )
            if description.display_organisation_expectations:
                paragraphs.append(
                    _("What we expect of your organisation: %(text)s")
                    % {"text": description.display_organisation_expectations}
                )

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

        meetings = (
            Meeting.objects.filter(organisation=decision.organisation_id, starts_at__gte=timezone.now())
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("meeting_type")
            .order_by("starts_at")[:3]
        )
        lines = [f"• {meeting.title}, {_date(timezone.localtime(meeting.starts_at).date())}" for meeting in meetings]
        if lines:
            paragraphs.append(_("The next meetings:") + "\n" + "\n".join(lines))
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
    language: str = Document.Language.ENGLISH,
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
    with translation.override("en"):
        title = (
            _("Notification of de-escalation: %(organisation)s")
            if moving == "de-escalation"
            else _("Notification of escalation: %(organisation)s")
        ) % {"organisation": decision.organisation.name}
    document = Document(
        kind=Document.Kind.ESCALATION_NOTIFICATION,
        language=language,
        title=title,
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


EDITABLE = ("title", "body", "body_cy", "language", "addressee_name", "addressee_role", "signatory_role")


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


@transaction.atomic
def document_approve(*, actor, document: Document, expected_version: int | None, reason: str = "") -> Document:
    """Approve a draft for issue, by the signatory's role; the approver signs if no one else is named."""
    access.require(actor, "reporting.document.approve", document)
    document = lock_at_version(Document, pk=document.pk, expected_version=expected_version)
    refuse(
        rules.document_transition_refusal(
            status=document.status,
            to_status=rules.DOC_APPROVED,
            kind=document.kind,
            level=_level_for_approval(document),
            roles=access.principal(actor).roles,
            drafted_by_self=document.drafted_by_id == actor.pk,
        )
    )
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


def letter_context(document: Document, *, issued: bool) -> dict:
    """What the letter template needs: plain values, with lazy labels evaluated per language."""
    decision = document.decision
    signatory = document.signatory
    return {
        "title": document.title,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "addressee_name": document.addressee_name,
        "addressee_role": document.addressee_role,
        "organisation_name": lambda: document.organisation.display_name,
        "scope": (lambda: decision.scope_label) if decision is not None else "",
        "level": document.level,
        "level_name": Level(document.level).label if document.level else "",
        "signatory_name": (signatory.get_full_name() or signatory.get_username()) if signatory else "",
        "signatory_role": document.signatory_role,
        "footer_text": document.register_number or _("Draft"),
        "parts": [
            {"language": language, "paragraphs": document.paragraphs(language) or document.paragraphs("en")}
            for language in ("cy", "en")
            if document.language in (language, Document.Language.BILINGUAL)
        ],
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
    issues once: an issued document is returned unchanged. Two documents issued at the same
    moment may reach for the same register number: the second is refused by the unique
    constraint and numbered again."""
    actor = get_user_model().objects.get(pk=actor_id)
    for attempt in range(3):
        try:
            return _issue_once(document_id, actor)
        except (IntegrityError, ValidationError) as error:
            # The number was taken meanwhile: the database's unique constraint, or the model's
            # unique check before the save, says so. Anything else is not ours to retry.
            taken = isinstance(error, IntegrityError) or "register_number" in getattr(error, "error_dict", {})
            if attempt == 2 or not taken:
                raise
    raise AssertionError("unreachable")


def _issue_once(document_id: int, actor) -> Document:
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
        numbers = Document.objects.filter(register_number__startswith=f"{rules.REGISTER_PREFIX}-{today.year:04d}-")
        sequence = rules.next_register_sequence(numbers.values_list("register_number", flat=True), year=today.year)
        document.register_number = rules.register_number(year=today.year, sequence=sequence)
        document.issued_on = today
        document.issued_by = actor
        rendered = render_document(document, issued=True)
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
        body=document.body,
        body_cy=document.body_cy,
        organisation=document.organisation,
        decision=document.decision,
        case=document.case,
        meeting=document.meeting,
        pack=document.pack,
        level=document.level,
        addressee_name=document.addressee_name,
        addressee_role=document.addressee_role,
        signatory=document.signatory,
        signatory_role=document.signatory_role,
        drafted_by=actor,
        replaces=document,
        reissue_reason=reason.strip(),
    )
    return create_recorded(correction, actor=actor, reason=f"Re-issue of {document.register_number}: {reason}")

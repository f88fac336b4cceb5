"""Publication: making decisions and documents public (the writes), and what the public register
reads (the public selectors).

Making something public is an explicit act of a WG official or decision maker. It copies the
public fields of the decision or document into a public-register record (``PublishedDecision``,
``PublishedDocument``); the public pages read those records and nothing else, so the rationale as
drafted, sign-off names, evidence and unreleased figures cannot reach them. Changing the public
summary is a new version of the record; withdrawing it keeps the record with the reason. The
rules (who, what, when) are in ``reporting.rules`` under "Publication".
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import refuse

from . import rules
from .models import PublishedDecision, PublishedDocument

# --- Writes -------------------------------------------------------------------------------------


def decision_superseded(decision) -> bool:
    """Corrected by a later decision (supersession), or carried over to a 2026 pillar at the
    cutover (a re-scoping entry): either way, no longer the decision in force for its scope."""
    from escalation.models import EscalationDecision

    return EscalationDecision.objects.filter(Q(supersedes=decision) | Q(rescoped_from=decision)).exists()


def _scope_labels(decision) -> tuple[str, str]:
    with translation.override("en"):
        english = str(decision.scope_label)
    with translation.override("cy"):
        welsh = str(decision.scope_label)
    return english, welsh


@transaction.atomic
def decision_publish(
    *, actor, decision, summary: str, summary_cy: str = "", expected_version: int | None = None
) -> PublishedDecision:
    """Make a decided decision public with a summary of its reasons written for the public, or
    change the summary of (or publish again) a decision already public. Only the public fields are
    copied: organisation, scope, levels, dates and the summary."""
    access.require(actor, "reporting.publication.publish", decision)
    summary, summary_cy = summary.strip(), summary_cy.strip()
    refuse(
        rules.decision_publication_refusal(
            status=decision.status,
            effective_from=decision.effective_from,
            summary=summary,
            roles=access.principal(actor).roles,
            superseded=decision_superseded(decision),
        ),
        field="summary",
    )
    if summary_cy:
        refuse(
            rules.decision_publication_refusal(
                status=decision.status,
                effective_from=decision.effective_from,
                summary=summary_cy,
                roles=access.principal(actor).roles,
            ),
            field="summary_cy",
        )
    scope_label, scope_label_cy = _scope_labels(decision)
    public = {
        "organisation_id": decision.organisation_id,
        "scope_key": decision.scope_key,
        "scope_label": scope_label,
        "scope_label_cy": scope_label_cy,
        "from_level": decision.from_level,
        "to_level": decision.to_level,
        "decided_on": decision.decided_on,
        "effective_from": decision.effective_from,
        "summary": summary,
        "summary_cy": summary_cy,
    }
    existing = PublishedDecision.objects.filter(decision=decision).first()
    if existing is None:
        return create_recorded(
            PublishedDecision(decision=decision, published_on=timezone.localdate(), published_by=actor, **public),
            actor=actor,
            reason=f"Decision {decision.pk} made public",
        )
    record = lock_at_version(PublishedDecision, pk=existing.pk, expected_version=expected_version)
    republished = record.withdrawn_on is not None
    for name, value in public.items():
        setattr(record, name, value)
    if republished:
        record.withdrawn_on, record.withdrawn_reason = None, ""
        record.published_on, record.published_by = timezone.localdate(), actor
    return save_new_version(
        record, actor=actor, reason="Made public again" if republished else "Public summary changed"
    )


@transaction.atomic
def publication_withdraw(*, actor, record, reason: str, expected_version: int | None):
    """Take a decision or document off the public register, saying why; the record is kept."""
    model = type(record)
    access.require(actor, "reporting.publication.publish", record)
    record = lock_at_version(model, pk=record.pk, expected_version=expected_version)
    refuse(
        rules.withdrawal_refusal(
            withdrawn=record.withdrawn_on is not None, reason=reason, roles=access.principal(actor).roles
        ),
        field="reason",
    )
    record.withdrawn_on = timezone.localdate()
    record.withdrawn_reason = reason.strip()
    return save_new_version(record, actor=actor, reason=f"Withdrawn from the public register: {reason.strip()}")


@transaction.atomic
def document_publish(*, actor, document) -> PublishedDocument:
    """Make an issued public accountability summary public: its title, year, register number,
    date and checksum are copied, and its PDF is then served without sign-in."""
    access.require(actor, "reporting.publication.publish", document)
    refuse(
        rules.document_publication_refusal(
            kind=document.kind, status=document.status, roles=access.principal(actor).roles
        )
    )
    public = {
        "organisation_id": document.organisation_id,
        "kind": document.kind,
        "year": document.year,
        "title": document.title,
        "title_cy": document.title_cy,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "sha256": document.sha256,
    }
    existing = PublishedDocument.objects.select_for_update().filter(document=document).first()
    if existing is None:
        return create_recorded(
            PublishedDocument(document=document, published_on=timezone.localdate(), published_by=actor, **public),
            actor=actor,
            reason=f"{document.register_number} made public",
        )
    if existing.withdrawn_on is None:
        return existing
    existing.withdrawn_on, existing.withdrawn_reason = None, ""
    existing.published_on, existing.published_by = timezone.localdate(), actor
    return save_new_version(existing, actor=actor, reason="Made public again")


# --- The public register (reads) ---------------------------------------------------------------


def public_decisions() -> QuerySet[PublishedDecision]:
    """Every decision on the public register (not withdrawn, nor corrected by a later decision),
    newest first."""
    return (
        PublishedDecision.objects.filter(withdrawn_on__isnull=True, decision__superseded_by__isnull=True)
        .select_related("organisation")
        .order_by("-effective_from", "organisation__name", "scope_label")
    )


def public_current_levels(*, on: date | None = None) -> QuerySet[PublishedDecision]:
    """The level of each organisation in each scope as published: for every organisation and
    scope, the latest published decision in effect on ``on`` (today by default). One query,
    however long the history."""
    on = on or timezone.localdate()
    in_effect = PublishedDecision.objects.filter(
        withdrawn_on__isnull=True,
        effective_from__lte=on,
        decision__superseded_by__isnull=True,
        decision__rescoped_to__isnull=True,
    )
    later = in_effect.filter(organisation=OuterRef("organisation"), scope_key=OuterRef("scope_key")).filter(
        Q(effective_from__gt=OuterRef("effective_from"))
        | Q(effective_from=OuterRef("effective_from"), decided_on__gt=OuterRef("decided_on"))
        | Q(effective_from=OuterRef("effective_from"), decided_on=OuterRef("decided_on"), pk__gt=OuterRef("pk"))
    )
    return in_effect.filter(~Exists(later)).select_related("organisation").order_by("organisation__name", "scope_key")


def public_documents() -> QuerySet[PublishedDocument]:
    """Every document on the public register (not withdrawn), newest first."""
    return (
        PublishedDocument.objects.filter(withdrawn_on__isnull=True)
        .select_related("organisation")
        .order_by("-published_on", "organisation__name")
    )

"""Batches of documents: drafted together, approved together, issued together.

For example "all post-meeting letters for this month's reviews":

* ``batch_create_post_meeting_letters`` – a letter for every meeting held in the month whose type
  a letter follows and which has no letter yet, in a new ``DocumentBatch``.
* ``batch_approve_drafts`` – the approver approves, in one action, every draft of the batch they
  may approve; each approval is ``documents.document_approve`` with its rules (an official does
  not approve their own draft), and a draft they may not approve is left as it is, with why.
* ``batch_issue`` – every approved document of the batch issued by ONE Celery group of
  ``reporting.tasks.issue_document`` tasks, queued on commit; the batch records who started it,
  when, and the group's id. Issuing again issues nothing twice: only documents still approved
  (not yet issued) are queued, and the task itself issues a document once.
* ``batch_progress`` – how many of the batch's documents are issued (the progress bar).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import OversightError, refuse

from . import documents, rules
from .models import Document, DocumentBatch


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def meetings_awaiting_letters(*, user, month: date):
    """The meetings held in ``month`` (by the day they were held) whose type a letter follows,
    with one organisation, that have no letter yet: what a batch for the month would draft."""
    from meetings.models import Meeting

    start = first_of_month(month)
    lettered = Document.objects.filter(kind=Document.Kind.POST_MEETING_LETTER, meeting__isnull=False)
    return (
        access.restrict_meetings(Meeting.objects.held(), user)
        .filter(
            held_on__gte=start,
            held_on__lt=_next_month(start),
            meeting_type__letter_follows=True,
            organisation__isnull=False,
        )
        .exclude(pk__in=lettered.values("meeting_id"))
        .select_related("meeting_type", "organisation")
        .order_by("held_on", "organisation__name", "pk")
    )


@transaction.atomic
def batch_create_post_meeting_letters(*, actor, month: date) -> DocumentBatch:
    """Draft the letter of every meeting held in ``month`` that is waiting for one, as one batch."""
    from django.utils.formats import date_format

    access.require(actor, "reporting.batch.create")
    start = first_of_month(month)
    meetings = list(meetings_awaiting_letters(user=actor, month=start))
    if not meetings:
        raise OversightError(
            _(
                "No meeting held in %(month)s is waiting for its letter: each has one already, or none was held "
                "that a letter follows."
            )
            % {"month": date_format(start, "F Y")},
            code="batch_empty",
            field="month",
        )
    with translation.override("en"):
        title = f"Post-meeting letters, {date_format(start, 'F Y')}"
    batch = create_recorded(
        DocumentBatch(kind=Document.Kind.POST_MEETING_LETTER, title=title, month=start, created_by=actor),
        actor=actor,
        reason=f"{len(meetings)} letters drafted",
    )
    for meeting in meetings:
        documents.document_draft_from_meeting(actor=actor, meeting=meeting, batch=batch)
    return batch


def drafts_approvable_by(*, actor, batch: DocumentBatch) -> list[Document]:
    """The batch's drafts that ``actor`` may approve (by role, and not their own drafts)."""
    if not access.can(actor, "reporting.batch.approve", batch):
        return []
    drafts = batch.documents.filter(status=Document.Status.DRAFT).select_related("decision").order_by("pk")
    return [
        document
        for document in drafts
        if access.can(actor, "reporting.document.approve", document)
        and documents.approval_refusal(actor=actor, document=document) is None
    ]


@dataclass
class BatchApproval:
    approved: list[Document] = field(default_factory=list)
    refused: list[tuple[Document, str]] = field(default_factory=list)


def batch_approve_drafts(*, actor, batch: DocumentBatch, versions: Mapping[int, int] | None = None) -> BatchApproval:
    """Approve every draft of the batch that ``actor`` may approve, each through
    ``documents.document_approve`` (its own transaction and rules); the others stay drafts and are
    reported with the reason.

    ``versions`` is what the approver was shown: each draft's id and the version on the batch page.
    Each draft is approved at that version only, so no one approves text they have not seen: a draft
    changed since (or added to the batch since, so not in ``versions``) stays a draft, reported as
    changed. Without ``versions`` (a caller that has read the current text itself) each draft is
    approved at its current version."""
    access.require(actor, "reporting.batch.approve", batch)
    result = BatchApproval()
    drafts = batch.documents.filter(status=Document.Status.DRAFT).order_by("pk")
    for document in drafts:
        shown = document.version if versions is None else versions.get(document.pk)
        if shown != document.version:
            result.refused.append((document, _("It has changed since you loaded the page: read it, then approve it.")))
            continue
        try:
            approved = documents.document_approve(
                actor=actor, document=document, expected_version=shown, reason=f"Approved with {batch}"
            )
        except OversightError as error:
            result.refused.append((document, error.message))
        else:
            result.approved.append(approved)
    return result


@dataclass(frozen=True)
class BatchIssue:
    batch: DocumentBatch
    queued: int


def batch_issue(*, actor, batch: DocumentBatch, expected_version: int | None = None) -> BatchIssue:
    """Issue every approved document of the batch as one Celery group, queued once the
    transaction commits. Documents already issued are left alone and drafts wait for approval;
    with nothing approved to issue, nothing changes (issuing a batch twice issues once)."""
    from celery import group

    from .tasks import issue_document

    access.require(actor, "reporting.batch.issue", batch)
    with transaction.atomic():
        if expected_version is None:
            current = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        else:
            current = lock_at_version(DocumentBatch, pk=batch.pk, expected_version=expected_version)
        waiting = list(
            Document.objects.select_for_update()
            .filter(batch=current, status=Document.Status.APPROVED)
            .order_by("pk")
            .values_list("pk", "kind", "level")
        )
        if not waiting:
            return BatchIssue(batch=current, queued=0)
        roles = access.principal(actor).roles
        for _pk, kind, level in waiting:
            refuse(
                rules.document_transition_refusal(
                    status=rules.DOC_APPROVED, to_status=rules.DOC_ISSUED, kind=kind, level=level, roles=roles
                )
            )
        current.issue_started_at = timezone.now()
        current.issue_started_by = actor
        current.task_group_id = str(uuid.uuid4())
        save_new_version(current, actor=actor, reason=f"Issue of {len(waiting)} documents started")
        tasks = group(issue_document.s(pk, actor.pk) for pk, _kind, _level in waiting)
        group_id = current.task_group_id
        transaction.on_commit(lambda: tasks.apply_async(task_id=group_id))
    return BatchIssue(batch=current, queued=len(waiting))


@dataclass(frozen=True)
class BatchProgress:
    total: int
    issued: int
    approved: int
    drafts: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.issued == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.issued / self.total) if self.total else 0


def batch_counts():
    """The annotations that count a batch's documents by status (for lists and the progress)."""
    return {
        "total": Count("documents"),
        "issued": Count("documents", filter=Q(documents__status=Document.Status.ISSUED)),
        "approved": Count("documents", filter=Q(documents__status=Document.Status.APPROVED)),
        "drafts": Count("documents", filter=Q(documents__status=Document.Status.DRAFT)),
    }


def batch_progress(batch: DocumentBatch) -> BatchProgress:
    """How far the batch has got: its documents by status, in one query."""
    counts = Document.objects.filter(batch=batch).aggregate(
        total=Count("pk"),
        issued=Count("pk", filter=Q(status=Document.Status.ISSUED)),
        approved=Count("pk", filter=Q(status=Document.Status.APPROVED)),
        drafts=Count("pk", filter=Q(status=Document.Status.DRAFT)),
    )
    return BatchProgress(**counts)

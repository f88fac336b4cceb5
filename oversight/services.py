"""Shared write services: attachments, notifications and the access log of sensitive reads."""

from __future__ import annotations

import hashlib
import logging
import smtplib

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import access
from .errors import UploadRefused
from .models import Attachment, Notification, SensitiveRead

logger = logging.getLogger(__name__)

# What may be uploaded, by the type found in the file's content (never by its name alone).
ALLOWED_TYPES = {
    "application/pdf": {"pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
    "text/csv": {"csv"},
    "text/plain": {"txt"},
}
TEXT_TYPES = {"csv": "text/csv", "txt": "text/plain"}
DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG, CSV or plain text"


def _human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _looks_like_text(head: bytes, *, truncated: bool) -> bool:
    """UTF-8 text with no NUL bytes. Where ``head`` is only the start of a longer file, a
    character cut in two by the end of the sample is not held against it."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return truncated and exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def detect_content_type(*, name: str, head: bytes, truncated: bool = False) -> str:
    """The file's type, found from its content and checked against its name's extension."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/zip" and extension in {"docx", "xlsx", "pptx"}:
            # Some Office files are only recognisable as ZIP from their first bytes.
            mime = next(m for m, exts in ALLOWED_TYPES.items() if extension in exts)
    elif extension in TEXT_TYPES and _looks_like_text(head, truncated=truncated):
        mime = TEXT_TYPES[extension]
    else:
        mime = "application/octet-stream"
    if mime not in ALLOWED_TYPES:
        raise UploadRefused(f"“{name}” is not a file type we accept. Upload a {DESCRIPTION} file.", field="file")
    if extension not in ALLOWED_TYPES[mime]:
        raise UploadRefused(
            f"“{name}” does not contain what its name says: its content is {mime}. "
            "Rename it with the right extension, or upload the right file.",
            field="file",
        )
    return mime


@transaction.atomic
def attachment_create(*, actor, upload, organisation=None, target=None, purpose: str = "") -> Attachment:
    """Store an uploaded file privately, after checking who uploads it, its type and size."""
    access.require(actor, "attachment.upload", Attachment(organisation=organisation))
    name = (upload.name or "").rsplit("/", 1)[-1][:255]
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(f"“{name}” is empty. Choose a file with something in it.", field="file")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(
            f"“{name}” is {_human_size(size)}; "
            f"files must be smaller than {_human_size(settings.ATTACHMENT_MAX_BYTES)}.",
            field="file",
        )
    upload.seek(0)
    head = upload.read(8192)
    mime = detect_content_type(name=name, head=head, truncated=size > len(head))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        organisation=organisation,
        purpose=purpose,
        original_name=name,
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    if target is not None:
        attachment.target_type = ContentType.objects.get_for_model(target)
        attachment.target_id = str(target.pk)
    attachment._history_user = actor
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def notification_send(
    *, recipient, subject: str, dedupe_key: str, body: str = "", url: str = ""
) -> tuple[Notification, bool]:
    """Tell a user something, in the app and by e-mail, at most once per ``dedupe_key``.

    Returns the notification and whether it was new. Safe to call again (from a retried
    task, a second planner run): the unique constraint on (recipient, dedupe_key) holds. A
    notification stored earlier whose e-mail could not be sent then (the mail server was away,
    so the task is retried) is e-mailed now: the e-mail goes at least once. An e-mail the mail
    server refused for good (an unknown mailbox, say) is recorded on the notification and never
    tried again, and does not stop the caller's loop: the next recipient still gets theirs.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, subject=subject[:200], body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        notification = Notification.objects.get(recipient=recipient, dedupe_key=dedupe_key)
        if recipient.email and notification.emailed_at is None and notification.email_failed_at is None:
            _email(notification, recipient)
        return notification, False
    if recipient.email:
        _email(notification, recipient)
    return notification, True


def _mail_refusal(error: smtplib.SMTPException) -> tuple[int, str] | None:
    """The SMTP answer (code, text) when ``error`` is the mail server refusing this e-mail
    (its recipient, its sender or its content); None for anything else (a lost connection, a
    failed sign-in to the server: not this e-mail's fault)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        if not answers:
            return None
        code, text = max(answers, key=lambda answer: answer[0])  # a 5xx if any (one recipient here)
    elif isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        code, text = error.smtp_code, error.smtp_error
    else:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return code, str(text)


def _email(notification: Notification, recipient) -> None:
    """E-mail one notification. A permanent refusal (5xx) is logged and recorded on the
    notification; a temporary one (4xx) raises ``MailDeferred`` and a lost connection its own
    error, both transient (``oversight.celery.TRANSIENT_ERRORS``), so the task is retried."""
    from .celery import MailDeferred

    body = f"{notification.body}\n\n{notification.url}".strip()
    try:
        send_mail(notification.subject, body, None, [recipient.email], fail_silently=False)
    except smtplib.SMTPException as error:
        refusal = _mail_refusal(error)
        if refusal is None:
            raise
        code, text = refusal
        if code < 500:
            raise MailDeferred(f"The mail server deferred notification {notification.pk}: {code} {text}") from error
        logger.warning(
            "The mail server refused notification %s to user %s for good: %s %s",
            notification.pk,
            recipient.pk,
            code,
            text,
            extra={"notification_id": notification.pk, "recipient_id": recipient.pk, "smtp_code": code},
        )
        Notification.objects.filter(pk=notification.pk).update(
            email_failed_at=timezone.now(), email_error=f"{code} {text}"[:300]
        )
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notification_mark_read(*, actor, notification: Notification) -> None:
    access.require(actor, "notification.view", notification)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- The access log of sensitive reads -------------------------------------------------------
#
# What counts as sensitive (docs/decisions.md, "An access log of sensitive reads"): an
# organisation's performance pack until it is released, a letter or document until it is on
# the public register (a performance pack's PDF until its pack is released), and intelligence
# about it. Released and public material is not logged: every signed-in user (or the public)
# may read it, so a log of its reads says nothing about who looked at what they should not.

RELEASED_PACK = "released"
PERFORMANCE_PACK_DOCUMENT = "performance_pack"
# Files are attached (``attachment_create``) to these records, and to no others. A download is
# logged when the file is intelligence or escalation evidence about the organisation, or one of
# its meetings' private papers: never public, and a judgement of its standing in oversight.
SENSITIVE_ATTACHMENT_OWNERS = frozenset(
    {
        ("escalation", "concern"),  # a concern raised about it, with its evidence
        ("escalation", "informationrequest"),  # its answer to an information request
        ("escalation", "deescalationcriterion"),  # evidence against a de-escalation criterion
        ("plans", "requiredsubmission"),  # a submission its escalation case requires
        ("meetings", "meeting"),  # a paper for one of its meetings (a system paper has no organisation)
    }
)
# The organisation's own accountability returns, between it and Welsh Government / NHS P&I,
# and neither a pack, a letter nor intelligence: not logged. Every owner is in one of the two
# sets (tests/oversight/test_sensitive_reads.py makes each with its service and checks).
ATTACHMENT_OWNERS_NOT_LOGGED = frozenset(
    {
        ("plans", "accountabilitycondition"),  # evidence of meeting a condition of the plan's response
        ("accountability", "chairobjective"),  # evidence of progress on the Chair's objectives
        ("accountability", "wellledassessment"),  # evidence for its well-led self-assessment
    }
)


def pack_is_unreleased(pack) -> bool:
    """Is this pack's content still its organisation's (and WG's and NHS P&I's) alone?"""
    return pack.status != RELEASED_PACK


def document_is_unpublished(document) -> bool:
    """Is this letter or document off the public register? A performance pack's PDF holds the
    pack's numbers, so it is sensitive exactly while its pack is unreleased. Reads
    ``document.publication`` (and ``document.pack``): select them with the document."""
    if document.kind == PERFORMANCE_PACK_DOCUMENT and document.pack_id is not None:
        return pack_is_unreleased(document.pack)
    try:
        publication = document.publication
    except ObjectDoesNotExist:
        return True
    return publication.withdrawn_on is not None


def _client_ip(request) -> str | None:
    """The client's address as sign-in protection sees it (behind a trusted proxy, the
    forwarded address; see ``oversight.security.client_ip``)."""
    from .security import client_ip

    return client_ip(request)


def _organisation_id(organisation) -> int:
    return getattr(organisation, "pk", organisation)


def record_sensitive_reads(request, *, reads, kind: str, action: str, object_type: str = "") -> list[SensitiveRead]:
    """Log that the request's user read each of ``reads``: pairs of (object, organisation),
    or (object, organisation, label) to describe the object otherwise than ``str(object)``.

    Call it only after the access policy has let the read through (a 404 is not a read). One
    INSERT for all of them and no other query; the same object is logged once per request
    however often the view asks."""
    user = request.user  # for an API request, the user its token or session authenticates
    if not user.is_authenticated:
        return []
    http = getattr(request, "_request", request)  # the HttpRequest under an API request
    logged = http.__dict__.setdefault("_sensitive_reads_logged", set())
    path = http.get_full_path()[:500]
    request_id = str(getattr(http, "request_id", "") or "")[:64]
    ip_address = _client_ip(http)
    now = timezone.now()
    entries = []
    for read in reads:
        obj, organisation, *label = read
        type_of = obj._meta.label_lower if obj is not None else object_type
        object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
        key = (kind, action, type_of, object_id, _organisation_id(organisation))
        if key in logged:
            continue
        logged.add(key)
        entries.append(
            SensitiveRead(
                at=now,
                user_id=user.pk,
                username=user.get_username()[:150],
                organisation_id=_organisation_id(organisation),
                kind=kind,
                action=action,
                object_type=type_of,
                object_id=object_id[:64],
                object_label=str(label[0] if label else obj)[:300],
                path=path,
                request_id=request_id,
                ip_address=ip_address,
            )
        )
    if entries:
        SensitiveRead.objects.bulk_create(entries)
    return entries


def record_sensitive_read(request, *, obj, organisation, kind: str, action: str, label=None) -> SensitiveRead | None:
    """Log one read of ``obj``, ``organisation``'s unpublished material (see above)."""
    read = (obj, organisation) if label is None else (obj, organisation, label)
    entries = record_sensitive_reads(request, reads=[read], kind=kind, action=action)
    return entries[0] if entries else None


def record_sensitive_list(request, items, *, kind: str, action: str, noun: str) -> list[SensitiveRead]:
    """Log a page or export that shows several organisations' sensitive items (e.g. the
    intelligence list): one entry per organisation, naming how many items and which."""
    items = list(items)
    by_organisation: dict[int, list] = {}
    for item in items:
        by_organisation.setdefault(item.organisation_id, []).append(item)
    reads = []
    for organisation_id, found in by_organisation.items():
        ids = ", ".join(f"#{item.pk}" for item in found)
        reads.append((None, organisation_id, f"{noun}: {len(found)} ({ids})"))
    if not reads:
        return []
    object_type = items[0]._meta.label_lower
    return record_sensitive_reads(request, reads=reads, kind=kind, action=action, object_type=object_type)


def record_attachment_download(request, attachment: Attachment) -> SensitiveRead | None:
    """Log the download of a file filed as intelligence or escalation evidence, or as a meeting
    paper (``SENSITIVE_ATTACHMENT_OWNERS``), against the organisation it is about. No query but
    the INSERT: the owner's type is joined to the attachment, and the attachment's organisation
    is its owner's (``attachment_create`` is given it by every service that files one)."""
    target_type = attachment.target_type  # selected with the attachment
    if target_type is None or attachment.organisation_id is None:
        return None
    if (target_type.app_label, target_type.model) not in SENSITIVE_ATTACHMENT_OWNERS:
        return None
    return record_sensitive_read(
        request,
        obj=attachment,
        organisation=attachment.organisation_id,
        kind=SensitiveRead.Kind.ATTACHMENT,
        action=SensitiveRead.Action.DOWNLOADED,
        label=f"{attachment.original_name} ({target_type.app_label}.{target_type.model} #{attachment.target_id})",
    )

"""Shared write services: attachments and notifications."""

from __future__ import annotations

import hashlib

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import access
from .errors import UploadRefused
from .models import Attachment, Notification

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
    task, a second planner run): the unique constraint on (recipient, dedupe_key) holds.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, subject=subject[:200], body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return Notification.objects.get(recipient=recipient, dedupe_key=dedupe_key), False
    if recipient.email:
        send_mail(subject[:200], f"{body}\n\n{url}".strip(), None, [recipient.email], fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return notification, True


def notification_mark_read(*, actor, notification: Notification) -> None:
    access.require(actor, "notification.view", notification)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())

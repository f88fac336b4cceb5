from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from . import access
from .models import Attachment, Notification, SensitiveRead


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at")


def attachments_for(objects, *, user) -> dict[str, list[Attachment]]:
    """The attachments filed against each of ``objects`` (all of one model) that the user may
    see, keyed by the object's pk as text. One query however many objects."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    found: dict[str, list[Attachment]] = {str(obj.pk): [] for obj in objects}
    attachments = access.restrict(
        Attachment.objects.filter(target_type=content_type, target_id__in=list(found)), user
    ).order_by("created_at")
    for attachment in attachments:
        found[attachment.target_id].append(attachment)
    return found


def sensitive_read_list(*, user) -> QuerySet[SensitiveRead]:
    """The access log of sensitive reads, newest first, for those the policy lets read it
    (administrators); everyone else is refused before this is asked."""
    access.require(user, "audit.view_sensitive_reads")
    return SensitiveRead.objects.select_related("organisation").order_by("-at", "-pk")

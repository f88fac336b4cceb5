"""Shared tables: the base model every app's models extend, attachments and notifications."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BaseModel(models.Model):
    """Timestamps and a ``version`` for optimistic concurrency (see ``oversight.concurrency``).

    Every edit through a service raises ``version`` by one; an edit made against an older
    version is refused as a conflict instead of overwriting someone else's change.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class _PrivateStorage(LazyObject):
    """The "private" storage from settings.STORAGES, looked up when first used (and again
    after the setting changes, as it does in tests), like Django's ``default_storage``."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_storage():
    return _private_storage


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never uses the uploader's file name: it cannot collide or escape.
    return f"attachments/{timezone.now():%Y/%m}/{instance.pk}"


class Attachment(BaseModel):
    """A file uploaded as evidence, a paper or a response.

    Stored privately and downloaded only through ``attachment_download`` after the access
    policy has checked the owning organisation. Created only by
    ``oversight.services.attachment_create``, which checks type (by content) and size.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text=_("The organisation whose private data this is. Empty for system-wide material."),
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    purpose = models.CharField(_("purpose"), max_length=50, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return self.original_name


class Notification(BaseModel):
    """An in-app message to one user, e-mailed as well. Sent at most once per ``dedupe_key``."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(
        max_length=200, help_text=_("What this is about, e.g. 'agenda_due:meeting:12:2026-05-01'.")
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # The mail server refused the e-mail for good (a 5xx answer: no such mailbox, say): it is
    # not sent again (oversight.services.notification_send). The notification stays in the app.
    email_failed_at = models.DateTimeField(_("e-mail refused"), null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_key"),
        ]

    def __str__(self):
        return self.subject


class UserPreference(BaseModel):
    """One user's own settings: for now the interface language, remembered by the header switch.

    Applied at sign-in by ``oversight.middleware.UserLanguageMiddleware``.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"

    @classmethod
    def remember_language(cls, user, code: str) -> UserPreference:
        """Store ``code`` as ``user``'s language (a no-op when it is already the stored one)."""
        if code not in dict(settings.LANGUAGES):
            raise ValueError(f"Unknown language {code!r}")
        preference, created = cls.objects.get_or_create(user=user, defaults={"language": code})
        if not created and preference.language != code:
            preference.language = code
            preference.version += 1
            preference.save(update_fields=["language", "version", "updated_at"])
        return preference

    @classmethod
    def language_of(cls, user) -> str:
        """``user``'s stored language, or "" when they have not chosen one."""
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or ""


LANGUAGE_AT_SIGN_IN = "oversight_language_at_sign_in"


@receiver(user_logged_in)
def _remember_language_at_sign_in(sender, request, user, **kwargs):
    """Put the user's stored language in the new session, for ``UserLanguageMiddleware`` to
    apply and set as the cookie (a signal cannot set a cookie). Nothing is stored for a user
    who has not chosen a language, so their requests cost nothing extra."""
    language = UserPreference.language_of(user)
    if language and request is not None and hasattr(request, "session"):
        request.session[LANGUAGE_AT_SIGN_IN] = language


class SensitiveRead(models.Model):
    """One read of an organisation's unpublished material: who viewed or downloaded its
    unreleased performance pack, a letter or document not made public, or intelligence about it.

    Written only by ``oversight.services.record_sensitive_read`` (one INSERT per read, after the
    access policy has let it through) and read only by administrators. Append-only: the log is
    itself the record, so it has no history and an entry is never changed or deleted.
    """

    class Kind(models.TextChoices):
        PACK = "pack", _("Performance pack")
        DOCUMENT = "document", _("Letter or document")
        INTELLIGENCE = "intelligence", _("Intelligence")
        ATTACHMENT = "attachment", _("Attached file")

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        DOWNLOADED = "downloaded", _("Downloaded")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, help_text=_("Kept if the user is deleted."))
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type of record"), max_length=100, help_text=_("e.g. reporting.pack"))
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("item"), max_length=300)
    path = models.CharField(_("address"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    access_organisation_field = "organisation"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("sensitive read")
        verbose_name_plural = _("sensitive reads")
        indexes = [
            models.Index(fields=["organisation", "-at"], name="sensitive_read_org_at"),
            models.Index(fields=["user", "-at"], name="sensitive_read_user_at"),
        ]

    def __str__(self):
        return f"{self.username} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("An access log entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An access log entry is never deleted.")


class WorkerHeartbeat(models.Model):
    """When a Celery worker and beat were last seen: one row (pk 1), read by /healthz.

    ``seen_at``: a worker process is alive. Written every ``WORKER_HEARTBEAT_SECONDS`` by a
    thread each worker starts when it is ready (``oversight.celery``), beside the pool, so a
    worker busy with long tasks is still seen. ``beat_seen_at``: beat is running and the queue
    moves. Written by the ``oversight.tasks.heartbeat`` task beat sends every minute, which
    waits in the queue behind whatever is there."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    seen_at = models.DateTimeField(_("worker last seen"))
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    beat_seen_at = models.DateTimeField(_("beat's heartbeat last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} {self.seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, worker: str = "") -> None:
        """A worker process is alive (its heartbeat thread)."""
        cls.objects.update_or_create(pk=cls.SINGLETON, defaults={"seen_at": timezone.now(), "worker": worker[:200]})

    @classmethod
    def beat_ran(cls, worker: str = "") -> None:
        """Beat's heartbeat task reached a worker through the queue: beat and a worker are alive."""
        now = timezone.now()
        cls.objects.update_or_create(
            pk=cls.SINGLETON, defaults={"seen_at": now, "beat_seen_at": now, "worker": worker[:200]}
        )

    @classmethod
    def last_seen(cls):
        return cls.objects.filter(pk=cls.SINGLETON).values_list("seen_at", flat=True).first()

    @classmethod
    def last_seen_both(cls) -> tuple:
        """(worker last seen, beat last seen), each None when never; one query."""
        row = cls.objects.filter(pk=cls.SINGLETON).values_list("seen_at", "beat_seen_at").first()
        return row if row is not None else (None, None)

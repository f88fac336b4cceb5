"""Structured logs: a request id (or a task id) on every line, and a one-object-per-line
JSON formatter.

``RequestIdMiddleware`` (``oversight.middleware``) puts the request's id in ``request_id_var``
for the length of the request; a Celery task's id is put there by the ``task_prerun`` signal
(``oversight.celery``). ``RequestIdFilter`` copies it onto every log record, and both
formatters here print it. ``LOG_FORMAT`` chooses the formatter (settings: ``json`` in
production, ``plain`` in development).
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request (or, in a worker, the task) being handled by this thread; "" outside.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")
# The id of the Celery task being run, also when it runs eagerly inside a request.
task_id_var: ContextVar[str] = ContextVar("task_id", default="")

# A request id we accept from a client or a proxy: short, and safe to print anywhere. At most
# 64 characters, so it fits the access log's column (oversight.models.SensitiveRead.request_id).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,64}")

# URL arguments that are secrets (the calendar feed's token): never printed in a log line.
SECRET_URL_KWARGS = ("token", "key", "secret")
REDACTED = "[redacted]"

# The attributes every LogRecord has; anything else on a record was passed in ``extra``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)
_STANDARD |= {"message", "asctime", "request_id", "task_id", "request_tag"}


def well_formed(value: str | None) -> bool:
    return bool(value) and REQUEST_ID_PATTERN.fullmatch(value) is not None


def _secret_values(match) -> list[str]:
    kwargs = getattr(match, "kwargs", None) or {}
    return [str(kwargs[name]) for name in SECRET_URL_KWARGS if kwargs.get(name)]


def _resolve(path: str):
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(path).path)
    except (Resolver404, ValueError):
        return None


def redact_path(path: str, match=None) -> str:
    """``path`` with its secret arguments (``SECRET_URL_KWARGS``) replaced by ``[redacted]``:
    those of ``match`` (the request's ``resolver_match``), or else of the URL ``path`` resolves
    to."""
    for value in _secret_values(match if match is not None else _resolve(path)):
        path = path.replace(value, REDACTED)
    return path


class RedactSecretsFilter(logging.Filter):
    """Replaces a URL's secret arguments by ``[redacted]`` in Django's own lines about a request:
    ``django.request`` ("Not Found: /meetings/feed/<token>.ics", with the request on the record)
    and ``django.server`` (runserver's '"GET /meetings/feed/<token>.ics HTTP/1.1" 404 ...').
    The access line (``RequestIdMiddleware``) does the same with ``redact_path``."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _secret_values(getattr(getattr(record, "request", None), "resolver_match", None))
        args = record.args if isinstance(record.args, tuple) else ()
        if not secrets:
            texts = [record.msg, *args] if isinstance(record.msg, str) else list(args)
            for text in texts:
                if isinstance(text, str):
                    for word in text.split():
                        if word.startswith("/"):
                            secrets += _secret_values(_resolve(word))
        if not secrets:
            return True

        def redact(value):
            if isinstance(value, str):
                for secret in secrets:
                    value = value.replace(secret, REDACTED)
            return value

        record.msg = redact(record.msg)
        if args:
            record.args = tuple(redact(arg) for arg in args)
        return True


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` and ``task_id`` (``""`` when there is none) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        if not getattr(record, "task_id", ""):
            record.task_id = task_id_var.get()
        return True


class PlainFormatter(logging.Formatter):
    """The development format, with ``[request id]`` before the message when there is one."""

    default_format = "%(asctime)s %(levelname)s %(name)s %(request_tag)s%(message)s"

    def __init__(self, fmt=None, datefmt=None, style="%", **kwargs):
        super().__init__(fmt or self.default_format, datefmt, style, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        record.request_tag = f"[{request_id}] " if request_id else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
    ``request_id`` (null outside a request or task), ``task_id`` when in a task, any plain
    values given in ``extra`` (the access log's ``method``, ``path``, ``status``,
    ``duration_ms``, ``user_id``), and ``exception`` with the traceback when there is one.
    Values that are not plain (a request object, say) are left out rather than printed."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get() or None,
        }
        task_id = getattr(record, "task_id", "") or task_id_var.get()
        if task_id:
            entry["task_id"] = task_id
        for key, value in record.__dict__.items():
            plain = value is None or isinstance(value, str | int | float | bool)
            if plain and key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- Celery: a task's log lines carry its id -----------------------------------------------
_task_tokens: dict[str, tuple] = {}


def task_started(task_id: str | None = None, **kwargs) -> None:
    """``task_prerun``: the task's id becomes the line's ``task_id``, and its ``request_id``
    too unless the task runs eagerly inside a request (which keeps the request's id)."""
    if not task_id:
        return
    tokens = (task_id_var.set(task_id), None if request_id_var.get() else request_id_var.set(task_id))
    _task_tokens[task_id] = tokens


def task_finished(task_id: str | None = None, **kwargs) -> None:
    """``task_postrun``: back to what was there before the task."""
    tokens = _task_tokens.pop(task_id or "", None)
    if tokens is None:
        return
    task_token, request_token = tokens
    try:
        if request_token is not None:
            request_id_var.reset(request_token)
        task_id_var.reset(task_token)
    except ValueError:  # finished in another context than it started: just clear
        request_id_var.set("")
        task_id_var.set("")

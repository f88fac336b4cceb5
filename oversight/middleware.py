"""Turns a domain refusal that reached the top of a page view into a page a person can act on;
applies a user's language; gives every request an id and an access log line."""

import logging
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.functional import LazyObject, empty

from .errors import OversightError
from .logs import redact_path, request_id_var, well_formed

access_logger = logging.getLogger("oversight.access")


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OversightError):
            template = "403.html" if exception.status == 403 else "400.html"
            return render(request, template, {"error": exception}, status=exception.status)
        return None


class UserLanguageMiddleware:
    """Applies a signed-in user's stored language (``UserPreference.language``) at sign-in.

    Sits after ``AuthenticationMiddleware``. Signing in puts the stored language in the new
    session (``oversight.models``, on ``user_logged_in``); this middleware takes it out once,
    activates it and sets the language cookie on that response, so the user's choice beats a
    cookie left by earlier anonymous browsing. From then on ``LocaleMiddleware`` reads the
    cookie as usual, and requests make no extra queries.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = self._take(request)  # signed in by an earlier request (or a test's force_login)
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        chosen = self._take(request) or chosen  # signed in by this request (the sign-in form)
        if chosen and settings.LANGUAGE_COOKIE_NAME not in response.cookies:  # the switch's choice wins
            set_language_cookie(response, chosen)
        return response

    @staticmethod
    def _take(request) -> str:
        from django.conf import settings

        from .models import LANGUAGE_AT_SIGN_IN

        session = getattr(request, "session", None)
        if session is None or LANGUAGE_AT_SIGN_IN not in session:
            return ""
        language = session.pop(LANGUAGE_AT_SIGN_IN)
        return language if language in dict(settings.LANGUAGES) else ""


def set_language_cookie(response, code):
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
        samesite="Lax",
    )


class RequestIdMiddleware:
    """Gives every request an id, and logs one access line per request.

    The id is the request's ``X-Request-ID`` header when it is well formed (8 to 64 letters,
    digits, ``.``, ``_`` or ``-``: what a proxy or a load balancer sets), else a new uuid4 hex.
    It is set as ``request.request_id``, in ``oversight.logs.request_id_var`` for every log
    line written while the request is handled, and returned in the ``X-Request-ID`` response
    header. Sits just after ``SecurityMiddleware``.

    The access line (logger ``oversight.access``) has the method, the path (a secret in the
    path, such as a calendar feed's token, is replaced by ``[redacted]``), the status, the
    duration in milliseconds and the signed-in user's id. The user is taken only if the
    request already looked it up, so the line costs no query.
    """

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get(self.header, "")
        request_id = supplied if well_formed(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared when the response is finished (below), not here: Django logs a 4xx or 5xx
        # ("Not Found: /x") after the middleware has returned, and that line is the request's too.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[self.header] = request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = self._path(request)
        access_logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": self._user_id(request),
            },
        )
        return response

    def _path(self, request) -> str:
        return redact_path(request.path, getattr(request, "resolver_match", None))

    @staticmethod
    def _user_id(request):
        user = request.__dict__.get("user")
        if isinstance(user, LazyObject):
            user = None if user._wrapped is empty else user._wrapped
        return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


@receiver(request_finished)
def _forget_request_id(**kwargs):
    """The server has sent the response: log lines are no longer this request's."""
    request_id_var.set("")

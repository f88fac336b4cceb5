"""Turns a domain refusal that reached the top of a page view into a page a person can act on."""

from django.shortcuts import render

from .errors import OversightError


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

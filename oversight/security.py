"""Sign-in protection: the lockout page, the idle and absolute session limits, and the
two-factor authentication rule and its enforcement.

* ``lockout_response`` is django-axes' answer once an account has failed to sign in
  ``AXES_FAILURE_LIMIT`` times (see settings); ``client_ip`` is the address axes counts (and
  the access log records), taken from ``X-Forwarded-For`` behind ``TRUSTED_PROXY_COUNT`` proxies.
* ``IdleSessionMiddleware`` signs a user out after ``SESSION_IDLE_TIMEOUT`` seconds without a
  request, and after ``SESSION_COOKIE_AGE`` seconds from sign-in whatever they do. It writes
  the time of the last request into the session at most once a minute, so most requests
  write nothing.
* ``TwoFactorMiddleware`` keeps a signed-in user who has not given a second factor on the
  two-factor pages: decision makers and administrators always, anyone else once they have
  turned two-factor authentication on.
* ``TwoFactorTokenAuthentication`` refuses an API token that was not issued with a second
  factor, for the same people.
"""

from __future__ import annotations

import ipaddress
import math
import time
from datetime import timedelta
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from organisations.choices import Role

from . import access

SIGNED_IN_AT = "oversight_signed_in_at"
LAST_SEEN = "oversight_last_seen"
# Set at sign-in for a user with a confirmed device: the session is not theirs until a code is given.
TWO_FACTOR_PENDING = "oversight_two_factor_pending"
# The last-request time is written at most this often (seconds), to keep requests write-free.
ACTIVITY_RESOLUTION = 60

# Roles whose holders must use two-factor authentication.
TWO_FACTOR_ROLES = frozenset({Role.WG_DECISION_MAKER, Role.ADMINISTRATOR})


def two_factor_required(user) -> bool:
    """Must this user give a second factor? Decision makers, administrators (superusers
    included) and anyone who can reach the admin site."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or access.principal(user).has_role(*TWO_FACTOR_ROLES)


def has_authenticator(user) -> bool:
    """Has the user a confirmed authenticator app (a TOTP device)?"""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _return_path(request, *, any_method: bool) -> str:
    """Where to come back to after signing in or giving a code: the page itself, or for an htmx
    request (a fragment or a form posted from a page) the page it was made from, as htmx sends
    it in ``HX-Current-URL``, reduced to its path and query and kept only if it is on this
    site. A non-htmx request other than GET comes back only if ``any_method``."""
    if _is_htmx(request):
        current = request.headers.get("HX-Current-URL", "")
        if not current or not url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return ""
        parts = urlsplit(current)
        if not parts.path.startswith("/") or parts.path.startswith(("//", "/\\")):
            return ""
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
    if request.method == "GET" or any_method:
        return request.get_full_path()
    return ""


def _redirect(request, url: str) -> HttpResponse:
    """A redirect a browser follows, also from an htmx request (which would otherwise swap
    the target page into a fragment)."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


# --- Client address and lockout (django-axes) ------------------------------------------------


def client_ip(request) -> str | None:
    """The address of the person making the request (``AXES_CLIENT_IP_CALLABLE``).

    With ``TRUSTED_PROXY_COUNT`` = 0 (no proxy in front of gunicorn) it is ``REMOTE_ADDR``. With
    N > 0 proxies, each of which appends the address it received the request from to
    ``X-Forwarded-For``, it is the N-th address from the right: the right-most one not written by
    our own proxies (anything to its left was sent by the client and can be anything). If the
    header has fewer than N addresses, or that one is not an IP address, ``REMOTE_ADDR``."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _locked_until(request, credentials, now):
    """When the account's lock lifts: the cool-off after its last counted failure (an attempt
    during the lock is not counted, so does not move it)."""
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    username = get_client_username(request, credentials)
    last = None
    if username:
        last = (
            AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
    return (last or now) + cool_off


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page (or, for the API, the JSON) shown instead of signing in while the account is
    locked: 429, saying when to try again. Attempts during the lock are refused without being
    counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so the lock lifts the
    cool-off after the last counted failure."""
    now = timezone.now()
    until_utc = _locked_until(request, credentials or getattr(request, "axes_credentials", None), now)
    minutes = max(1, math.ceil((until_utc - now).total_seconds() / 60))
    until = timezone.localtime(until_utc)
    if _is_api(request):
        return JsonResponse(
            {
                "detail": _(
                    "Too many failed sign-in attempts. Try again after %(time)s, or ask your "
                    "organisation's Oversight administrator to unlock the account."
                )
                % {"time": until.strftime("%H:%M")},
                "code": "locked_out",
            },
            status=429,
        )
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "until": until, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# --- Session limits ------------------------------------------------------------------------------


@receiver(user_logged_in)
def _start_session(sender, request, user, **kwargs):
    """Start the session's clocks, and mark it as waiting for a code when the user has an
    authenticator, however they signed in (our sign-in page, the admin's, or a test's)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        if has_authenticator(user):
            request.session[TWO_FACTOR_PENDING] = True


class IdleSessionMiddleware:
    """Signs out a session idle for ``SESSION_IDLE_TIMEOUT`` seconds or older than
    ``SESSION_COOKIE_AGE`` seconds, and sends the person to the sign-in page saying why.

    Sits after ``AuthenticationMiddleware``. It reads only the session (already loaded for
    the request), and writes it at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)
        now = int(time.time())
        last_seen = session.get(LAST_SEEN)
        signed_in_at = session.get(SIGNED_IN_AT)
        if last_seen is None or signed_in_at is None:  # a session from before this rule
            session[LAST_SEEN] = session[SIGNED_IN_AT] = now
            return self.get_response(request)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
            message = _(
                "You were signed out because you had not used Oversight for %(minutes)s minutes. "
                "Sign in again to carry on."
            ) % {"minutes": minutes}
            return self._sign_out(request, message)
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            hours = max(1, settings.SESSION_COOKIE_AGE // 3600)
            message = _("You were signed out because you signed in more than %(hours)s hours ago. Sign in again.") % {
                "hours": hours
            }
            return self._sign_out(request, message)
        if now - last_seen >= ACTIVITY_RESOLUTION:
            session[LAST_SEEN] = now
        return self.get_response(request)

    def _sign_out(self, request, message: str):
        logout(request)
        if _is_api(request):  # the API answers 401 or 403 as for anyone not signed in
            return self.get_response(request)
        messages.info(request, message)
        login_url = reverse(settings.LOGIN_URL)
        next_url = _return_path(request, any_method=False)
        return _redirect(request, f"{login_url}?next={quote(next_url)}" if next_url else login_url)


# --- Two-factor authentication -------------------------------------------------------------------


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("logout"),
        reverse("login"),
        "/accounts/two-factor/",
        "/language/",
        settings.STATIC_URL,
        reverse("healthz"),
        "/public/",
    )


class TwoFactorMiddleware:
    """Sends a signed-in user who has not given a second factor, and must, to set up an
    authenticator (none yet) or to enter a code, from every page but signing out, the
    two-factor pages, the language switch, static files, /healthz and the public register.
    A session-authenticated API request is refused (403) instead. Sits after django-otp's
    ``OTPMiddleware``. Token-authenticated API requests carry no session, so they are seen
    here as anonymous and left to the API's own authentication."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request):
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        if request.path_info.startswith(self._exempt):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if not (request.session.get(TWO_FACTOR_PENDING) or two_factor_required(user)):
            return self.get_response(request)
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": _(
                        "Two-factor authentication is required. Sign in in the browser and enter a code from your "
                        "authenticator app, or use an API token."
                    ),
                    "code": "two_factor_required",
                },
                status=403,
            )
        target = reverse("two-factor-verify") if has_authenticator(user) else reverse("two-factor-setup")
        next_url = _return_path(request, any_method=True)
        return _redirect(request, f"{target}?next={quote(next_url)}" if next_url else target)


# --- API tokens ---------------------------------------------------------------------------------------


def token_refusal(user, token) -> str | None:
    """Why ``token`` may not be used, or None. For a user who must use two-factor
    authentication, or has turned it on, a token counts only if it was issued after their
    authenticator app was set up (``created_at`` of a confirmed TOTP device is set to the moment
    it was confirmed): the token endpoint then asked for a code. A token issued on a password
    alone (before two-factor authentication, before the role that needs it, or before the
    authenticator) is refused."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    set_up = list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("created_at", flat=True))
    if not set_up:
        if two_factor_required(user):
            return _(
                "This API token was issued without a two-factor code. Set up two-factor authentication in the "
                "browser, then ask for a new token with a code from your authenticator app in “otp_token”."
            )
        return None
    if any(at is None or at > token.created for at in set_up):
        return _(
            "This API token was issued without a two-factor code. Ask for a new token with a code from your "
            "authenticator app in “otp_token”."
        )
    return None


class TwoFactorTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses (401) a token not issued with a second factor to
    someone who uses one (``token_refusal``)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        reason = token_refusal(user, token)
        if reason:
            raise exceptions.AuthenticationFailed(reason, code="two_factor_required")
        return user, token

"""Two-factor authentication pages: sign-in, set-up, the code at sign-in, recovery codes and
turning it off; and the API token endpoint, which asks for a code from those who use one.

An authenticator app is a confirmed ``TOTPDevice`` (django-otp); recovery codes are the
tokens of the user's one ``StaticDevice``. A session is "verified" once a code has been
given in it (django-otp keeps the device in the session). Who must use two-factor
authentication is ``oversight.security.two_factor_required``.

A code is checked with the device's row locked (``_verify_locked``), so two requests with the
same code cannot both be let in. The key being set up belongs to one session: opening set-up in
another session makes a new key and removes the old. The pages that show a key or codes are
never cached.
"""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from .auth_forms import CodeForm, SignInForm
from .security import TWO_FACTOR_PENDING, has_authenticator, lockout_response, token_refusal, two_factor_required

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# The id of the authenticator being set up in this session (its key is shown only here).
SETUP_DEVICE = "oversight_two_factor_setup_device"


def _next(request, default: str = "") -> str:
    """The safe ``next`` of the request, or the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or default
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _with_next(url: str, next_url: str) -> str:
    from urllib.parse import quote

    return f"{url}?next={quote(next_url)}" if next_url else url


def _verify_locked(devices, code: str):
    """The first device that accepts ``code``, or None. ``devices`` are (queryset, pk) pairs; each
    device is read again from its queryset with its row locked, inside one transaction, before
    its check, so that a second request with the same code waits for the first and then sees
    the code used (a TOTP device's ``last_t`` moved on, a recovery code deleted)."""
    with transaction.atomic():
        for queryset, pk in devices:
            device = queryset.select_for_update().filter(pk=pk).first()
            if device is not None and device.verify_token(code):
                return device
    return None


def _match(user, code: str):
    """The confirmed device of ``user`` that accepts ``code``: the authenticator app's code, or
    a recovery code. None if neither does."""
    devices = []
    for model in (TOTPDevice, StaticDevice):
        confirmed = model.objects.filter(user=user, confirmed=True)
        devices += [(confirmed, pk) for pk in confirmed.values_list("pk", flat=True)]
    return _verify_locked(devices, code)


def _record(user, device, flag: int, message: str) -> None:
    """Record the change in the admin's log (shown under "Recent actions" and in the device's history)."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[device], action_flag=flag, change_message=message, single_object=True
    )


# --- Sign-in ---------------------------------------------------------------------------------------


class SignInView(LoginView):
    """The password step. A user with an authenticator app is then asked for a code; a user
    who must use one and has none yet is sent to set one up."""

    template_name = "registration/login.html"
    authentication_form = SignInForm

    def form_valid(self, form):
        user = form.get_user()
        response = super().form_valid(form)
        next_url = self.get_redirect_url()
        if self.request.session.get(TWO_FACTOR_PENDING):  # set at sign-in for those with an authenticator
            return redirect(_with_next(reverse("two-factor-verify"), next_url))
        if two_factor_required(user):
            return redirect(_with_next(reverse("two-factor-setup"), next_url))
        return response


# --- Pages -----------------------------------------------------------------------------------------


def _qr_svg(text: str) -> str:
    """The QR code of ``text`` as inline SVG: no image file, no script."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-labelledby="qr-code-title" class="app-qr-code" ',
        1,
    )
    title = _("QR code for your authenticator app")
    svg = svg.replace(">", f'><title id="qr-code-title">{title}</title>', 1)
    return svg


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).first()


def _new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` new single-use ones."""
    device = _recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        _record(user, device, ADDITION, "Recovery codes created")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def overview(request):
    """Two-factor authentication for the signed-in user: on or off, and what they can do."""
    user = request.user
    recovery = _recovery_device(user)
    return render(
        request,
        "registration/two_factor/overview.html",
        {
            "enabled": has_authenticator(user),
            "required": two_factor_required(user),
            "verified": user.is_verified(),
            "recovery_left": recovery.token_set.count() if recovery else 0,
        },
    )


def _setup_device(request) -> TOTPDevice:
    """The authenticator being set up in this session; a new one (a new key) if this session has
    none, removing any other unconfirmed one of the user's, so that a key shown in another
    session, or earlier, cannot be the one confirmed."""
    user = request.user
    pk = request.session.get(SETUP_DEVICE)
    device = TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first() if pk else None
    if device is None:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        request.session[SETUP_DEVICE] = device.pk
    return device


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then give a code."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if has_authenticator(user):
        if user.is_verified():
            return redirect("two-factor")
        return redirect(_with_next(reverse("two-factor-verify"), next_url))
    device = _setup_device(request)

    def check(code):
        # Still being set up when its row is locked: a second request with the same code finds
        # it confirmed (or the code used) and is refused.
        return _verify_locked([(TOTPDevice.objects.filter(user=user, confirmed=False), device.pk)], code)

    form = CodeForm(request.POST or None, check=check)
    confirmed = False
    if request.method == "POST":
        with transaction.atomic():  # the device's row stays locked from the check to its confirmation
            if form.is_valid():
                device = form.device
                device.confirmed = True
                # When it was set up: API tokens issued before this were not issued with a code
                # (oversight.security.token_refusal), and are removed.
                device.created_at = timezone.now()
                device.save(update_fields=["confirmed", "created_at"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                Token.objects.filter(user=user).delete()
                _record(user, device, ADDITION, "Authenticator app set up")
                codes = _new_recovery_codes(user)
                confirmed = True
    if confirmed:
        request.session.pop(SETUP_DEVICE, None)
        request.session.cycle_key()
        django_otp.login(request, device)
        request.session.pop(TWO_FACTOR_PENDING, None)
        messages.success(request, _("Two-factor authentication is on."))
        return render(
            request,
            "registration/two_factor/recovery_codes.html",
            {"codes": codes, "next": _next(request), "new": True},
        )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor/setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - generated by qrcode from our own URL
            "secret": _grouped(secret),
            "next": next_url,
            "required": two_factor_required(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not has_authenticator(user):
        return redirect(_with_next(reverse("two-factor-setup"), request.GET.get("next", "")))
    form = CodeForm(request.POST or None, check=lambda code: _match(user, code), recovery=True)
    if request.method == "POST" and form.is_valid():
        request.session.cycle_key()
        django_otp.login(request, form.device)
        request.session.pop(TWO_FACTOR_PENDING, None)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            messages.info(
                request,
                _(
                    "You used a recovery code. You have %(left)s left: make new ones from "
                    "“Two-factor authentication” if you are running out."
                )
                % {"left": left},
            )
        return redirect(_next(request))
    return render(request, "registration/two_factor/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Make a new set of recovery codes (the old ones stop working). Shown once."""
    user = request.user
    if not (has_authenticator(user) and user.is_verified()):
        return redirect("two-factor")
    if request.method == "POST":
        codes = _new_recovery_codes(user)
        return render(request, "registration/two_factor/recovery_codes.html", {"codes": codes, "new": False})
    return render(request, "registration/two_factor/recovery_codes_confirm.html")


@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request):
    """Turn two-factor authentication off, for those who need not use it."""
    user = request.user
    if two_factor_required(user):
        return render(request, "registration/two_factor/cannot_turn_off.html", status=403)
    if not (has_authenticator(user) and user.is_verified()):
        return redirect("two-factor")
    if request.method == "POST":
        with transaction.atomic():
            for device in [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]:
                _record(user, device, DELETION, f"{device.name} removed")
                device.delete()
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        request.session.pop(TWO_FACTOR_PENDING, None)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("two-factor")
    return render(request, "registration/two_factor/turn_off.html")


# --- API token ------------------------------------------------------------------------------------


class TokenSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label="Two-factor code",
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="A code from the user's authenticator app (or a recovery code), for those who use two-factor "
        "authentication.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if has_authenticator(user):
            code = "".join(attrs.get("otp_token", "").split()).lower()
            if not code or _match(user, code) is None:
                raise serializers.ValidationError(
                    {"otp_token": [_("Give a current code from your authenticator app in “otp_token”.")]},
                    code="two_factor_required",
                )
        elif two_factor_required(user):
            raise serializers.ValidationError(
                {
                    "otp_token": [
                        _("Set up two-factor authentication in the browser first; then ask for a token with a code.")
                    ]
                },
                code="two_factor_required",
            )
        return attrs


@method_decorator(never_cache, name="dispatch")
class ObtainToken(ObtainAuthToken):
    """``POST`` a user name and password (and, for those who use two-factor authentication,
    ``otp_token``) for an API token. A token of the user's that may no longer be used
    (``token_refusal``: issued without a code) is replaced by a new one. A locked-out account
    is answered 429, as on the sign-in page."""

    serializer_class = TokenSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            stale = Token.objects.filter(user=user).first()
            if stale is not None and token_refusal(user, stale):
                stale.delete()
            token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def handle_exception(self, exc):
        # axes marks the request it was given, which is DRF's, not the HttpRequest its
        # middleware sees; so the lockout answer is given here.
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(self.request)
        return super().handle_exception(exc)


obtain_token = ObtainToken.as_view()

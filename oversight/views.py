"""Shared views: the home page, health check, attachment download, notifications,
and the list-page base every app's list pages use."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from . import access, selectors, services
from .errors import OversightError
from .exports import FORMATS, Column, export_response
from .filters import SensitiveReadFilter
from .forms import add_domain_error
from .models import Attachment


def run_posted_form(
    request, page_object, *, name, form, permission, action, success, detail, permission_object=None, next_url=None
):
    """Run a domain action from a form posted from an object's page.

    Not allowed (``permission`` on ``permission_object``, by default the page's object): a 403,
    or a 404 when the user may not see it. Refused by a service: the page again through
    ``detail(request, pk, failed={name: form})``, the refusal beside its field and the input
    kept. Done: a success message and back to ``next_url`` or the page."""
    access.require(request.user, permission, page_object if permission_object is None else permission_object)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(next_url or page_object)
    return detail(request, page_object.pk, failed={name: form})


class OversightListView(LoginRequiredMixin, FilterView):
    """A filtered, paginated list with CSV and Excel downloads of the filtered rows.

    Subclasses give ``filterset_class``, ``template_name``, ``export_columns`` and
    ``export_filename``, and build the queryset from a selector that starts from what the
    user may see.
    """

    paginate_by = 25
    export_columns: list[Column] = []
    export_filename = "export"
    strict = True

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in FORMATS and self.export_columns:
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
            response = export_response(rows=rows, columns=self.export_columns, filename=self.export_filename, fmt=fmt)
            self.exported(rows)
            return response
        return super().get(request, *args, **kwargs)

    def exported(self, rows) -> None:
        """Called after ``rows`` (evaluated, so free to read again) were exported: a list of
        sensitive material logs the download here (``services.record_sensitive_list``)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["filter_query"] = query.urlencode()
        context["exportable"] = bool(self.export_columns)
        return context


@login_required
def home(request):
    """Welsh Government and NHS P&I users start at the system overview of escalation levels."""
    if access.navigation_for(request.user)["overview_home"]:
        return redirect("escalation:overview")
    return render(request, "oversight/home.html")


def _age(seen_at) -> int:
    from django.utils import timezone

    return max(0, int((timezone.now() - seen_at).total_seconds()))


def _heartbeat_checks() -> dict[str, tuple[str, bool]]:
    """When a Celery worker process was last seen (its heartbeat thread, ``WorkerHeartbeat.seen_at``:
    ok within ``HEALTHZ_WORKER_STALE_SECONDS``) and when beat's heartbeat task last ran through
    the queue (``beat_seen_at``: ok within ``HEALTHZ_BEAT_STALE_SECONDS``). One query."""
    from .models import WorkerHeartbeat

    try:
        worker_seen, beat_seen = WorkerHeartbeat.last_seen_both()
    except Exception as exc:  # noqa: BLE001 - the database check above says more
        error = (f"error: {exc.__class__.__name__}", False)
        return {"worker": error, "beat": error}
    checks = {}
    for name, seen_at, limit, never in (
        ("worker", worker_seen, settings.HEALTHZ_WORKER_STALE_SECONDS, "stale: never seen"),
        ("beat", beat_seen, settings.HEALTHZ_BEAT_STALE_SECONDS, "stale: never run"),
    ):
        if seen_at is None:
            checks[name] = (never, False)
            continue
        age = _age(seen_at)
        if age > limit:
            checks[name] = (f"stale: last seen at {seen_at:%Y-%m-%dT%H:%M:%SZ} ({age} s ago)", False)
        else:
            checks[name] = (f"ok (last seen {age} s ago)", True)
    return checks


@never_cache
@require_GET
def healthz(request):
    """Is the service able to work? Checks the database and, when configured, the broker, that
    a Celery worker process is alive (its heartbeat thread) and that beat's heartbeat task has
    run through the queue lately. At most two queries, no sign-in, and only the names of the
    checks and of any error's class in the answer; 503 if any check fails (for monitoring).

    ``?scope=web`` asks only whether this web process can serve: the database alone. That is
    for the load balancer and the web container's health check, which should not take the web
    out of service because a worker is busy or down."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; say which
        checks["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if request.GET.get("scope") == "web":
        pass
    elif settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "not configured (tasks run in-process)"
        checks["worker"] = "not configured (tasks run in-process)"
    else:
        from oversight.celery import app

        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
            healthy = False
        for name, (state, ok) in _heartbeat_checks().items():
            checks[name] = state
            healthy = healthy and ok
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


@login_required
def attachment_download(request, pk):
    """The only way to a stored file: the access policy decides, and others get a 404."""
    attachment = Attachment.objects.select_related("target_type").filter(pk=pk).first()
    if attachment is None or not access.can(request.user, "attachment.view", attachment):
        raise Http404("No such file, or it is not yours to see.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    services.record_attachment_download(request, attachment)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class SensitiveReadListView(OversightListView):
    """The access log: who viewed or downloaded an organisation's unreleased pack, unpublished
    letter or document, or intelligence. Administrators only (``audit.view_sensitive_reads``)."""

    filterset_class = SensitiveReadFilter
    template_name = "oversight/sensitive_read_list.html"
    paginate_by = 50
    export_filename = "access-log"
    export_columns = [
        Column(_("When"), "at"),
        Column(_("User name"), "username"),
        Column(_("Organisation"), "organisation.code"),
        Column(_("What was read"), "get_kind_display"),
        Column(_("Action"), "get_action_display"),
        Column(_("Item"), "object_label"),
        Column(_("Type of record"), "object_type"),
        Column(_("Record id"), "object_id"),
        Column(_("Address"), "path"),
        Column(_("Request id"), "request_id"),
        Column(_("IP address"), "ip_address"),
    ]

    def get_queryset(self):
        return selectors.sensitive_read_list(user=self.request.user)


@login_required
def notification_list(request):
    notifications = selectors.notification_list(user=request.user)
    return render(
        request,
        "oversight/notification_list.html",
        {"notifications": notifications[:100], "title": _("Your notifications")},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect("notification-list")


def switch_language(request, code):
    """Switch between English and Welsh and return to the page the user was on.

    The header posts here (a form styled as a link, with CSRF): for a signed-in user the choice
    is also stored as their preference, applied again at their next sign-in. A GET (an old
    bookmark or a typed address) only sets the language cookie for this browser.
    """
    from django.http import HttpResponseNotAllowed
    from django.utils import translation
    from django.utils.http import url_has_allowed_host_and_scheme

    from .middleware import set_language_cookie
    from .models import UserPreference

    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    params = request.POST if request.method == "POST" else request.GET
    next_url = params.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.method == "POST" and request.user.is_authenticated:
        UserPreference.remember_language(request.user, code)
    translation.activate(code)
    response = redirect(next_url)
    set_language_cookie(response, code)
    return response

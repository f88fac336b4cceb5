"""The pack pages: the list, opening a pack, entering values by form or by upload, the
narrative and risks, and the submission and validation screens.

Every write goes through ``reporting.services`` (or ``reporting.uploads``), which check the
access policy and the pack's rules; these views only show the forms and the refusals.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access
from oversight.errors import OversightError, PermissionRefused
from oversight.exports import FORMATS, Column, export_response
from oversight.forms import add_domain_error, has_conflict
from oversight.models import SensitiveRead
from oversight.services import pack_is_unreleased, record_sensitive_read
from oversight.views import OversightListView
from oversight.views import run_posted_form as _act

from .. import imports, rules, selectors, services, spc, uploads
from ..choices import PackStatus, Pillar
from ..forms import (
    BulkUploadForm,
    ConfirmForm,
    CorrectForm,
    DeepDiveForm,
    NarrativeForm,
    PackOpenForm,
    PackUploadForm,
    PackValuesForm,
    ReturnForm,
    RiskForm,
)
from ..models import Pack, Trajectory, UploadJob
from ..page_selectors import ASSURANCE_LABELS, STATUS_LABELS, VARIATION_LABELS, pack_spc

EDITABLE = (PackStatus.DRAFT, PackStatus.RETURNED)


# --- The list ---------------------------------------------------------------------------------


class PackFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(kind__in=LEVEL_HOLDING_KINDS).order_by("name"),
        to_field_name="code",
        empty_label=gettext_lazy("Any organisation"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=PackStatus.choices, empty_label=gettext_lazy("Any status")
    )
    period_from = django_filters.DateFilter(
        label=gettext_lazy("From month (YYYY-MM-DD)"), field_name="period", lookup_expr="gte"
    )
    period_to = django_filters.DateFilter(
        label=gettext_lazy("To month (YYYY-MM-DD)"), field_name="period", lookup_expr="lte"
    )

    class Meta:
        model = Pack
        fields = ["organisation", "status", "period_from", "period_to"]


class PackListView(OversightListView):
    """Every pack the user may see: their own organisation's at every stage, everyone's
    released ones."""

    filterset_class = PackFilter
    template_name = "reporting/pack_list.html"
    export_filename = "performance-packs"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Month"), lambda p: f"{p.period:%Y-%m}"),
        Column(gettext_lazy("Version"), "revision"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Due on"), "due_on"),
        Column(gettext_lazy("Late"), lambda p: _("Yes") if p.is_late() else _("No")),
        Column(gettext_lazy("Submitted"), "submitted_at"),
        Column(gettext_lazy("Released"), "released_at"),
    ]

    def get_queryset(self):
        return selectors.pack_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_open"] = bool(_openable(self.request.user))
        context["can_upload"] = access.can(self.request.user, "reporting.values.upload")
        context["today"] = timezone.localdate()
        return context


def _openable(user) -> list[Organisation]:
    """The organisations whose packs the user may open and fill in."""
    return [
        organisation
        for organisation in Organisation.objects.filter(kind__in=LEVEL_HOLDING_KINDS, active=True).order_by("name")
        if access.can(user, "reporting.pack.edit", Pack(organisation=organisation))
    ]


@login_required
def pack_create(request):
    """Open (or go to) an organisation's pack for a month."""
    organisations = _openable(request.user)
    if not organisations:
        raise PermissionRefused("Only an organisation's submitters and NHS P&I analysts open packs.")
    queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
    initial = {"period": timezone.localdate().replace(day=1)}
    if len(organisations) == 1:
        initial["organisation"] = organisations[0]
    form = PackOpenForm(request.POST or None, organisations=queryset, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.pack_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                period=form.cleaned_data["period"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            return redirect("reporting:pack-detail", pk=pack.pk)
    return render(request, "reporting/pack_create.html", {"form": form})


# --- One pack ---------------------------------------------------------------------------------


def _pack(request, pk) -> Pack:
    return selectors.pack_detail(request.user, pk)


def _value_rows(pack: Pack, user):
    """Per pillar, each measure of the pack with its value and its status against the target
    and the agreed trajectory. Trajectories are the organisation's own business: they are shown
    only to those who see its private data (``access.restrict``), even on a released pack."""
    measures = selectors.pack_measures(pack.organisation, pack.period)
    values = {v.measure_id: v for v in pack.values.all()}
    agreed = Trajectory.objects.filter(organisation_id=pack.organisation_id, period=pack.period)
    trajectories = {t.measure_id: t for t in access.restrict(agreed, user)}
    spc_results = pack_spc(pack)
    groups: dict[str, list] = {}
    for measure in measures:
        value = values.get(measure.pk)
        trajectory = trajectories.get(measure.pk)
        status = None
        if value is not None and value.value is not None:
            found = spc.value_status(
                float(value.value),
                target=float(measure.national_target) if measure.national_target is not None else None,
                direction=measure.spc_direction,
                trajectory=float(trajectory.value) if trajectory else None,
                tolerance=float(trajectory.tolerance) if trajectory and trajectory.tolerance is not None else None,
            )
            status = found if isinstance(found, spc.ValueStatus) else None
        groups.setdefault(measure.pillar, []).append(
            {
                "measure": measure,
                "value": value,
                "trajectory": trajectory,
                "status": status,
                "spc": spc_results.get(measure.pk),
            }
        )
    return [(Pillar(pillar).label, pillar, rows) for pillar, rows in groups.items()]


def _forms(request, pack: Pack) -> dict:
    """The actions this user may take on the pack now, each as an empty form."""
    user, initial = request.user, {"version": pack.version}
    forms = {}
    if pack.status in EDITABLE and access.can(user, "reporting.pack.submit", pack):
        forms["submit"] = ConfirmForm(initial=initial)
    if access.can(user, "reporting.pack.curate", pack):
        if pack.status == PackStatus.SUBMITTED:
            forms["validate"] = ConfirmForm(initial=initial)
            forms["return"] = ReturnForm(initial=initial)
        elif pack.status == PackStatus.VALIDATED:
            forms["release"] = ConfirmForm(initial=initial)
            forms["return"] = ReturnForm(initial=initial)
        elif pack.status == PackStatus.RELEASED and pack.is_current:
            forms["correct"] = CorrectForm(initial=initial)
    return forms


def _label(labels, key) -> str:
    return str(labels[key]) if key else ""


def _spc_label(labels, row, attribute) -> str:
    result = row["spc"]
    return _label(labels, getattr(result, attribute)) if result is not None and result.sufficient else ""


VALUE_COLUMNS = [
    Column(gettext_lazy("Pillar"), lambda r: r["measure"].get_pillar_display()),
    Column(gettext_lazy("Measure"), lambda r: r["measure"].code),
    Column(gettext_lazy("Name"), lambda r: r["measure"].display_name),
    Column(gettext_lazy("Unit"), lambda r: r["measure"].get_unit_display()),
    Column(gettext_lazy("Value"), lambda r: r["value"].value if r["value"] else None),
    Column(gettext_lazy("Why there is no value"), lambda r: r["value"].not_available_reason if r["value"] else ""),
    Column(gettext_lazy("Target"), lambda r: r["measure"].national_target),
    Column(gettext_lazy("Trajectory"), lambda r: r["trajectory"].value if r["trajectory"] else None),
    Column(gettext_lazy("Against target"), lambda r: _label(STATUS_LABELS, r["status"] and r["status"].target)),
    Column(gettext_lazy("Against trajectory"), lambda r: _label(STATUS_LABELS, r["status"] and r["status"].trajectory)),
    Column(gettext_lazy("SPC variation"), lambda r: _spc_label(VARIATION_LABELS, r, "variation_icon")),
    Column(gettext_lazy("SPC assurance"), lambda r: _spc_label(ASSURANCE_LABELS, r, "assurance_icon")),
]


def pack_detail(request, pk, failed=None):
    """The pack: where it stands, its values with status and SPC icons, narrative, risks, deep
    dives, versions and history, and what the user may do next."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    pack = _pack(request, pk)
    fmt = request.GET.get("export")
    if fmt in FORMATS and not failed:
        rows = [row for _label, _pillar, pillar_rows in _value_rows(pack, request.user) for row in pillar_rows]
        name = f"pack-{pack.organisation.code}-{pack.period:%Y-%m}-v{pack.revision}"
        response = export_response(rows=rows, columns=VALUE_COLUMNS, filename=name, fmt=fmt)
        _log_read(request, pack, SensitiveRead.Action.DOWNLOADED)
        return response
    _log_read(request, pack, SensitiveRead.Action.VIEWED)
    forms = _forms(request, pack)
    forms.update(failed or {})
    editable = pack.status in EDITABLE and access.can(request.user, "reporting.pack.edit", pack)
    groups = _value_rows(pack, request.user)
    insider = access.can_see_organisation(request.user, pack.organisation_id)
    filled = sum(1 for _label, _pillar, rows in groups for row in rows if row["value"] is not None)
    context = {
        "pack": pack,
        "groups": groups,
        "measure_count": sum(len(rows) for _label, _pillar, rows in groups),
        "filled": filled,
        "late": pack.is_late(),
        "editable": editable,
        "forms": forms,
        "has_errors": any(form.is_bound and form.errors for form in forms.values()),
        "narratives": {n.pillar: n for n in pack.narratives.all()},
        "pillars": Pillar.choices,
        "versions": selectors.pack_versions(request.user, pack),
        "uploads": access.restrict_uploads(UploadJob.objects.filter(pack=pack), request.user).defer("content")[:5],
        # The workflow's history (return comments, correction reasons) is the organisation's and
        # NHS P&I's business; others see the released numbers only.
        "history": pack.history.select_related("history_user").order_by("-history_date")[:50] if insider else [],
        "insider": insider,
    }
    return render(request, "reporting/pack_detail.html", context, status=409 if _conflict(forms) else 200)


def _log_read(request, pack: Pack, action: str) -> None:
    """Log a read of an unreleased pack in the access log (released packs are everyone's)."""
    if pack_is_unreleased(pack):
        record_sensitive_read(
            request, obj=pack, organisation=pack.organisation_id, kind=SensitiveRead.Kind.PACK, action=action
        )


def _conflict(forms) -> bool:
    return has_conflict(forms.values())


def _editable_pack(request, pk) -> Pack:
    pack = _pack(request, pk)
    access.require(request.user, "reporting.pack.edit", pack)
    return pack


@login_required
def pack_values(request, pk):
    """The web form: a value, or the reason there is none, for each measure of the pack."""
    pack = _editable_pack(request, pk)
    if pack.status not in EDITABLE:
        messages.error(request, rules.pack_editable_refusal(status=pack.status).message)
        return redirect(pack)
    measures = selectors.pack_measures(pack.organisation, pack.period)
    values = {v.measure_id: v for v in pack.values.all()}
    form = PackValuesForm(request.POST or None, measures=measures, values=values, initial={"version": pack.version})
    if request.method == "POST" and form.is_valid():
        entered, reasons = form.entered()
        try:
            services.pack_values_set(
                actor=request.user,
                pack=pack,
                expected_version=form.cleaned_data["version"],
                values=entered,
                reasons=reasons,
            )
        except services.ValuesRefused as error:
            _errors_to_fields(form, error.errors)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The values are saved."))
            return redirect(pack)
    status = 409 if _conflict({"values": form}) else 200
    _log_read(request, pack, SensitiveRead.Action.VIEWED)  # the form shows every value entered so far
    return render(request, "reporting/pack_values.html", {"pack": pack, "form": form}, status=status)


def _errors_to_fields(form: PackValuesForm, errors: list[str]) -> None:
    """Each refused value's message beside its measure's field (the message starts with the code)."""
    for message in errors:
        code, _sep, text = message.partition(": ")
        field = f"value_{code}"
        if field in form.fields:
            form.add_error(field, text)
        else:
            form.add_error(None, message)


@login_required
def pack_template(request, pk, fmt):
    """The pack's template to fill in: one row per measure, as CSV or Excel."""
    pack = _pack(request, pk)
    name = f"pack-{pack.organisation.code}-{pack.period:%Y-%m}"
    if fmt == "csv":
        response = HttpResponse(imports.template_csv(pack.organisation, pack.period), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            imports.template_xlsx(pack.organisation, pack.period),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("Templates come as CSV or Excel (.xlsx).")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def pack_upload(request, pk):
    """Upload the filled-in template: stored in the background, all or nothing."""
    pack = _editable_pack(request, pk)
    form = PackUploadForm(request.POST or None, request.FILES or None, initial={"version": pack.version})
    if request.method == "POST" and form.is_valid():
        try:
            job = uploads.upload_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                pack=pack,
                expected_version=form.cleaned_data["version"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            return redirect("reporting:upload-progress", pk=job.pk)
    return render(request, "reporting/pack_upload.html", {"pack": pack, "form": form})


@login_required
def bulk_upload(request):
    """Upload values for many organisations and months in one file (an historical load, or a
    group of packs): stored in the background, all or nothing."""
    access.require(request.user, "reporting.values.upload")
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = uploads.upload_start(actor=request.user, upload=form.cleaned_data["file"])
        except OversightError as error:
            add_domain_error(form, error)
        else:
            return redirect("reporting:upload-progress", pk=job.pk)
    return render(request, "reporting/bulk_upload.html", {"form": form})


@login_required
def upload_progress(request, pk):
    """How far an upload has got. The page asks again every second until it has finished."""
    job = get_object_or_404(
        access.restrict_uploads(UploadJob.objects.select_related("pack__organisation"), request.user).defer("content"),
        pk=pk,
    )
    template = "reporting/_upload_status.html" if request.headers.get("HX-Request") else "reporting/upload.html"
    return render(request, template, {"job": job})


@login_required
def pack_narrative(request, pk):
    """The narrative for each pillar."""
    pack = _editable_pack(request, pk)
    narratives = {n.pillar: n for n in pack.narratives.all()}
    posted = request.POST.get("pillar") if request.method == "POST" else None
    forms = []
    for pillar, label in Pillar.choices:
        if pillar == posted:
            form = NarrativeForm(request.POST, prefix=pillar)
        else:
            existing = narratives.get(pillar)
            form = NarrativeForm(
                prefix=pillar,
                initial={"pillar": pillar, "text": existing.text if existing else "", "version": pack.version},
            )
        forms.append((pillar, label, form))
    if posted:
        form = next((f for p, _l, f in forms if p == posted), None)
        if form is None:
            raise Http404("No such pillar.")
        if form.is_valid():
            try:
                services.pack_narrative_set(
                    actor=request.user,
                    pack=pack,
                    expected_version=form.cleaned_data["version"],
                    pillar=posted,
                    text=form.cleaned_data["text"],
                )
            except OversightError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The %(pillar)s narrative is saved.") % {"pillar": Pillar(posted).label})
                return redirect(reverse("reporting:pack-narrative", args=[pack.pk]))
    _log_read(request, pack, SensitiveRead.Action.VIEWED)  # every pillar's narrative so far
    return render(request, "reporting/pack_narrative.html", {"pack": pack, "forms": forms})


@login_required
def pack_risk_add(request, pk):
    pack = _editable_pack(request, pk)
    form = RiskForm(request.POST or None, initial={"version": pack.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.pack_risk_add(
                actor=request.user,
                pack=pack,
                expected_version=form.cleaned_data["version"],
                description=form.cleaned_data["description"],
                mitigation=form.cleaned_data["mitigation"],
                likelihood=form.cleaned_data["likelihood"],
                consequence=form.cleaned_data["consequence"],
                pillar=form.cleaned_data["pillar"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The risk is added."))
            return redirect(pack)
    return render(request, "reporting/pack_risk.html", {"pack": pack, "form": form})


@login_required
def pack_deep_dive_add(request, pk):
    """A quarterly deep-dive topic, on the pack of a quarter's last month."""
    pack = _editable_pack(request, pk)
    if not pack.is_quarter_end:
        raise Http404("Deep dives go with the pack of a quarter's last month.")
    if pack.status not in EDITABLE:
        messages.error(request, rules.pack_editable_refusal(status=pack.status).message)
        return redirect(pack)
    form = DeepDiveForm(request.POST or None, initial={"version": pack.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.pack_deep_dive_add(
                actor=request.user,
                pack=pack,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The deep dive is added."))
            return redirect(pack)
    return render(request, "reporting/pack_deep_dive.html", {"pack": pack, "form": form})


# --- Submission and validation ----------------------------------------------------------------


def _mover(*, name, form_class, permission, service, success, **fields):
    """A view that moves a pack on (submit, return, validate, release) from its page's form:
    the refusal, if any, shown on the pack page beside the form. ``fields`` maps a service
    argument to the form field that gives it."""

    @login_required
    @require_POST
    def view(request, pk):
        pack = _pack(request, pk)

        def action(data):
            kwargs = {argument: data[field] for argument, field in fields.items()}
            try:
                service(actor=request.user, pack=pack, expected_version=data["version"], **kwargs)
            except services.ValuesRefused as error:
                lead = str(error).split("\n")[0]
                raise OversightError("\n".join([lead, *error.errors]), code=error.code) from error

        return _act(
            request,
            pack,
            name=name,
            form=form_class(request.POST),
            permission=permission,
            action=action,
            success=str(success),
            detail=pack_detail,
        )

    view.__name__ = f"pack_{name}"
    return view


pack_submit = _mover(
    name="submit",
    form_class=ConfirmForm,
    permission="reporting.pack.submit",
    service=services.pack_submit,
    success=gettext_lazy("The pack is submitted to NHS Performance and Improvement."),
)
pack_return = _mover(
    name="return",
    form_class=ReturnForm,
    permission="reporting.pack.curate",
    service=services.pack_return,
    success=gettext_lazy("The pack is returned to the organisation with your comments."),
    comment="comment",
)
pack_validate = _mover(
    name="validate",
    form_class=ConfirmForm,
    permission="reporting.pack.curate",
    service=services.pack_validate,
    success=gettext_lazy("The pack is validated. Release it when it is ready for everyone."),
)
pack_release = _mover(
    name="release",
    form_class=ConfirmForm,
    permission="reporting.pack.curate",
    service=services.pack_release,
    success=gettext_lazy("The pack is released: its numbers are now the ones everyone uses."),
)


@login_required
@require_POST
def pack_correct(request, pk):
    """Start a correction: a new draft version; the released one stays readable."""
    pack = _pack(request, pk)
    access.require(request.user, "reporting.pack.curate", pack)
    form = CorrectForm(request.POST)
    if form.is_valid():
        try:
            correction = services.pack_correct(
                actor=request.user,
                pack=pack,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("A new version is open for the correction."))
            return redirect(correction)
    return pack_detail(request, pack.pk, failed={"correct": form})

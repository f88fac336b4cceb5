from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight import access
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import add_domain_error
from oversight.views import OversightListView

from . import selectors, services
from .filters import MembershipFilter, OrganisationFilter
from .forms import OrganisationForm


class OrganisationListView(OversightListView):
    filterset_class = OrganisationFilter
    template_name = "organisations/organisation_list.html"
    export_filename = "organisations"
    export_columns = [
        Column(gettext_lazy("Code"), "code"),
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Welsh name"), "name_cy"),
        Column(gettext_lazy("Short name"), "short_name"),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Region"), "region.name"),
        Column(gettext_lazy("Hosted by"), "hosted_by.code"),
        Column(gettext_lazy("ODS code"), "ods_code"),
        Column(gettext_lazy("ONS code"), "ons_code"),
        Column(gettext_lazy("Statutory"), "statutory"),
        Column(gettext_lazy("Active"), "active"),
    ]

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    private = access.can(request.user, "organisation.view_private", organisation)
    context = {
        "organisation": organisation,
        "private": private,
        "can_change": access.can(request.user, "organisation.change", organisation),
        "officeholders": organisation.officeholders.all() if private else [],
        "member_count": organisation.memberships.count() if private else None,
        "hosted_bodies": organisation.hosted_bodies.order_by("name"),
    }
    return render(request, "organisations/organisation_detail.html", context)


@login_required
def organisation_edit(request, pk):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    access.require(request.user, "organisation.change", organisation)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version, reason = data.pop("version"), data.pop("reason")
            try:
                services.organisation_update(
                    actor=request.user, organisation=organisation, expected_version=version, changes=data, reason=reason
                )
            except OversightError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s has been updated.") % {"name": organisation.name})
                return redirect("organisations:detail", pk=organisation.pk)
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
    return render(request, "organisations/organisation_form.html", {"organisation": organisation, "form": form})


class OrganisationMembersView(OversightListView):
    filterset_class = MembershipFilter
    template_name = "organisations/organisation_members.html"
    export_columns = [
        Column(gettext_lazy("Name"), "user.get_full_name"),
        Column(gettext_lazy("User name"), "user.username"),
        Column(gettext_lazy("E-mail"), "user.email"),
        Column(gettext_lazy("Role"), "get_role_display"),
        Column(gettext_lazy("Job title"), "job_title"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = selectors.organisation_private_get(user=request.user, pk=kwargs["pk"])
            self.export_filename = f"{self.organisation.code}-members"
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.membership_list(user=self.request.user, organisation=self.organisation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


@login_required
def organisation_history(request, pk):
    organisation = selectors.organisation_private_get(user=request.user, pk=pk)
    entries = selectors.organisation_history(user=request.user, organisation=organisation)
    return render(
        request, "organisations/organisation_history.html", {"organisation": organisation, "entries": entries}
    )

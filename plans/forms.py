from django import forms
from django.utils.translation import gettext_lazy as _

from escalation.models import Domain
from oversight.forms import BooleanChoiceField, VersionedForm

from . import rules
from .choices import ConditionStatus, Outcome, PlanType
from .models import PlanningCycle


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Planning cycle"), queryset=PlanningCycle.objects.order_by("-starts_on"), empty_label=None
    )
    plan_type = forms.ChoiceField(label=_("Type of plan"), choices=PlanType.choices, widget=forms.RadioSelect)
    submitted_on = forms.DateField(label=_("Submitted to Welsh Government on"), widget=DateInput)
    board_approved_on = forms.DateField(
        label=_("Approved by the board on"),
        widget=DateInput,
        required=False,
        help_text=_("The board approves the plan before it is submitted."),
    )
    financially_balanced = BooleanChoiceField(label=_("Is the plan financially balanced?"))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)


class PlanEditForm(VersionedForm, PlanForm):
    reason = forms.CharField(label=_("Why is it changing?"), max_length=100, required=False)

    @classmethod
    def initial_for(cls, plan):
        return {
            "version": plan.version,
            "cycle": plan.cycle_id,
            "plan_type": plan.plan_type,
            "submitted_on": plan.submitted_on,
            "board_approved_on": plan.board_approved_on,
            "financially_balanced": plan.financially_balanced,
            "summary": plan.summary,
        }


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Minister's outcome"),
        choices=[("", _("Awaiting the Minister's decision")), *Outcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    outcome_on = forms.DateField(label=_("Date of the Minister's decision"), widget=DateInput, required=False)


class ResponseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    issued_on = forms.DateField(label=_("Response issued on"), widget=DateInput)
    summary = forms.CharField(
        label=_("Summary of the response"),
        widget=forms.Textarea,
        help_text=_("What Welsh Government said about the plan; the conditions follow below."),
    )


class ConditionForm(forms.Form):
    text = forms.CharField(label=_("Condition"), widget=forms.Textarea)
    pillar = forms.ModelChoiceField(label=_("Pillar"), queryset=Domain.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    owner = forms.CharField(label=_("Owner"), max_length=200, help_text=_("Who at the organisation answers for it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].queryset = Domain.objects.filter(era__code=rules.PILLAR_ERA).order_by("order")


class ConditionStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ConditionStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What shows it is met, or why it is not."),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, Word, Excel, CSV, PowerPoint, an image or text, up to the size limit."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea, required=False, help_text=_("What the evidence shows.")
    )


class ReceiveForm(VersionedForm):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    file = forms.FileField(label=_("File"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

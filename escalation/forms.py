from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from oversight.forms import VersionedForm

from .choices import (
    CriterionStatus,
    IntelligenceKind,
    InterventionKind,
    Level,
    Rag,
    Recommendation,
    ScopeKind,
    Severity,
)
from .models import Domain, SupportPlan


class DateInput(forms.DateInput):
    input_type = "date"


class DecisionDraftForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(statutory=True, active=True).order_by("name")
    )
    scope_kind = forms.ChoiceField(label=_("What does the level apply to?"), choices=ScopeKind.choices)
    domain = forms.ModelChoiceField(
        label=_("Domain or pillar"),
        queryset=Domain.objects.none(),
        required=False,
        help_text=_("Only when the level applies to one domain or pillar."),
    )
    service_name = forms.CharField(
        label=_("Service or site"),
        max_length=200,
        required=False,
        help_text=_("Only when the level applies to a named service or site, e.g. maternity and neonatal services."),
    )
    to_level = forms.TypedChoiceField(label=_("Proposed level"), choices=Level.choices, coerce=int)
    rationale = forms.CharField(
        label=_("Rationale"), widget=forms.Textarea, help_text=_("The reasons, as the organisation will be told them.")
    )
    evidence = forms.CharField(
        label=_("Evidence considered"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Concerns, tripartite intelligence and performance pack references."),
    )
    planned_on = forms.DateField(label=_("Date of the decision (planned)"), widget=DateInput)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=DateInput, required=False, help_text=_("Leave blank for the decision date.")
    )

    def __init__(self, *args, era=None, **kwargs):
        super().__init__(*args, **kwargs)
        if era is not None:
            self.fields["domain"].queryset = Domain.objects.filter(era=era).order_by("order")


class DecisionDecideForm(VersionedForm):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=DateInput, required=False, help_text=_("Leave blank for the decision date.")
    )
    minister_decided_on = forms.DateField(
        label=_("Date the Minister decided"),
        widget=DateInput,
        required=False,
        help_text=_("Required for a Ministerial decision."),
    )
    notified_on = forms.DateField(label=_("Organisation notified on"), widget=DateInput, required=False)
    override_rationale = forms.CharField(
        label=_("Override rationale"),
        widget=forms.Textarea,
        required=False,
        help_text=_("For a de-escalation where not every criterion is sustained: why de-escalate regardless."),
    )


class DecisionRecommendForm(VersionedForm):
    pass


class DecisionNotifyForm(VersionedForm):
    notified_on = forms.DateField(label=_("Organisation notified on"), widget=DateInput)


class DecisionWithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Why is it withdrawn?"), widget=forms.Textarea)


class CriterionForm(forms.Form):
    text = forms.CharField(label=_("Criterion"), widget=forms.Textarea)
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)


class CaseCloseForm(VersionedForm):
    reason = forms.CharField(label=_("Why is the case closed?"), widget=forms.Textarea)


class ConcernRaiseForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What is the concern?"),
        widget=forms.Textarea,
        help_text=_("What has happened or may happen, its effect on patients or services, and what is being done."),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain or pillar"),
        queryset=Domain.objects.none(),
        required=False,
        empty_label=_("Not specific to one"),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    file = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, organisations=None, era=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if era is not None:
            self.fields["domain"].queryset = Domain.objects.filter(era=era).order_by("order")


class ConcernTriageForm(VersionedForm):
    case = forms.ModelChoiceField(
        label=_("Link it to a case"),
        queryset=None,
        required=False,
        empty_label=_("No case"),
        help_text=_("The organisation's open cases."),
    )
    close_reason = forms.CharField(
        label=_("Or close it, with the reason"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Leave both empty to mark it triaged and keep it open."),
    )

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases

    def clean(self):
        data = super().clean()
        if data.get("case") and (data.get("close_reason") or "").strip():
            self.add_error("close_reason", _("Either link it to a case or close it, not both."))
        return data


class IntelligenceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("About"), queryset=Organisation.objects.filter(statutory=True, active=True).order_by("name")
    )
    body = forms.ModelChoiceField(label=_("From"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=IntelligenceKind.choices)
    dated = forms.DateField(label=_("Date"), widget=DateInput)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea)
    rag = forms.ChoiceField(label=_("RAG"), choices=Rag.choices)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies


class CriterionStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=CriterionStatus.choices)
    override_reason = forms.CharField(
        label=_("Why the status differs from the released data"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Only when the status you choose is not what the released data show: the reason is shown beside "
            "the computed status."
        ),
    )

    def __init__(self, *args, bound_to_measure: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not bound_to_measure:  # nothing computed, so nothing to override
            del self.fields["override_reason"]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, Word, Excel, CSV, PowerPoint, an image or text, up to the size limit."),
    )
    note = forms.CharField(label=_("What it shows"), max_length=50, required=False)


class RequestSendForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("About"), queryset=Organisation.objects.filter(statutory=True, active=True).order_by("name")
    )
    addressee = forms.CharField(
        label=_("Addressed to"),
        max_length=200,
        required=False,
        help_text=_("Leave blank when the request is to the organisation itself; otherwise name the third party."),
    )
    question = forms.CharField(label=_("What is asked"), widget=forms.Textarea)
    due_on = forms.DateField(label=_("Answer due by"), widget=DateInput)


class RequestAnswerForm(VersionedForm):
    response = forms.CharField(label=_("Response"), widget=forms.Textarea)
    file = forms.FileField(label=_("Supporting file"), required=False)


class SupportPlanForm(forms.ModelForm):
    """Start an improvement plan or targeted support, with the assessment of 002 §70."""

    class Meta:
        model = SupportPlan
        fields = [
            "kind",
            "started_on",
            "senior_responsible_officer",
            "risk_and_impact",
            "understanding_of_drivers",
            "leadership_and_governance",
            "credibility_of_plans",
            "previous_support",
            "trajectory",
            "criteria_summary",
        ]
        widgets = {"started_on": DateInput}


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=InterventionKind.choices)
    lead = forms.CharField(label=_("Lead"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)
    rag = forms.ChoiceField(label=_("RAG"), choices=Rag.choices, initial=Rag.AMBER)


class MaturityScoreForm(forms.Form):
    area_name = forms.CharField(label=_("Area"), max_length=200, help_text=_("An existing area, or a new one."))
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        help_text=_("1 (least) to 5 (most mature)."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def _partner_bodies():
    return Organisation.objects.filter(kind__in=("government", "inspectorate", "auditor")).order_by("name")


class TripartiteRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example, Tripartite meeting, spring 2027.")
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    participants = forms.ModelMultipleChoiceField(
        label=_("Bodies taking part"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their people see this round and its recommendations."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _partner_bodies()


class TripartiteViewForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True, active=True).order_by("name"),
        empty_label=_("Choose an organisation"),
    )
    domain = forms.ModelChoiceField(
        label=_("Domain or pillar"),
        queryset=Domain.objects.none(),
        required=False,
        empty_label=_("Whole organisation"),
    )
    shared_view = forms.CharField(label=_("The partners' shared view"), widget=forms.Textarea)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    recommended_level = forms.TypedChoiceField(
        label=_("To level"),
        choices=[("", _("Not applicable")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Required unless the recommendation is to maintain the level."),
    )

    def __init__(self, *args, era=None, **kwargs):
        super().__init__(*args, **kwargs)
        if era is not None:
            self.fields["domain"].queryset = Domain.objects.filter(era=era).order_by("order")

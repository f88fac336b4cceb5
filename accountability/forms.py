from django import forms
from django.utils.translation import gettext_lazy as _

from escalation.choices import Level, Recommendation
from escalation.models import Domain
from oversight.forms import VersionedForm

from .choices import ObjectiveStatus, Rating, WellLedArea

PILLAR_ERA = "2026"


class DateInput(forms.DateInput):
    input_type = "date"


def _ratings(blank: str):
    return [("", blank), *[(str(value), label) for value, label in Rating.choices]]


def _rating_value(value) -> int | None:
    return int(value) if value not in (None, "") else None


class ObjectiveForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(label=_("Objective"), widget=forms.Textarea)
    chair_name = forms.CharField(
        label=_("Chair"), max_length=200, required=False, help_text=_("The Chair the objective is set with.")
    )


class ObjectiveUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ObjectiveStatus.choices, widget=forms.RadioSelect)
    progress_notes = forms.CharField(
        label=_("Progress notes"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Needed when the objective is at risk, not achieved or withdrawn."),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"), help_text=_("PDF, Word, Excel, CSV, PowerPoint, an image or text.")
    )


class FlexibilityForm(forms.Form):
    what = forms.CharField(
        label=_("Flexibility granted"),
        max_length=300,
        help_text=_("For example: a choice of local pathway, a focus for discretionary improvement funding."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    granted_on = forms.DateField(label=_("Granted on"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("Until"), widget=DateInput, required=False, help_text=_("Leave empty if open-ended.")
    )


class AssessmentStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year assessed"), min_value=2000, max_value=2100)


class _RatingsForm(VersionedForm):
    """A rating and commentary for each of the six areas, then a summary."""

    blank_label = _("Not rated yet")
    summary_label = _("Summary")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area, label in WellLedArea.choices:
            self.fields[f"rating_{area}"] = forms.TypedChoiceField(
                label=label,
                choices=_ratings(str(self.blank_label)),
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"commentary_{area}"] = forms.CharField(
                label=_("Commentary: %(area)s") % {"area": label}, widget=forms.Textarea, required=False
            )
        self.fields["summary"] = forms.CharField(label=self.summary_label, widget=forms.Textarea, required=False)

    def ratings(self) -> dict:
        data = self.cleaned_data
        return {
            area: (_rating_value(data.get(f"rating_{area}")), data.get(f"commentary_{area}", ""))
            for area in WellLedArea.values
        }

    def area_fields(self):
        return [(self[f"rating_{area}"], self[f"commentary_{area}"]) for area in WellLedArea.values]


class SelfRatingsForm(_RatingsForm):
    summary_label = _("The organisation's summary")

    @classmethod
    def initial_for(cls, assessment, rows):
        initial = {"version": assessment.version, "summary": assessment.self_summary}
        for row in rows:
            initial[f"rating_{row.area}"] = row.self_rating
            initial[f"commentary_{row.area}"] = row.rating.self_commentary if row.rating else ""
        return initial


class ReviewForm(_RatingsForm):
    summary_label = _("NHS P&I's summary")

    @classmethod
    def initial_for(cls, assessment, rows):
        initial = {"version": assessment.version, "summary": assessment.nhspi_summary}
        for row in rows:
            initial[f"rating_{row.area}"] = row.nhspi_rating
            initial[f"commentary_{row.area}"] = row.rating.nhspi_commentary if row.rating else ""
        return initial


class AssessmentEvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"), help_text=_("PDF, Word, Excel, CSV, PowerPoint, an image or text.")
    )
    area = forms.ChoiceField(
        label=_("Area of evidence"),
        choices=[("", _("The whole self-assessment")), *WellLedArea.choices],
        required=False,
    )


class LetterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Financial year starting in"),
        min_value=2000,
        max_value=2100,
        help_text=_("For example 2026 for the financial year 2026-27."),
    )


class EntryForm(VersionedForm):
    risks = forms.CharField(label=_("Risks"), widget=forms.Textarea, required=False)
    mitigations = forms.CharField(label=_("Mitigations"), widget=forms.Textarea, required=False)
    actions = forms.CharField(label=_("Recommended actions"), widget=forms.Textarea, required=False)


class SummaryForm(VersionedForm):
    summary = forms.CharField(label=_("Overview"), widget=forms.Textarea, required=False)


def pillars() -> list[Domain]:
    """The 2026 pillars and the foundation a recommendation may be about (one query: the
    synthesis page gives the same list to every organisation's forms)."""
    return list(Domain.objects.filter(era__code=PILLAR_ERA).order_by("order"))


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    domain = forms.TypedChoiceField(label=_("Scope"), required=False, empty_value=None)
    recommended_level = forms.TypedChoiceField(
        label=_("To level"),
        choices=[("", _("No change of level")), *[(str(v), f"{v} – {label}") for v, label in Level.choices]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rationale = forms.CharField(label=_("Why"), widget=forms.Textarea)

    def __init__(self, *args, domains: list[Domain] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        domains = pillars() if domains is None else domains
        by_pk = {str(d.pk): d for d in domains}
        field = self.fields["domain"]
        field.choices = [("", _("Whole organisation")), *[(str(d.pk), d.display_name) for d in domains]]
        field.coerce = by_pk.__getitem__


class RecommendationEditForm(VersionedForm, RecommendationForm):
    @classmethod
    def initial_for(cls, recommendation):
        return {
            "version": recommendation.version,
            "recommendation": recommendation.recommendation,
            "domain": str(recommendation.domain_id) if recommendation.domain_id else "",
            "recommended_level": recommendation.recommended_level,
            "rationale": recommendation.rationale,
        }

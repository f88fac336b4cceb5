"""Forms for the pack pages. Each write form carries the version the user was shown
(``VersionedForm``): the service refuses a stale one as a conflict."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.forms import VersionedForm

from .choices import Pillar

SCALE = [(n, str(n)) for n in range(1, 6)]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class PackOpenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=_("Choose…"))
    period = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput,
        help_text=_("For example, 2026-10 for October 2026."),
        error_messages={"invalid": _("Enter the month as year and month, like 2026-10.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class PackValuesForm(VersionedForm):
    """One value and, where there is none, the reason, for each measure of the pack."""

    def __init__(self, *args, measures, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        for measure in measures:
            current = values.get(measure.pk)
            self.fields[f"value_{measure.code}"] = forms.CharField(
                label=measure.display_name,
                required=False,
                max_length=40,
                initial="" if current is None or current.value is None else current.value.normalize(),
                help_text=measure.get_unit_display(),
            )
            self.fields[f"reason_{measure.code}"] = forms.CharField(
                label=_("Why there is no value"),
                required=False,
                max_length=300,
                initial="" if current is None else current.not_available_reason,
            )

    def rows(self):
        """(measure, value field, reason field) for the template, in catalogue order."""
        return [(m, self[f"value_{m.code}"], self[f"reason_{m.code}"]) for m in self.measures]

    def entered(self) -> tuple[dict, dict]:
        """The measures the user gave a value or a reason for: {code: text} and {code: reason}.
        Rows left wholly empty are not sent, so a pack can be filled in over several visits."""
        values, reasons = {}, {}
        for measure in self.measures:
            value = self.cleaned_data.get(f"value_{measure.code}", "").strip()
            reason = self.cleaned_data.get(f"reason_{measure.code}", "").strip()
            if value or reason:
                values[measure.code] = value or None
                reasons[measure.code] = reason
        return values, reasons


class NarrativeForm(VersionedForm):
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 5}))


class RiskForm(VersionedForm):
    pillar = forms.ChoiceField(label=_("Pillar"), choices=[("", _("Not one pillar")), *Pillar.choices], required=False)
    description = forms.CharField(label=_("Risk"), widget=forms.Textarea(attrs={"rows": 3}))
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood (1 rare – 5 almost certain)"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    consequence = forms.TypedChoiceField(
        label=_("Consequence (1 negligible – 5 catastrophic)"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )


class DeepDiveForm(VersionedForm):
    title = forms.CharField(label=_("Topic"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class ConfirmForm(VersionedForm):
    """Submit, validate or release: nothing to fill in but the version."""


class ReturnForm(VersionedForm):
    comment = forms.CharField(
        label=_("What the organisation needs to change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation's submitters see this with the returned pack."),
    )


class CorrectForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why the released pack needs correcting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version. The released version stays readable."),
    )


class PackUploadForm(VersionedForm):
    file = forms.FileField(label=_("Filled-in template (CSV or Excel)"))


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of values (CSV or Excel)"),
        help_text=_("Columns: organisation, period (YYYY-MM), measure, value, reason."),
    )


class CriterionBindingForm(forms.Form):
    """Bind a de-escalation criterion to a monthly measure and a condition, from the case page.
    ``version`` is the version of the binding the user was shown (0: none), so that a stale
    change is refused as a conflict. ``measures`` are the measures that may be chosen (the
    monthly measures in force), chosen by code."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    measure = forms.ChoiceField(label=_("Measure"), choices=())
    operator = forms.ChoiceField(label=_("The criterion is met when the value is"), choices=())
    threshold = forms.CharField(
        label=_("Threshold"),
        max_length=40,
        help_text=_("A number in the measure’s unit, such as 500 or 95.5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}),
    )
    consecutive_months = forms.IntegerField(
        label=_("For this many consecutive released months"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # how many are allowed is the service's to say (reporting.bindings), beside this field

    def __init__(self, *args, measures, **kwargs):
        from django.utils.text import Truncator

        from .choices import Comparison

        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            ("", _("Choose a measure")),
            *[(m.code, f"{m.code} – {Truncator(m.display_name).chars(90)}") for m in measures],
        ]
        words = {
            Comparison.LT: _("below"),
            Comparison.LE: _("at or below"),
            Comparison.EQ: _("equal to"),
            Comparison.NE: _("not equal to"),
            Comparison.GE: _("at or above"),
            Comparison.GT: _("above"),
        }
        self.fields["operator"].choices = [
            ("", _("Choose")),
            *[(value, f"{words[value]} ({symbol})") for value, symbol in Comparison.choices],
        ]


# --- Documents ----------------------------------------------------------------------------------


def _document_languages():
    from .models import Document

    return Document.Language.choices


class DocumentDraftForm(forms.Form):
    """Draft a notification letter from a decided decision."""

    language = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=_document_languages,
        initial="en",
        widget=forms.RadioSelect,
        help_text=_("As the recipient prefers. A bilingual letter has the Welsh first, then the English."),
    )
    addressee_name = forms.CharField(
        label=_("Addressed to"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the organisation's chief executive."),
    )
    addressee_role = forms.CharField(label=_("Their role"), max_length=200, required=False)


class DocumentEditForm(VersionedForm):
    """A draft's text: only a draft can be edited."""

    title = forms.CharField(label=_("Title (English)"), max_length=300)
    title_cy = forms.CharField(label=_("Title (Welsh)"), max_length=300, required=False)
    language = forms.ChoiceField(
        label=_("Language of the letter"), choices=_document_languages, widget=forms.RadioSelect
    )
    addressee_name = forms.CharField(label=_("Addressed to"), max_length=200)
    addressee_role = forms.CharField(label=_("Their role"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Paragraphs separated by a blank line."),
    )
    body_cy = forms.CharField(label=_("Text (Welsh)"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    reason = forms.CharField(label=_("What you changed, and why"), max_length=200, required=False)


class DocumentReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the issued document needs correcting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version, which replaces this one when it is issued."),
    )


class LetterOfConcernForm(DocumentDraftForm):
    """Draft a letter of concern (performance notice) at level 1 or 2."""

    expectations = forms.CharField(
        label=_("What the organisation is expected to do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words: the recovery you expect. What the level means (Annex 1) is added for you."),
    )
    respond_by = forms.DateField(
        label=_("Reply expected by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Four weeks from today unless you change it."),
    )


class BatchCreateForm(forms.Form):
    """A batch of post-meeting letters for the meetings held in a month."""

    month = forms.DateField(
        label=_("Month the meetings were held"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput,
        help_text=_("For example, 2026-11 for November 2026."),
        error_messages={"invalid": _("Enter the month as year and month, like 2026-11.")},
    )


class BatchApproveForm(forms.Form):
    """Approve every draft of a batch the user may approve. Nothing to fill in: it carries, hidden,
    the version of each draft shown on the batch page (``version_<document id>``), and only those
    versions are approved (``batches.batch_approve_drafts``)."""

    PREFIX = "version_"

    def __init__(self, *args, drafts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for document in drafts:
            self.fields[f"{self.PREFIX}{document.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, initial=document.version
            )

    def versions(self) -> dict[int, int]:
        """The version shown of each draft (after ``is_valid``): a draft not shown is not in it."""
        return {
            int(name.removeprefix(self.PREFIX)): version
            for name, version in self.cleaned_data.items()
            if name.startswith(self.PREFIX) and version is not None
        }

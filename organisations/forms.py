from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.forms import BooleanChoiceField, VersionedForm

from .choices import LetterLanguage, OrganisationKind
from .models import Organisation, Region


class OrganisationForm(VersionedForm):
    name = forms.CharField(label=_("Name (English)"), max_length=200)
    name_cy = forms.CharField(label=_("Name (Welsh)"), max_length=200, required=False)
    welsh_name_verified = BooleanChoiceField(label=_("Has the Welsh name been checked?"))
    short_name = forms.CharField(label=_("Short name (English)"), max_length=100)
    short_name_cy = forms.CharField(label=_("Short name (Welsh)"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    ods_code = forms.CharField(label=_("ODS code"), max_length=10, required=False)
    ons_code = forms.CharField(label=_("ONS code"), max_length=12, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"), required=False)
    hosted_by = forms.ModelChoiceField(
        label=_("Hosted by"), queryset=Organisation.objects.order_by("name"), required=False
    )
    statutory = BooleanChoiceField(label=_("Is it a statutory NHS organisation?"))
    active = BooleanChoiceField(label=_("Is it active?"))
    letter_language = forms.ChoiceField(
        label=_("Language of its letters"),
        choices=LetterLanguage.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Letters to the organisation are drafted in this language. A bilingual letter has the Welsh first."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Recorded in the organisation's change history."),
        max_length=200,
    )

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict:
        data = {name: getattr(organisation, name) for name in cls.base_fields if hasattr(organisation, name)}
        data["version"] = organisation.version
        return data

"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import OversightError


class VersionedForm(forms.Form):
    """A form for editing a record with optimistic concurrency.

    It carries the version the user was shown; the service refuses a stale one. On a
    conflict the form is shown again with what the user typed, and the error.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def add_domain_error(form: forms.Form, error: OversightError) -> None:
    """Show a service's refusal beside the field it names, or at the top of the form.

    The refusal keeps its machine-readable code (rendered as ``data-error-code``), the same
    code the API answers with."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, ValidationError(error.message, code=error.code))


def has_conflict(forms) -> bool:
    """Whether any of these submitted forms was refused as a stale edit (a 409, not a 400)."""
    return any(
        getattr(error, "code", "") == "conflict"
        for form in forms
        if form is not None and form.is_bound
        for error in form.non_field_errors().as_data()
    )


class BooleanChoiceField(forms.TypedChoiceField):
    """Yes/No as radios, as the GOV.UK Design System recommends over a lone checkbox."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(True, _("Yes")), (False, _("No"))],
            coerce=lambda v: v in (True, "True", "true", "1"),
            widget=forms.RadioSelect,
            **kwargs,
        )


class YesNoAny(forms.Select):
    """A filter's yes/no choice, with "Any" for no filter."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("Enter a correct user name and password. Both are case-sensitive."),
        "inactive": _("This account has been switched off. Ask an administrator to switch it back on."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your user name")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app (or, where offered, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        error_messages={"required": _("Enter the code")},
    )

    def __init__(self, *args, check=None, recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._check = check
        if recovery:
            self.fields["code"].help_text = _(
                "The 6-digit code your authenticator app shows now, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        device = self._check(code) if self._check else None
        if device is None:
            raise forms.ValidationError(
                _(
                    "The code is not right, or has been used already. Enter the code your authenticator app "
                    "shows now (it changes every 30 seconds)."
                ),
                code="invalid_code",
            )
        self.device = device
        return code

"""Forms of the accounts app: input checking only; the writes are in services.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from madina.accounts.models import Membership, User
from madina.core.forms import BootstrapMixin


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    error_messages = {
        # One message whatever was wrong: never reveal whether an address has an account.
        "invalid_login": _("The e-mail address or the password is not correct."),
        "inactive": _("The e-mail address or the password is not correct."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "class": "form-control"}
        )
        self.fields["password"].label = _("Password")


class OTPTokenForm(BootstrapMixin, forms.Form):
    """A code from the authenticator app, or (when ``allow_recovery``) a recovery code."""

    token = forms.CharField(label=_("Code"), max_length=32, strip=True)

    def __init__(self, *args, allow_recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["token"].widget
        widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True})
        if allow_recovery:
            self.fields["token"].help_text = _(
                "The 6-digit code shown by your authenticator app, or one of your recovery codes."
            )
            widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        else:
            self.fields["token"].help_text = _("The 6-digit code shown by your authenticator app.")
            self.fields["token"].max_length = 8
            widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*", "maxlength": 8})


class ProfileForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[("", _("Follow my browser"))] + list(settings.LANGUAGES),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    pass


class InviteForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class MemberRoleForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    case_role = forms.ChoiceField(
        label=_("Role in case management"),
        choices=[("", _("none")), *Membership.CaseRole.choices],
        required=False,
        help_text=_(
            "Only people who accompany victims of violence need one. Case workers and "
            "supervisors see confidential cases; referral receivers answer referrals. Each "
            "must sign in with a second factor."
        ),
    )


class InvitationSignupForm(BootstrapMixin, auth_forms.SetPasswordMixin, forms.Form):
    """Name and password of the account an invitation creates."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password confirmation")
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs.update({"autocomplete": "name", "autofocus": True})

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        user = User(email=self.email, full_name=cleaned.get("full_name", ""))
        self.validate_password_for_user(user)
        return cleaned


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, for example the spreadsheet or tool that uses it."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        help_text=_("The key can only see and change what your role in this organisation allows."),
    )

    def __init__(self, *args, user, **kwargs):
        from madina.actors.models import Organisation

        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(
            memberships__user=user, memberships__is_active=True, is_active=True
        ).order_by("name_fr", "name_ar")
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            # Most people belong to one organisation: nothing to choose.
            self.fields["organisation"].initial = organisations[0].pk
        self.style_widgets()

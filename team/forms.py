from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from forum.forms import DisplayNameField
from forum.validators import normalized
from team.roles import CHOICES


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=CHOICES, widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The e-mail and the page it links to are in this language."),
    )


class AcceptForm(forms.Form):
    """A name the team and the community see, and a password (Django's validators)."""

    display_name = DisplayNameField()
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_display_name(self):
        return normalized(self.cleaned_data["display_name"])

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from django.contrib.auth import get_user_model

            try:
                password_validation.validate_password(first, get_user_model()(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

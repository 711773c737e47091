from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password

from forum import selectors
from forum.forms import DisplayNameField
from forum.validators import normalized, validate_not_a_team_name


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the public display name every forum member needs."""

    display_name = DisplayNameField()

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        name = normalized(self.cleaned_data["display_name"])
        validate_not_a_team_name(name, selectors.team_display_names())
        return name

    def try_save(self, request):
        if self.account_already_exists:
            # allauth then creates nothing and mails the owner; hash the password all the
            # same, as a new account's is, or the answer comes back in a few milliseconds
            # instead of a few hundred and says that the address has an account.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)

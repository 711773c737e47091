from allauth.account.forms import SignupForm as AllauthSignupForm

from forum.forms import DisplayNameField


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the public display name every forum member needs."""

    display_name = DisplayNameField()

    field_order = ["display_name", "email", "password1", "password2"]

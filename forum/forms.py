from django import forms
from django.utils.translation import gettext_lazy as _

from forum.validators import validate_display_name


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Display name"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "help_text", _("Shown next to your questions and answers. Not your e-mail address.")
        )
        kwargs.setdefault("validators", [validate_display_name])
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "nickname")


class ProfileForm(forms.Form):
    display_name = DisplayNameField()

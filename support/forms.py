import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from site_config.text import without_control_characters

SUBJECT_MAX = 150
BODY_MAX = 5000


class CleanTextMixin:
    """Control characters out of every text field (feeds and e-mails cannot hold them)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = without_control_characters(value).strip()
        return data


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class SubjectForm(CleanTextMixin, forms.Form):
    """Step 1: what it is about. Sent with GET: the next step shows matching answers."""

    topic = TopicChoiceField(
        queryset=None, required=False, label=_("Topic"), empty_label=_("Something else")
    )
    subject = forms.CharField(
        label=_("What do you need help with?"),
        max_length=SUBJECT_MAX,
        help_text=_("A few words, for example: my refund has not arrived"),
    )
    visit = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class ContactForm(SubjectForm):
    """Step 2: the message, and how to reach the customer."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what you tried, and what you expected."),
    )
    order_number = forms.CharField(
        label=_("Order number (if it is about an order)"), max_length=40, required=False
    )
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    # Left empty by people; filled by the simplest bots (hidden from people and screen readers).
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser cuts a longer paste silently at maxlength; the server says so instead.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["email"].help_text = _("We answer to this address.")

    def clean_order_number(self):
        value = self.cleaned_data["order_number"].strip().upper()
        pattern = settings.SUPPORT_ORDER_NUMBER_PATTERN
        if value and not re.fullmatch(pattern, value):
            raise forms.ValidationError(settings.SUPPORT_ORDER_NUMBER_HINT)
        return value

    def clean(self):
        data = super().clean()
        if data.get("website"):
            # Bots fill it; so may a browser's autofill: say it where a person sees it, and
            # the re-rendered form has it empty.
            self.data = self.data.copy()
            self.data["website"] = ""
            raise forms.ValidationError(
                _("Something filled in a hidden field of this form. Please send it again.")
            )
        return data


class ReplyForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Add to the conversation"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from site_config import proof_of_work
from site_config.text import without_control_characters

SUBJECT_MAX = 150
BODY_MAX = 5000
# A web address as a mail program or a browser would make a link of it.
_LINK = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"']", re.IGNORECASE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Photos and PDFs (``support.attachments`` reads the type from the content). Cleans to
    a list of ``attachments.Checked``; a file that may not be kept is named in the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,.pdf"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        from support import attachments

        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.SUPPORT_ATTACHMENT_MAX_BYTES
        files = [
            # Larger than the limit: refused by its size, without reading it.
            (upload.name, upload.read() if upload.size <= limit else b"\0" * (limit + 1))
            for upload in uploads[: settings.SUPPORT_ATTACHMENTS_MAX_COUNT + 1]
        ]
        kept, errors = attachments.check(files)
        if errors:
            raise forms.ValidationError(errors)
        return kept


def attachments_help():
    from django.template.defaultfilters import filesizeformat

    return _("Up to %(count)d photos or PDF files, %(size)s each.") % {
        "count": settings.SUPPORT_ATTACHMENTS_MAX_COUNT,
        "size": filesizeformat(settings.SUPPORT_ATTACHMENT_MAX_BYTES),
    }


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
    attachments = AttachmentsField(label=_("Photos or documents (optional)"))
    # Left empty by people; filled by the simplest bots (hidden from people and screen readers).
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # Filled by static/js/proof_of_work.js; empty without JavaScript (site_config.proof_of_work
    # says what then). Checked in clean(), so that a refusal is said where a person sees it.
    altcha = forms.CharField(
        required=False,
        strip=False,
        widget=proof_of_work.ProofOfWorkInput(scope="contact", challenge_url="support:challenge"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser cuts a longer paste silently at maxlength; the server says so instead.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        self.fields["attachments"].help_text = attachments_help()
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["email"].help_text = _("We answer to this address.")

    def clean_order_number(self):
        value = self.cleaned_data["order_number"].strip().upper()
        pattern = settings.SUPPORT_ORDER_NUMBER_PATTERN
        if value and not re.fullmatch(pattern, value):
            raise forms.ValidationError(settings.SUPPORT_ORDER_NUMBER_HINT)
        return value

    def clean_body(self):
        value = self.cleaned_data["body"]
        allowed = settings.SUPPORT_MAX_LINKS
        if len(_LINK.findall(value)) > allowed:
            raise forms.ValidationError(
                ngettext_lazy(
                    "A message may hold at most %(allowed)d web address (messages with many "
                    "are mostly spam). Please remove some and send it again.",
                    "A message may hold at most %(allowed)d web addresses (messages with many "
                    "are mostly spam). Please remove some and send it again.",
                    "allowed",
                )
                % {"allowed": allowed}
            )
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
        solution = data.get("altcha", "")
        if solution and not proof_of_work.verify(solution, scope="contact"):
            # Expired (the page was open a long time), sent twice, or forged: the form comes
            # back with a fresh challenge, which the page's script solves again.
            raise forms.ValidationError(
                _(
                    "Please send the form again: its check against automated messages had run "
                    "out (the page was open a long time, or the form was sent twice). Nothing "
                    "you wrote is lost."
                )
            )
        # Without a solution (no JavaScript) the view applies tighter limits.
        data["proof_of_work"] = bool(solution)
        return data


class ReplyForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Add to the conversation"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = AttachmentsField(label=_("Photos or documents (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class RatingForm(CleanTextMixin, forms.Form):
    """ "How did we do?", and (when the shop asks it) "How likely are you to recommend us?"."""

    rating = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("good", _("Good")), ("bad", _("Not good"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose good or not good.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend?"),
        help_text=_("0: not at all likely, 10: extremely likely."),
        choices=[(str(number), str(number)) for number in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )

    def __init__(self, *args, ask_recommend=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_recommend:
            del self.fields["recommend"]

from django import forms
from django.utils.translation import gettext_lazy as _

from kb.models.feedback import ArticleFeedback


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])


class FeedbackExplainForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What was wrong?"),
        choices=[("", _("Choose a reason (optional)")), *ArticleFeedback.Reason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=_("Please don't include personal details such as order numbers."),
    )
    notify = forms.BooleanField(
        label=_("E-mail me once when this article is improved"), required=False
    )

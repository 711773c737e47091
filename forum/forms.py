from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.markup import MAX_CHARS as BODY_MAX
from forum.models import Board, Report, Thread
from forum.validators import validate_display_name
from kb.models import FaqPage, TopicPage


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
    # Checked by the service, which knows whose name it is (the team may keep its own).
    display_name = DisplayNameField(validators=[])
    language = forms.ChoiceField(
        label=_("Language of our e-mails to you"),
        choices=settings.LANGUAGES,
        help_text=_("Answers you are told about stay in the language they were written in."),
    )


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your text"))
        kwargs.setdefault("max_length", BODY_MAX)
        kwargs.setdefault(
            "help_text",
            _(
                "Markdown works: **bold**, *italic*, lists, `code`, > quotes and [links](https://…)."
            ),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        # Kept exactly as written: leading spaces matter in Markdown (code, lists).
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if len(value.strip()) < 2:
            raise forms.ValidationError(_("Please write a little more."), code="too_short")


class AskForm(forms.Form):
    title = forms.CharField(
        label=_("Your question in one line"),
        max_length=150,
        help_text=_("For example: How long does a refund take to reach my card?"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggest": "title"}),
    )
    body = BodyField(
        label=_("Details"), help_text=_("What did you try? What happened? Markdown works.")
    )
    board = forms.ModelChoiceField(
        label=_("Board"), queryset=Board.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(label=_("Language of your question"), choices=settings.LANGUAGES)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=120,
        help_text=_("Optional, separated by commas (up to 5)."),
    )

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards if boards is not None else Board.objects.all()
        self.fields["board"].label_from_instance = lambda board: board.localized_name()
        self.fields["language"].initial = get_language()

    def clean_tags(self):
        raw = self.cleaned_data["tags"]
        tags = [" ".join(t.split()).lower()[:40] for t in raw.split(",")]
        tags = list(dict.fromkeys(t for t in tags if t))
        if len(tags) > 5:
            raise forms.ValidationError(_("Use at most 5 tags."))
        return tags


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your answer"))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = BodyField()
    reason = forms.CharField(
        label=_("Reason for the edit"),
        max_length=255,
        required=False,
        help_text=_("Shown to the shop's team with the earlier version."),
    )

    def __init__(self, *args, post, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not post.is_question:
            del self.fields["title"]
        self.fields["reason"].required = reason_required


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything the moderators should know? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (for the log)"), max_length=500, required=False)


class MoveForm(ReasonForm):
    board = forms.ModelChoiceField(label=_("Move to board"), queryset=Board.objects.all())


class MergeForm(ReasonForm):
    target = forms.CharField(
        label=_("Merge into thread"),
        max_length=300,
        help_text=_("The number or address of the thread that stays."),
    )

    def clean_target(self):
        import re

        value = self.cleaned_data["target"].strip()
        # A bare number, or the number after /t/ in an address (never a port or a year).
        match = re.fullmatch(r"#?(\d+)", value) or re.search(r"/t/(\d+)", value)
        thread = Thread.objects.filter(pk=int(match.group(1))).first() if match else None
        if thread is None:
            raise forms.ValidationError(_("No thread with that number or address."))
        if not thread.is_visible:
            raise forms.ValidationError(_("Merge into a visible thread only."))
        return thread


class BanForm(forms.Form):
    reason = forms.CharField(label=_("Reason (for the log)"), max_length=500)
    hide_posts = forms.BooleanField(label=_("Also hide their visible posts"), required=False)


class PromoteForm(forms.Form):
    """Which FAQ page an official answer goes to, and in which words (staff rewrite it for
    every customer before it reaches the knowledge base)."""

    page = forms.ChoiceField(
        label=_("FAQ page"),
        help_text=_(
            "The question is added as a draft at the end of the chosen page, or starts a new "
            "FAQ page that is not published either."
        ),
    )
    # FaqItemBlock's own limit on a question.
    question = forms.CharField(label=_("Question"), min_length=5, max_length=255)
    answer = BodyField(
        label=_("Answer"),
        help_text=_(
            "Written for every customer: remove names, order numbers and anything else "
            "personal. Markdown works: **bold**, *italic*, lists and [links](https://…); "
            "other formatting becomes plain text."
        ),
    )

    def __init__(self, *args, targets, **kwargs):
        """``targets``: ``selectors.kb_promotion_targets``, the board's topic first."""
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a FAQ page"))]
        for group in targets:
            options = [
                (
                    f"faq-{page['pk']}",
                    page["title"]
                    if page["live"]
                    else _("%(title)s (not published yet)") % {"title": page["title"]},
                )
                for page in group.faq_pages
            ]
            options.append(
                (
                    f"topic-{group.topic_id}",
                    _("New FAQ page in “%(topic)s”") % {"topic": group.label},
                )
            )
            choices.append((group.label, options))
        self.fields["page"].choices = choices
        # Preselected: the board topic's first FAQ page, else a new one in that topic.
        mine = [group for group in targets if group.is_board_topic]
        first_page = next((g.faq_pages[0]["pk"] for g in mine if g.faq_pages), None)
        if first_page:
            self.fields["page"].initial = f"faq-{first_page}"
        elif mine:
            self.fields["page"].initial = f"topic-{mine[0].topic_id}"

    def clean_page(self):
        """The chosen FaqPage, or the TopicPage that gets a new FAQ page."""
        kind, _sep, pk = self.cleaned_data["page"].partition("-")
        model = FaqPage if kind == "faq" else TopicPage
        page = model.objects.filter(pk=pk).first()
        if page is None:  # deleted since the form was shown
            raise forms.ValidationError(_("That page no longer exists. Choose another one."))
        return page

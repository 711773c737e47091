"""Support requests: what a customer sends when self-service did not help, the conversation
with the team, and the team's hours that every promise is computed from."""

import re
import secrets
from datetime import time
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import TranslatableMixin

from support.clock import Clock

WEEKDAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Choose a time zone such as Europe/Berlin or Europe/Istanbul."))


class HolidayCountry(models.TextChoices):
    NONE = "", _("No public holidays")
    GERMANY = "DE", _("Germany")
    TURKEY = "TR", _("Turkey")


@register_setting(icon="time")
class SupportHours(BaseSiteSetting):
    """When the team works (Settings → Support hours): every promise and due time uses it."""

    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    holidays = models.CharField(
        _("public holidays of"),
        max_length=2,
        choices=HolidayCountry.choices,
        default=HolidayCountry.GERMANY,
        blank=True,
        help_text=_("The team does not work on these days."),
    )
    first_response_hours = models.PositiveSmallIntegerField(
        _("first answer within (business hours)"),
        default=4,
        help_text=_("What the contact form promises, counted in the opening hours below."),
    )
    # Opening hours per weekday; a day without both is closed.
    mon_opens = models.TimeField(_("Monday opens"), null=True, blank=True, default=time(9))
    mon_closes = models.TimeField(_("Monday closes"), null=True, blank=True, default=time(18))
    tue_opens = models.TimeField(_("Tuesday opens"), null=True, blank=True, default=time(9))
    tue_closes = models.TimeField(_("Tuesday closes"), null=True, blank=True, default=time(18))
    wed_opens = models.TimeField(_("Wednesday opens"), null=True, blank=True, default=time(9))
    wed_closes = models.TimeField(_("Wednesday closes"), null=True, blank=True, default=time(18))
    thu_opens = models.TimeField(_("Thursday opens"), null=True, blank=True, default=time(9))
    thu_closes = models.TimeField(_("Thursday closes"), null=True, blank=True, default=time(18))
    fri_opens = models.TimeField(_("Friday opens"), null=True, blank=True, default=time(9))
    fri_closes = models.TimeField(_("Friday closes"), null=True, blank=True, default=time(18))
    sat_opens = models.TimeField(_("Saturday opens"), null=True, blank=True, default=None)
    sat_closes = models.TimeField(_("Saturday closes"), null=True, blank=True, default=None)
    sun_opens = models.TimeField(_("Sunday opens"), null=True, blank=True, default=None)
    sun_closes = models.TimeField(_("Sunday closes"), null=True, blank=True, default=None)
    ask_recommend = models.BooleanField(
        _("ask how likely customers are to recommend us"),
        default=False,
        help_text=_('A 0 to 10 question (NPS) after "How did we do?" on a solved request.'),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep personal data of closed requests for (days)"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_(
            "After this, a closed request keeps its reference, dates, topic and rating, but "
            "not who sent it, its subject or what was written (GDPR, KVKK)."
        ),
    )

    panels = [
        FieldPanel("time_zone"),
        FieldPanel("holidays"),
        FieldPanel("first_response_hours"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel(f"{key}_opens"), FieldPanel(f"{key}_closes")])
                for key, _name in WEEKDAYS
            ],
            heading=_("Opening hours (leave a day empty when closed)"),
        ),
        MultiFieldPanel(
            [FieldPanel("ask_recommend"), FieldPanel("retention_days")],
            heading=_("Requests"),
        ),
    ]

    class Meta:
        verbose_name = _("support hours")

    def clean(self):
        super().clean()
        errors = {}
        for key, _name in WEEKDAYS:
            opens, closes = getattr(self, f"{key}_opens"), getattr(self, f"{key}_closes")
            if (opens is None) != (closes is None):
                errors[f"{key}_closes"] = _("Give both times, or neither for a closed day.")
            elif opens is not None and closes <= opens:
                errors[f"{key}_closes"] = _("Closing must come after opening.")
        if errors:
            raise ValidationError(errors)

    def clock(self) -> Clock:
        week = {}
        for number, (key, _name) in enumerate(WEEKDAYS):
            opens, closes = getattr(self, f"{key}_opens"), getattr(self, f"{key}_closes")
            if opens is not None and closes is not None and closes > opens:
                week[number] = (opens, closes)
        return Clock(zone=ZoneInfo(self.time_zone), week=week, holiday_country=self.holidays)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Request(models.Model):
    """One customer's question to the team, by reference (read out on the phone) and by a
    secret (the link in the customer's e-mails)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting for you")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    topic = models.ForeignKey(
        "kb.TopicPage",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=150)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    # An anonymous sender confirms the address through the link before the team sees it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_due = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_requests",
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    # The team was warned once that the first answer is nearly due.
    due_warned_at = models.DateTimeField(null=True, blank=True)
    # Merged into another request: its conversation moved there; this one is closed.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Personal data removed (retention period over, or erased on the customer's request).
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at"]
        # The team's inbox asks for it (``support.permissions``); the "Support staff" group
        # has it (migration 0002).
        permissions = [("handle_requests", _("Can read and answer support requests"))]
        indexes = [
            models.Index(fields=["status", "first_response_due"]),
            models.Index(fields=["email"]),
        ]

    def __str__(self):
        return f"{self.reference}: {self.subject}"


class Message(models.Model):
    """One turn of a request's conversation: the customer's, or the team's."""

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("E-mail")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_team = models.BooleanField(default=False)
    # A note for the team: never e-mailed, never shown to the customer.
    internal = models.BooleanField(default=False)
    body = models.TextField(_("message"))  # as written: shown escaped, line breaks kept
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    # An e-mail as it arrived (``body`` is it without quoted history and signature).
    original = models.TextField(blank=True)
    # The e-mail's Message-ID: one message however often it is delivered, and the thread
    # a reply to the team's e-mail belongs to.
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One message per e-mail, however often (and however at once) it is delivered.
            models.UniqueConstraint(
                fields=["email_message_id"],
                condition=~models.Q(email_message_id=""),
                name="support_message_one_per_email",
            )
        ]

    def __str__(self):
        return f"{self.request.reference} #{self.pk}"


class ContactVisit(models.Model):
    """A visit to the contact form: did an answer it showed end it (deflected), which
    answers were opened, or did it end in a request. The deflection rate is read from here."""

    key = models.CharField(max_length=32, unique=True)
    language = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    answers_opened = models.PositiveSmallIntegerField(default=0)
    deflected_at = models.DateTimeField(null=True, blank=True)
    request = models.OneToOneField(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit"
    )

    def __str__(self):
        return self.key


class RequestEvent(models.Model):
    """The request's audit log: who did what, and when (assignments, status changes,
    replies, notes, confirmation)."""

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("Address confirmed")
        REPLIED = "replied", _("Replied")
        NOTE = "note", _("Note added")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        CUSTOMER = "customer", _("Customer wrote")
        MERGED = "merged", _("Merged")
        RATED = "rated", _("Customer rated")
        WARNED = "warned", _("Due-time warning sent")
        ANONYMISED = "anonymised", _("Personal data removed")
        EXPORTED = "exported", _("Exported")
        FORUM = "forum", _("Forum thread started from it")
        FAQ = "faq", _("FAQ draft made from it")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request.reference}: {self.action}"


def attachment_path(instance, filename: str) -> str:
    """Never guessable and never the customer's name for it: the name is kept in the row."""
    return f"support/{instance.message.request.secret[:8]}/{secrets.token_urlsafe(18)}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Attachment(models.Model):
    """A file with a message (an image or a PDF, its type read from its content). Served only
    through the request's secret link or the team's inbox, never at a public address."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(max_length=200)  # as the customer's computer named it
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Rating(models.Model):
    """Asked once when a request is solved: "How did we do?" (good or bad, and a comment),
    and, when the shop asks it, "How likely are you to recommend us?" (0 to 10)."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="rating")
    good = models.BooleanField(_("how did we do"))
    comment = models.TextField(_("comment"), blank=True)
    recommend = models.PositiveSmallIntegerField(
        _("how likely are you to recommend us"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.request.reference}: {'good' if self.good else 'bad'}"


# How a saved reply names its article's address: replaced, when the reply is inserted, by the
# public address of the article in the request's language.
ARTICLE_PLACEHOLDER = "{{ article }}"
ARTICLE_PLACEHOLDER_RE = re.compile(r"\{\{\s*article\s*\}\}")


class SavedReply(TranslatableMixin, models.Model):
    """A text the team answers with again and again (Snippets → Saved replies), one version
    per language like the footer links; it may point to a knowledge base article, inserted
    as that article's address in the customer's language."""

    title = models.CharField(
        _("title"), max_length=100, help_text=_("What the team picks it by, e.g. Refund times.")
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text, as the customer reads it in the e-mail. Write {{ article }} where "
            "the chosen article's address goes; without it, the address is added at the end."
        ),
    )
    article = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Linked in the customer's language when the article is translated, else in the "
            "language chosen here."
        ),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        PageChooserPanel(
            "article", ["kb.FaqPage", "kb.HowToVideoPage", "kb.PolicyPage", "kb.TopicPage"]
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["title", "pk"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if ARTICLE_PLACEHOLDER_RE.search(self.body or "") and self.article_id is None:
            raise ValidationError(
                {"article": _("Choose the article that {{ article }} in the text stands for.")}
            )

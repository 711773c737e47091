from datetime import date, timedelta

import altcha
import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from wagtail.rich_text import RichText

from forum import markup
from forum.models import Board, Post, Profile, Thread
from kb.models import FaqPage, HelpCenterPage, HowToVideoPage, PolicyPage, TopicPage
from site_config import proof_of_work

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A member who signed up and confirmed their e-mail address.

    ``UserFactory(email_address__verified=False)`` is one who has not confirmed it yet.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    # An established member by default: new members' posts wait for a moderator
    # (``NewMemberFactory``).
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(self, create, extracted, verified=True, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=verified
            )

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            Profile.objects.create(user=self, display_name=extracted or f"Member {self.pk}")


class PageFactory(factory.django.DjangoModelFactory):
    """A published page under ``parent`` (Wagtail pages are created through the tree)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.title))

    @classmethod
    def _create(cls, model_class, *args, parent, publish=True, **kwargs):
        page = parent.add_child(instance=model_class(*args, live=publish, **kwargs))
        revision = page.save_revision()
        if publish:
            revision.publish()
        return model_class.objects.get(pk=page.pk)


class HelpCenterPageFactory(PageFactory):
    class Meta:
        model = HelpCenterPage


class TopicPageFactory(PageFactory):
    class Meta:
        model = TopicPage

    title = factory.Sequence(lambda n: f"Topic {n}")
    intro = "Everything about this topic."


def faq_items(*pairs: tuple[str, str]) -> list:
    return [
        ("item", {"question": q, "answer": RichText(f"<p>{a}</p>"), "anchor": ""}) for q, a in pairs
    ]


class FaqPageFactory(PageFactory):
    class Meta:
        model = FaqPage

    intro = "Quick answers to common questions."
    items = factory.LazyFunction(
        lambda: faq_items(
            ("How long does delivery take?", "Two to four business days."),
            ("What does shipping cost?", "Shipping is free from 50 euros."),
        )
    )


class HowToVideoPageFactory(PageFactory):
    class Meta:
        model = HowToVideoPage

    intro = "A short video guide."
    video_url = "https://www.youtube.com/watch?v=aBcDeFgHiJk"
    video_seconds = 150
    total_minutes = 3
    you_need = factory.LazyFunction(lambda: [("thing", "Your order number")])
    steps = factory.LazyFunction(
        lambda: [
            (
                "step",
                {"title": f"Step {n}", "text": RichText(f"<p>Do thing {n}.</p>"), "image": None},
            )
            for n in (1, 2, 3)
        ]
    )
    chapters = factory.LazyFunction(
        lambda: [
            ("chapter", {"seconds": 0, "title": "Intro"}),
            ("chapter", {"seconds": 75, "title": "Tracking"}),
        ]
    )
    transcript = "<p>Hello. In this video we track a parcel.</p>"


def policy_sections(*sections: tuple[str, str]) -> list:
    return [("section", {"heading": h, "body": RichText(f"<p>{t}</p>")}) for h, t in sections]


class PolicyPageFactory(PageFactory):
    class Meta:
        model = PolicyPage

    intro = "How returns work."
    summary = "<ul><li>You have 30 days.</li></ul>"
    body = factory.LazyFunction(
        lambda: policy_sections(
            ("Return window", "You can return items within 14 days. Items must be unused."),
            ("Refunds", "We refund to the original payment method."),
        )
    )
    effective_date = factory.LazyFunction(lambda: date(2026, 1, 1))
    change_note = "First published version."


class NewMemberFactory(UserFactory):
    """Joined today: their posts are held for a moderator."""

    date_joined = factory.LazyFunction(timezone.now)


def in_group(user, name: str):
    """Put ``user`` in "Forum moderators", "Support staff" (with the permissions the demo and
    the migrations give them) or Wagtail's "Editors" (admin access only), and return the
    user, fresh from the database."""
    from django.contrib.auth.models import Permission

    from site_config.demo import STAFF_GROUPS

    names = STAFF_GROUPS.get(name) or {"Editors": ["wagtailadmin.access_admin"]}[name]
    # Transactional tests flush the tables, taking the migrations' groups with them.
    group, _ = Group.objects.get_or_create(name=name)
    for name_with_app in names:
        app_label, codename = name_with_app.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    """A visible thread with its question post (``question__body=...``). Built directly,
    not through the services: for tests that need a thread, not the act of asking."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"How do I return order number {n}?")
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def question(self, create, extracted, body="I bought shoes and they do not fit.", **kwargs):
        if create:
            Post.objects.create(
                thread=self,
                author=self.author,
                is_question=True,
                body=body,
                body_html=markup.render(body),
                visibility=self.visibility,
            )


class PostFactory(factory.django.DjangoModelFactory):
    """A visible reply; use ``forum.services.reply_create`` when the act matters."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "Print the label from your order page and take the parcel to any shop."
    body_html = factory.LazyAttribute(lambda p: markup.render(p.body))


def proof_of_work_solution(challenge: dict | None = None, scope: str = "contact") -> str:
    """What static/js/proof_of_work.js puts in a form's hidden field: ``challenge`` (as the
    page embeds it; by default a fresh one) solved for real with the altcha library."""
    issued = altcha.Challenge.from_dict(challenge or proof_of_work.create_challenge(scope))
    return altcha.Payload(issued, altcha.solve_challenge(issued)).to_base64()


def editorial_roles():
    """The site's editorial set-up as Wagtail's own migrations make it (a flushed test
    database has lost it): Editors write, Moderators approve in the "Moderators approval"
    workflow on the whole tree; both reach the admin, Editors may request translations."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root = Page.get_first_root_node()
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    # Made by a wagtail_localize migration on a content type of its own: a flush takes it.
    translations, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    translate, _ = Permission.objects.get_or_create(
        content_type=translations,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    rights = {
        "Editors": ["add_page", "change_page"],
        "Moderators": ["add_page", "change_page", "publish_page"],
    }
    groups = {}
    for name, codenames in rights.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access, translate)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        groups[name] = group
    if not WorkflowPage.objects.filter(page=root).exists():
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([groups["Moderators"]])
        workflow = Workflow.objects.create(name="Moderators approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=root)
    return groups

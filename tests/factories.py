import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from forum.models import Profile
from kb.models import HelpCenterPage

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A member who signed up and confirmed their e-mail address.

    ``UserFactory(email_address__verified=False)`` is one who has not confirmed it yet.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
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
        page = parent.add_child(instance=model_class(*args, **kwargs))
        if publish:
            page.save_revision().publish()
        return page


class HelpCenterPageFactory(PageFactory):
    class Meta:
        model = HelpCenterPage

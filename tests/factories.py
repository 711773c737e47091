import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from forum.models import Profile

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

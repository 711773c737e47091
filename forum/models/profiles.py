from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """A member's public face in the forum: never their e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_profile"
    )
    display_name = models.CharField(_("display name"), max_length=40)
    # The language of the member's e-mails: the one they last used the site in.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    banned_at = models.DateTimeField(_("banned at"), null=True, blank=True)
    banned_reason = models.TextField(_("reason for the ban"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None


def public_name(user) -> str:
    """The name a member is shown under, on pages and in e-mails: their profile's; for an
    account without one (made in the admin, before its first visit) a neutral stand-in,
    never an empty name and never the e-mail address."""
    if user is None:
        return ""
    profile = getattr(user, "forum_profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return gettext("Member %(number)d") % {"number": user.pk}

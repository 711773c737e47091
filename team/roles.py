"""What a colleague can be invited as: the groups that give it, and where they start."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    groups: tuple[str, ...]
    description: str

    def landing(self, language: str) -> str:
        """Where the new colleague lands after setting their password."""
        if self.key == "forum_moderator":
            with override(language):
                return reverse("forum:moderation")
        if self.key == "support":
            return reverse("support_inbox")
        return reverse("wagtailadmin_home")


ROLES = {
    role.key: role
    for role in (
        Role(
            "editor",
            _("Editor"),
            ("Editors",),
            _("Writes and edits help articles; publishing goes through review."),
        ),
        Role(
            "moderator",
            _("Moderator"),
            ("Moderators",),
            _("Reviews and publishes help articles, as well as writing them."),
        ),
        Role(
            "forum_moderator",
            _("Forum moderator"),
            ("Forum moderators",),
            _("Keeps the community forum friendly: hides, locks and moves posts."),
        ),
        Role(
            "support",
            _("Support staff"),
            ("Support staff",),
            _("Answers customers' requests in the support inbox and gives official forum answers."),
        ),
    )
}
CHOICES = [(role.key, role.label) for role in ROLES.values()]

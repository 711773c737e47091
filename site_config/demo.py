"""Demo basics: content languages, the staff groups and an administrator."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.crypto import get_random_string
from wagtail.models import Locale

from forum import services as forum_services

ADMIN_EMAIL = "admin@example.com"
# Known only on a developer's machine (DEBUG); anywhere else a random one is printed once.
DEV_ADMIN_PASSWORD = "helpcenter-demo"  # noqa: S105
# The team's groups and what they may do (as forum migration 0003 grants them): a flushed
# database (``flush``, transactional tests) has the permissions again but lost the groups.
STAFF_GROUPS = {
    "Forum moderators": ["forum.moderate_forum"],
    "Support staff": [
        "forum.give_official_answers",
        "support.handle_requests",
        "wagtailadmin.access_admin",
        # Saved replies (snippets), as support migration 0004 grants them.
        "support.add_savedreply",
        "support.change_savedreply",
        "support.delete_savedreply",
    ],
}


def load(command) -> None:
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    for name, permission_names in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for name_with_app in permission_names:
            app_label, codename = name_with_app.split(".")
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
    _ensure_admin(command)


def _ensure_admin(command) -> None:
    User = get_user_model()
    user = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    if user is None:
        password = DEV_ADMIN_PASSWORD if settings.DEBUG else get_random_string(20)
        user = User.objects.create_superuser(username="admin", email=ADMIN_EMAIL, password=password)
        message = f"Admin: {ADMIN_EMAIL} / {password}"
    else:
        message = f"Admin: {ADMIN_EMAIL} (exists; password unchanged)"
    # allauth logs in by e-mail and needs it verified (mandatory verification).
    EmailAddress.objects.update_or_create(
        user=user, email=ADMIN_EMAIL, defaults={"verified": True, "primary": True}
    )
    forum_services.profile_create(user=user, display_name="Help Center Team")
    command.stdout.write(command.style.WARNING(message))

"""Who may read the insights reports: the one place their views and menu items ask.

The reports read across the other apps, so they are for the people those apps already
trust with the same lists: the rules themselves stay in ``forum.permissions`` and
``support.permissions``, and are only combined here."""

from forum import permissions as forum_permissions
from support import permissions as support_permissions


def can_see_support_dashboard(user) -> bool:
    """ "How support is doing": the shop's team in the forum (support staff and forum
    moderators; superusers have every permission) and the support inbox's agents. The
    dashboard lives in the Wagtail admin, so the account also needs admin access (which
    Wagtail checks before any admin view)."""
    return forum_permissions.is_team(user) or support_permissions.is_support_agent(user)

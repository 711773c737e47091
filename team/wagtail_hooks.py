from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from team import admin_views, permissions


@hooks.register("register_admin_urls")
def register_team_urls():
    return [
        path("team/invitations/", admin_views.InvitationsView.as_view(), name="team_invitations")
    ]


class InviteMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_invite(request.user)


@hooks.register("register_settings_menu_item")
def invite_menu_item():
    return InviteMenuItem(
        _("Invite a colleague"), reverse("team_invitations"), icon_name="user", order=590
    )


class _Invitation(LogFormatter):
    def format_message(self, log_entry):
        return self.message % {
            "email": log_entry.data.get("email", ""),
            "role": log_entry.data.get("role", ""),
        }


class Invited(_Invitation):
    label = _("Colleague invited")
    message = _("Invited %(email)s as %(role)s")


class Accepted(_Invitation):
    label = _("Invitation accepted")
    message = _("%(email)s accepted the invitation as %(role)s")


class Revoked(_Invitation):
    label = _("Invitation revoked")
    message = _("Revoked the invitation to %(email)s (%(role)s)")


@hooks.register("register_log_actions")
def register_team_log_actions(actions):
    actions.register_action("team.invite")(Invited)
    actions.register_action("team.invitation_accept")(Accepted)
    actions.register_action("team.invitation_revoke")(Revoked)

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from support import admin_views, permissions


@hooks.register("register_admin_urls")
def register_support_urls():
    return [
        path("support/", admin_views.InboxView.as_view(), name="support_inbox"),
        path("support/<int:pk>/", admin_views.RequestView.as_view(), name="support_request"),
    ]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.is_support_agent(request.user)


@hooks.register("register_admin_menu_item")
def support_inbox_menu_item():
    return InboxMenuItem(_("Support inbox"), reverse("support_inbox"), icon_name="mail", order=850)

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search import admin_views
from site_config.admin_reports import report_urls


@hooks.register("register_admin_urls")
def register_search_report_url():
    return report_urls("reports/search/", admin_views.SearchReportView, "search_report")


@hooks.register("register_reports_menu_item")
def search_report_menu_item():
    return MenuItem(_("Search terms"), reverse("search_report"), icon_name="search", order=130)

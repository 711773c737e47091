from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search import admin_views


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [
        path("reports/search/", admin_views.SearchReportView.as_view(), name="search_report"),
        path(
            "reports/search/results/",
            admin_views.SearchReportView.as_view(results_only=True),
            name="search_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def search_report_menu_item():
    return MenuItem(_("Search terms"), reverse("search_report"), icon_name="search", order=130)

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.contrib.routable_page.models import RoutablePageMixin

from kb import admin_views, page_cache, services
from kb.models import ArticlePage, HelpCenterPage, TopicPage
from site_config.admin_reports import report_urls

# The pages kept whole for anonymous readers (``kb.page_cache``).
KEPT_PAGES = (HelpCenterPage, TopicPage, ArticlePage)


# After Wagtail's own view-restriction check (order 0, the outer wrapper): a page a reader
# may not see never reaches this, so a login or password form is never counted or kept.
@hooks.register("on_serve_page", order=10)
def count_and_keep(serve):
    """Around serving a knowledge base page to a reader (never a preview): an article read
    counts a view (``kb.view_counts``), and the page itself, not a routed sub-page (a
    policy's history), is offered to the cache for other anonymous readers, each hit of
    an article counting a view too."""

    def serve_page(page, request, serve_args, serve_kwargs):
        response = serve(page, request, serve_args, serve_kwargs)
        if not isinstance(page, KEPT_PAGES):
            return response
        article = isinstance(page, ArticlePage)
        if article and request.method == "GET" and response.status_code == 200:
            services.view_record(page=page)
        if _the_page_itself(page, serve_args):
            page_cache.offer(request, response, count_view_of=page.pk if article else None)
        return response

    return serve_page


def _the_page_itself(page, serve_args) -> bool:
    if not isinstance(page, RoutablePageMixin):
        return True
    view = serve_args[0]
    return view == page.resolve_subpage("/")[0]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        *report_urls("reports/helpfulness/", admin_views.HelpfulnessReportView, "kb_helpfulness"),
        path(
            "reports/helpfulness/<int:page_id>/",
            admin_views.ArticleFeedbackDetailView.as_view(),
            name="kb_feedback_detail",
        ),
        path("reports/review-due/", admin_views.ReviewOverdueView.as_view(), name="kb_review_due"),
        path(
            "reports/translations/",
            admin_views.TranslationStatusView.as_view(),
            name="kb_translation_status",
        ),
    ]


@hooks.register("register_reports_menu_item")
def helpfulness_menu_item():
    return MenuItem(
        _("Article helpfulness"), reverse("kb_helpfulness"), icon_name="pick", order=100
    )


@hooks.register("register_reports_menu_item")
def review_menu_item():
    return MenuItem(
        _("Articles due for review"), reverse("kb_review_due"), icon_name="time", order=110
    )


@hooks.register("register_reports_menu_item")
def translations_menu_item():
    return MenuItem(
        _("Translations to update"),
        reverse("kb_translation_status"),
        icon_name="globe",
        order=120,
    )


@hooks.register("before_edit_page", order=-1)
def translation_editor_main_action(request, page):
    """Before wagtail-localize's own hook, which shows its translation editor on a
    translation's edit URL: that editor's main button, for every editor
    (``kb.translating.handle_post``)."""
    from kb import translating

    return translating.handle_post(request, page)


@hooks.register("register_admin_urls")
def register_drafts_urls():
    from kb.admin_drafts import NeverPublishedView

    return report_urls("reports/drafts/", NeverPublishedView, "kb_drafts")


@hooks.register("register_reports_menu_item")
def drafts_menu_item():
    return MenuItem(_("Drafts never published"), reverse("kb_drafts"), icon_name="draft", order=125)


@hooks.register("before_create_page")
def free_the_address(request, parent_page, page_class):
    from kb.admin_drafts import free_the_address

    return free_the_address(request, parent_page, page_class)

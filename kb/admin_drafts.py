"""Reports → Drafts never published, and the create view's side of ``kb.drafts``."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.views.reports import PageReportView

from kb import drafts


class NeverPublishedView(PageReportView):
    page_title = gettext_lazy("Drafts never published")
    header_icon = "draft"
    index_url_name = "kb_drafts"
    index_results_url_name = "kb_drafts_results"
    results_template_name = "kb/admin/drafts_results.html"
    permission_required = "change"
    list_export = [*PageReportView.list_export, "locale.language_code", "owner"]
    export_headings = {
        **PageReportView.export_headings,
        "locale.language_code": gettext_lazy("Language"),
        "owner": gettext_lazy("Owner"),
    }

    def get_filename(self):
        return f"drafts-never-published-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = (
            drafts.never_published()
            .filter(
                pk__in=self.permission_policy.instances_user_has_permission_for(
                    self.request.user, "change"
                ).values("pk")
            )
            .select_related("locale", "owner")
            .order_by("latest_revision_created_at")
        )
        return super().get_queryset()


def free_the_address(request, parent_page, page_class):
    """``before_create_page``: a new page's slug taken by an abandoned draft is given to the
    new page (``kb.drafts``); the editor is told where the draft went."""
    slug = request.POST.get("slug", "").strip() if request.method == "POST" else ""
    if not slug:
        return None
    for draft in drafts.abandoned_at(parent_page, slug, request.user):
        new_slug = drafts.move_aside(draft, request.user)
        messages.info(
            request,
            _(
                "An unpublished draft, '%(title)s', had this address; it is now at "
                "'%(slug)s', to open or delete."
            )
            % {"title": draft.get_admin_display_title(), "slug": new_slug},
            buttons=[messages.button(reverse("kb_drafts"), _("Drafts never published"))],
        )
    return None

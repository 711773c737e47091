from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from forum import views as forum_views
from forum.sitemaps import ForumSitemap
from kb.sitemaps import HelpCenterSitemap
from site_config import health, views
from support import webhooks as support_webhooks

# Django admin logs in through allauth too: one login form, one set of rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.autodiscover()

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers, feed readers and bookmarks ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", health.readyz, name="readyz"),
    path("brand.css", views.brand_stylesheet, name="brand_stylesheet"),
    path("django-admin/", admin.site.urls),
    # Wagtail's own sign-in would bypass allauth's rate limits and e-mail confirmation:
    # the admin's refusals come here (WAGTAILADMIN_LOGIN_URL) and go on to allauth's.
    path("admin/login/", views.admin_login, name="wagtail_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's password forms, with a limit on guesses (same names, so Wagtail's own
    # templates post here).
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        views.document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    # Whatever our route refuses (an id no key can have) must not reach Wagtail's own
    # unguarded view behind it, which takes any digits.
    path(
        "documents/authenticate_with_password/<path:anything>",
        views.not_found,
        name="wagtaildocs_password_shadow",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # E-mail in from a provider (support.webhooks; README: "Incoming e-mail").
    path("mail/inbound/<str:provider>/", support_webhooks.inbound, name="support_mail_in"),
    path("accounts/profile/", forum_views.profile_edit, name="profile_edit"),
    # An invitation to join the team (team.views): before allauth's, which owns the rest.
    path("accounts/invitation/", include("team.urls")),
    path("accounts/", include("allauth.urls")),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": HelpCenterSitemap, "forum": ForumSitemap}},
        name="sitemap",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public page carries its language in the path (/en/, /tr/, /de/); Wagtail's page
# serving comes last because it matches any path.
urlpatterns += i18n_patterns(
    path("search/", include("search.urls")),
    path("kb/", include("kb.urls")),
    path("forum/", include("forum.urls")),
    path("", include("support.urls")),
    # Wagtail's sign-in for private pages is Django's plain LoginView: it would let an
    # unconfirmed address in and bypass allauth's rate limits, as the admin's would.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login_redirect",
    ),
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        views.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "_util/authenticate_with_password/<path:anything>",
        views.not_found,
        name="wagtailcore_password_shadow",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "site_config.views.bad_request"
handler404 = "site_config.views.page_not_found"
handler500 = "site_config.views.server_error"

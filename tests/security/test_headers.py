"""Security headers and cookies as production serves them, and public pages that need no
inline script (the Content-Security-Policy allows none).

Production's security settings are read from a fresh process started with
``DJANGO_ENV=production`` (as ``tests/site_config/test_settings.py`` starts it; settings are
read once per process), then applied here with the ``settings`` fixture, so the test client
answers as production would, behind its TLS-terminating load balancer. ``manage.py check
--deploy`` with production values is ``test_deploy_checklist_is_clean_with_production_settings``
in that module, and is not repeated here.
"""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    FaqPageFactory,
    HowToVideoPageFactory,
    PolicyPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
    in_group,
)
from tests.security.html_checks import parse
from tests.site_config.test_settings import PRODUCTION_ENV
from tests.utils import subprocess_env

pytestmark = pytest.mark.django_db

HOST = PRODUCTION_ENV["ALLOWED_HOSTS"]
# What the load balancer adds to a request that came in over HTTPS.
OVER_HTTPS = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}

SECURITY_SETTINGS = [
    "ALLOWED_HOSTS",
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_REFERRER_POLICY",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
]


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The security settings (and the middleware) a production process has."""
    names = [*SECURITY_SETTINGS, "MIDDLEWARE"]
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env(**PRODUCTION_ENV),
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    # JSON has no tuples; Django compares this one as a tuple.
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_settings, help_center):
    """This process answers with production's security settings; the test runs the same
    middleware as production (checked here, since the settings fixture cannot add any)."""
    assert production_settings["MIDDLEWARE"] == django_settings.MIDDLEWARE
    for name in SECURITY_SETTINGS:
        setattr(settings, name, production_settings[name])
    return production_settings


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def test_public_pages_get_every_security_header(production):
    response = Client().get("/en/", **OVER_HTTPS)

    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_is_at_least_a_year_and_covers_subdomains(production):
    assert production["SECURE_HSTS_SECONDS"] >= timedelta(days=365).total_seconds()
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and production["SECURE_HSTS_PRELOAD"]


def test_plain_http_is_redirected_to_https_except_health_checks(production):
    plain = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "http"}

    page = Client().get("/en/", **plain)
    health = Client().get("/healthz", **plain)

    assert page.status_code == 301 and page["Location"] == f"https://{HOST}/en/"
    assert health.status_code == 200


def test_signing_in_sets_only_secure_cookies_and_hides_the_session_from_scripts(production):
    UserFactory(email="reader@example.com")
    client = Client()
    client.get(reverse("account_login"), **OVER_HTTPS)

    response = client.post(
        reverse("account_login"),
        {"login": "reader@example.com", "password": PASSWORD},
        **OVER_HTTPS,
    )

    assert response.status_code == 302
    session = client.cookies[django_settings.SESSION_COOKIE_NAME]
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME]
    assert session.value and session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert csrf.value and csrf["secure"] and csrf["httponly"]


def test_the_language_cookie_is_secure_too(production):
    response = Client().get("/de/", **OVER_HTTPS)

    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de" and cookie["secure"] and cookie["httponly"]


def test_the_admins_get_the_headers_but_keep_their_own_scripts(production):
    client = Client()
    client.force_login(get_user_model().objects.get(email="admin@example.com"))

    response = client.get("/admin/", **OVER_HTTPS)

    assert response.status_code == 200
    # Wagtail's admin runs inline scripts: it is staff-only and keeps its own policy.
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in response.headers


# No inline script on public pages ---------------------------------------------------------


@pytest.fixture
def public_pages(help_center):
    """The addresses of one page of every kind a visitor, a member or the team reads."""
    topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    faq = FaqPageFactory(parent=topic, title="Return questions", slug="return-questions")
    video = HowToVideoPageFactory(parent=topic, title="How to return", slug="how-to-return")
    policy = PolicyPageFactory(parent=topic, title="Returns policy", slug="returns-policy")
    thread = ThreadFactory(title="Where is my refund for order 12?")
    PostFactory(thread=thread)
    return {
        "visitor": [
            "/en/",
            topic.url,
            faq.url,
            video.url,
            policy.url,
            f"{policy.url}history/",
            "/en/search/?q=return",
            "/en/search/?q=xylophone",
            "/en/forum/",
            reverse("forum:board", kwargs={"slug": thread.board.slug}),
            thread.get_absolute_url(),
            reverse("forum:member", kwargs={"user_id": thread.author_id}),
            reverse("forum:official"),
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/en/no-such-page/",
        ],
        "member": [
            thread.get_absolute_url(),
            reverse("forum:ask"),
            reverse("forum:reply", kwargs={"pk": thread.pk}),
            reverse("forum:notifications"),
            reverse("profile_edit"),
            "/accounts/email/",
            "/accounts/password/change/",
        ],
        "team": [
            thread.get_absolute_url(),
            reverse("forum:moderation"),
            reverse("forum:moderation_log"),
            reverse("forum:staff_queue"),
        ],
        # Editors read the site signed in: Wagtail adds its user bar to every page.
        "editor": ["/en/", faq.url, video.url],
    }


# The types a browser runs as script (an empty or missing type included).
SCRIPT_TYPES = frozenset(
    {"", "module", "text/javascript", "application/javascript", "text/ecmascript"}
)


def _inline_code(html: str) -> list[str]:
    """Inline script, event handlers, script URLs and inline styles: what the public CSP
    (``script-src 'self'; style-src 'self'``) blocks, breaking the page."""
    found = []
    for element in parse(html).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2]
        attrs = {name.rpartition("}")[2].lower(): value for name, value in element.attrib.items()}
        # JSON (JSON-LD, Wagtail's settings for its user bar) is data that browsers never run.
        runs = attrs.get("type", "").strip().lower() in SCRIPT_TYPES
        if tag == "script" and runs and not attrs.get("src"):
            found.append(f"inline <script>: {(element.text or '')[:60]!r}")
        if tag == "style":
            found.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            if name == "style":
                found.append(f"<{tag} style={value[:40]!r}>")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def test_the_inline_check_finds_inline_code():
    page = (
        "<html><head><script>alert(1)</script></head><body>"
        '<a href="javascript:void(0)" onclick="go()">x</a><p style="color:red">y</p>'
        '<script type="application/ld+json">{}</script><script src="/s.js"></script>'
        '<script type="application/json">{"a": 1}</script></body></html>'
    )

    assert len(_inline_code(page)) == 4


@pytest.mark.parametrize("who", ["visitor", "member", "team", "editor"])
def test_public_pages_have_no_inline_script_or_style(public_pages, who):
    client = Client()
    if who == "member":
        client.force_login(UserFactory())
    elif who == "team":
        client.force_login(in_group(UserFactory(), "Forum moderators"))
    elif who == "editor":
        client.force_login(get_user_model().objects.get(email="admin@example.com"))

    found = {}
    for url in public_pages[who]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Content-Security-Policy" in response.headers, url
        inline = _inline_code(response.content.decode())
        if inline:
            found[url] = inline

    assert not found

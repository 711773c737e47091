"""Three languages: every page says its language, the switcher keeps the visitor on the
same page's translation, and the interface catalogs are complete."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Locale

from kb.models import HelpCenterPage
from tests.factories import HelpCenterPageFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a href="([^"]+)"[^>]*data-language="(\w+)"', nav)
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_answers_in_its_language(client, help_center, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="ltr">' in html
    assert help_center[language].title in html


def test_bare_root_redirects_to_the_browsers_language(client, help_center):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response.url == "/de/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_unprefixed_pages_follow_the_chosen_language(client, help_center, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/accounts/signup/").content.decode()
    assert f'<html lang="{language}"' in html


def _translated_child(help_center, slugs: dict[str, str]) -> dict[str, HelpCenterPage]:
    english = HelpCenterPageFactory(parent=help_center["en"], title="Returns", slug=slugs["en"])
    pages = {"en": english}
    for code, slug in slugs.items():
        if code == "en":
            continue
        copy = english.copy_for_translation(Locale.objects.get(language_code=code))
        copy.slug = slug
        copy.title = f"Returns ({code})"
        copy.save_revision().publish()
        pages[code] = copy
    return pages


def test_switcher_keeps_the_visitor_on_the_same_page(client, help_center):
    _translated_child(help_center, {"en": "returns", "tr": "iadeler", "de": "ruecksendungen"})

    links = _switcher_links(client.get("/en/returns/").content.decode())

    assert set(links) == {"tr", "de"}  # the current language is not a link
    response = client.get(links["tr"])
    assert response.status_code == 302
    assert response.url == "/tr/iadeler/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"
    assert client.get(response.url).status_code == 200
    assert client.get(links["de"]).url == "/de/ruecksendungen/"


def test_switcher_sends_to_the_language_home_when_no_translation_exists(client, help_center):
    _translated_child(help_center, {"en": "returns"})
    links = _switcher_links(client.get("/en/returns/").content.decode())
    assert client.get(links["de"]).url == "/de/"


def test_switcher_keeps_the_search_query(client, help_center):
    links = _switcher_links(client.get("/en/search/?q=iade").content.decode())
    assert client.get(links["tr"]).url == "/tr/search/?q=iade"


def test_switcher_on_account_pages_stays_on_the_page(client, help_center):
    links = _switcher_links(client.get("/accounts/login/").content.decode())
    response = client.get(links["tr"])
    assert response.url == "/accounts/login/"
    assert '<html lang="tr"' in client.get(response.url).content.decode()


def test_switcher_refuses_to_redirect_off_site(client, help_center):
    response = client.get("/language/tr/?next=https://evil.example/")
    assert response.url == "/tr/"


def test_unknown_language_is_not_found(client, help_center):
    assert client.get("/language/xx/?next=/en/", follow=True).status_code == 404


def test_pages_announce_their_translations_to_search_engines(client, help_center):
    _translated_child(help_center, {"en": "returns", "tr": "iadeler"})
    html = client.get("/tr/iadeler/").content.decode()
    base = settings.BASE_URL
    assert f'<link rel="alternate" hreflang="en" href="{base}/en/returns/">' in html
    assert f'<link rel="alternate" hreflang="tr" href="{base}/tr/iadeler/">' in html
    assert 'hreflang="de"' not in html.split("</head>")[0]  # no German version exists


@pytest.mark.parametrize("language", ["tr", "de"])
def test_interface_catalog_is_complete(language):
    catalog = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    assert catalog.percent_translated() == 100, [e.msgid for e in catalog.untranslated_entries()]
    assert not catalog.fuzzy_entries()
    for entry in catalog.translated_entries():
        # A lost placeholder would crash or garble the page at render time.
        assert set(re.findall(r"%\(\w+\)s", entry.msgid)) == set(
            re.findall(r"%\(\w+\)s", entry.msgstr or entry.msgstr_plural[0])
        ), entry.msgid


@pytest.mark.parametrize(
    ("language", "expected"),
    [("tr", "Hangi konuda yardıma ihtiyacınız var?"), ("de", "Wobei brauchst du Hilfe?")],
)
def test_interface_is_translated(client, help_center, language, expected):
    assert expected in client.get(f"/{language}/").content.decode()


def test_account_pages_follow_the_language_of_the_last_page_read(client, help_center):
    first = client.get("/de/")
    assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert '<html lang="de"' in client.get("/accounts/signup/").content.decode()
    # Already remembered: no cookie is written again, so the page stays cacheable.
    assert settings.LANGUAGE_COOKIE_NAME not in client.get("/de/").cookies


def test_editor_translates_a_page_with_wagtail_localize(client, help_center):
    """The editors' workflow: "Translate this page" in the admin makes a linked draft in
    the target language, which records the source it was made from."""
    from django.contrib.auth import get_user_model
    from wagtail_localize.models import Translation

    english = HelpCenterPageFactory(parent=help_center["en"], title="Shipping", slug="shipping")
    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    turkish = Locale.objects.get(language_code="tr")

    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[english.pk]),
        {"locales": [turkish.pk]},
    )

    assert response.status_code == 302
    translated = english.get_translation(turkish)
    assert translated.translation_key == english.translation_key
    translation = Translation.objects.get(target_locale=turkish)
    assert translation.source.object_id == english.translation_key
    assert not translated.live  # a draft until a translator finishes and publishes it


def _strings_translated_at_import(path) -> list[str]:
    """Calls of gettext/ngettext (not the lazy ones) outside any function: they run once, at
    import, in the default language, and every reader sees English."""
    import ast

    tree = ast.parse(path.read_text(), filename=str(path))
    eager = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            eager |= {
                alias.asname or alias.name
                for alias in node.names
                if alias.name in {"gettext", "ngettext", "pgettext", "npgettext"}
            }
    found = []

    def visit(node, in_function: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function = True
        if (
            not in_function
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in eager
        ):
            found.append(f"{path}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def test_no_interface_string_is_translated_at_import():
    """A German moderator got "Approved: the post is visible now." in English: the message
    was translated once, when the module was imported. Strings kept at module or class
    level must be lazy (gettext_lazy)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = ["forum", "kb", "search", "site_config"]
    offenders = [
        place
        for app in apps
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts
        for place in _strings_translated_at_import(path)
    ]
    assert offenders == []

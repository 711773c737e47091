"""The shop's own look, set in the Wagtail admin (Settings → Brand, Snippets): name, logo,
colour with its contrast checked, footer links and contact channels per language, and the
pages that must carry it (404, 500)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, Site

from site_config import colours
from site_config.models import Brand, ContactChannel, FooterLink
from tests.factories import FaqPageFactory, TopicPageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _brand(**fields) -> Brand:
    site = Site.objects.get(is_default_site=True)
    brand, _created = Brand.objects.get_or_create(site=site)
    for name, value in fields.items():
        setattr(brand, name, value)
    brand.full_clean()
    brand.save()
    return brand


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(colours.contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(colours.contrast("#767676", "#ffffff"), 2) == 4.54  # the classic AA grey
    assert colours.contrast("#ffffff", "#ffffff") == 1.0


@pytest.mark.parametrize("colour", ["#ffbf47", "#1a7f9a", "#e0e0e0", "#ff0000"])
def test_a_colour_too_light_for_text_is_refused_with_its_ratio(help_center, colour):
    with pytest.raises(ValidationError) as refused:
        _brand(primary_colour=colour)
    message = " ".join(refused.value.message_dict["primary_colour"])
    assert "4.5:1" in message and f"{colours.weakest_contrast(colour):.1f}:1" in message


def test_the_admin_keeps_the_form_and_says_why_a_colour_was_refused(client, help_center):
    site = Site.objects.get(is_default_site=True)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("wagtailsettings:edit", args=["site_config", "brand", site.pk])
    response = client.post(url, {"name": "Nordlicht", "primary_colour": "#ffbf47"})
    assert response.status_code == 200
    assert "4.5:1" in response.content.decode()
    assert 'value="Nordlicht"' in response.content.decode()  # what was typed is kept
    assert not Brand.objects.filter(name="Nordlicht").exists()
    response = client.post(url, {"name": "Nordlicht", "primary_colour": "#0b5a55"})
    assert response.status_code == 302
    assert Brand.objects.get(site=site).primary_colour == "#0b5a55"


def test_pages_carry_the_brand_and_a_change_reaches_kept_pages_at_once(
    help_center, django_capture_on_commit_callbacks
):
    reader = Client()
    page = reader.get("/en/").content.decode()
    assert "<title>How can we help? · Help Center</title>" in page or "· Help Center" in page
    reader.get("/en/")  # now kept for anonymous readers
    assert reader.get("/en/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=False) as pending:
        _brand(name="Nordlicht", primary_colour="#0b5a55")
    # Until the change is committed, pages still read (and keep) the old brand.
    assert reader.get("/en/")["X-Page-Cache"] == "hit"
    for callback in pending:
        callback()
    response = reader.get("/en/")
    assert "X-Page-Cache" not in response  # the kept page was dropped
    page = response.content.decode()
    assert "· Nordlicht</title>" in page
    assert '<span class="brand__name">Nordlicht</span>' in page
    css_link = next(line for line in page.splitlines() if "/brand.css?v=" in line)
    css = reader.get(css_link.split('href="')[1].split('"')[0].replace("&amp;", "&"))
    assert css["Content-Type"].startswith("text/css")
    assert "--brand:#0b5a55" in css.content.decode()
    assert "--brand-dark:#094844" in css.content.decode()


def test_footer_links_and_contact_channels_are_in_the_readers_language(help_center):
    english, turkish = (Locale.objects.get(language_code=c) for c in ("en", "tr"))
    link = FooterLink.objects.create(locale=english, label="Privacy", url="/en/privacy/")
    FooterLink.objects.create(
        locale=turkish, translation_key=link.translation_key, label="Gizlilik", url="/tr/gizlilik/"
    )
    phone = ContactChannel.objects.create(
        locale=english,
        kind="phone",
        label="Call us",
        value="+49 30 1234 5678",
        hours="Monday to Friday, 9:00 to 18:00",
    )
    ContactChannel.objects.create(
        locale=turkish,
        translation_key=phone.translation_key,
        kind="phone",
        label="Bizi arayın",
        value="+49 30 1234 5678",
        hours="Pazartesi-Cuma, 9.00-18.00",
    )
    other_site = Site.objects.create(hostname="other.example", root_page_id=help_center["en"].pk)
    FooterLink.objects.create(locale=english, label="Other shop only", url="/", site=other_site)

    en = Client().get("/en/").content.decode()
    tr = Client().get("/tr/").content.decode()
    assert 'href="/en/privacy/">Privacy</a>' in en and "Gizlilik" not in en
    assert 'href="/tr/gizlilik/">Gizlilik</a>' in tr and ">Privacy<" not in tr
    assert 'href="tel:+493012345678"' in en and "Monday to Friday, 9:00 to 18:00" in en
    assert "Bizi arayın" in tr and "Pazartesi-Cuma" in tr
    assert "Other shop only" not in en


@pytest.mark.parametrize(
    "kind, value",
    [("email", "not an address"), ("phone", "call us"), ("chat", "javascript:alert(1)")],
)
def test_a_contact_channel_must_be_what_it_says(help_center, kind, value):
    channel = ContactChannel(
        locale=Locale.objects.get(language_code="en"), kind=kind, label="x", value=value
    )
    with pytest.raises(ValidationError):
        channel.full_clean()


def test_a_footer_link_cannot_be_a_script(help_center):
    link = FooterLink(
        locale=Locale.objects.get(language_code="en"), label="x", url="javascript:alert(1)"
    )
    with pytest.raises(ValidationError):
        link.full_clean()


def test_the_500_page_carries_the_brand_without_asking_the_database(
    help_center, rf, django_assert_num_queries
):
    from site_config.views import server_error

    _brand(name="Nordlicht", primary_colour="#0b5a55")
    Client().get("/en/")  # a page read the brand: it is in the cache
    with django_assert_num_queries(0):
        response = server_error(rf.get("/en/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Nordlicht" in page and 'class="site-header"' in page
    assert "Bei uns ist etwas schiefgelaufen" in page and "Bizim tarafımızda" in page


def test_the_500_page_answers_with_the_default_brand_on_an_empty_cache(rf):
    from site_config.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Help Center" in response.content.decode()


def test_the_404_page_offers_a_search_and_popular_articles_in_the_readers_language(
    help_center,
):
    topic = TopicPageFactory(parent=help_center["de"], title="Versand", slug="versand")
    FaqPageFactory(parent=topic, title="Wo ist mein Paket?", slug="paket")
    response = Client().get("/de/gibt-es-nicht/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'role="search"' in page and 'name="q"' in page
    assert "Wo ist mein Paket?" in page
    assert '<html lang="de"' in page


def test_home_has_one_search_topic_cards_with_counts_and_the_way_to_a_person(help_center):
    from kb.models import HomePromotedArticle

    topic = TopicPageFactory(parent=help_center["en"], title="Delivery", slug="delivery")
    topic.icon = "truck"
    topic.save_revision().publish()
    first = FaqPageFactory(parent=topic, title="Where is my parcel?", slug="parcel")
    FaqPageFactory(parent=topic, title="Delivery costs", slug="costs")
    HomePromotedArticle.objects.create(home=help_center["en"], article=first, sort_order=0)
    ContactChannel.objects.create(
        locale=Locale.objects.get(language_code="en"),
        kind="email",
        label="E-mail us",
        value="help@shop.example",
    )
    page = Client().get("/en/").content.decode()
    assert page.count('role="search"') == 1  # the home's own, no second box in the header
    assert "icons.svg#truck" in page
    assert "2 articles" in page
    popular = page.split('id="popular-title"')[1]
    assert popular.index("Where is my parcel?") < popular.index("</ol>")
    assert 'href="mailto:help@shop.example"' in page
    assert reverse("forum:ask") in page


def test_other_pages_keep_the_header_search_and_a_menu_that_works_without_script(
    help_center,
):
    topic = TopicPageFactory(parent=help_center["en"], title="Delivery", slug="delivery")
    page = Client().get(topic.url).content.decode()
    assert 'id="header-search-input"' in page
    menu = page.split("<details", 1)[1].split("</details>", 1)[0]
    assert "<summary" in menu and "Sign in" in menu and 'hreflang="de"' in menu
    # The search page changes the search in its own box: one box there too.
    assert Client().get("/en/search/?q=parcel").content.decode().count('role="search"') == 1


def test_staff_add_a_footer_link_and_a_contact_channel_in_the_admin_and_pages_show_them(
    client, help_center, django_capture_on_commit_callbacks
):
    """Snippets → Footer links / Contact channels: the way staff edit them (they were once
    models with no admin screen at all)."""
    english = Locale.objects.get(language_code="en")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.get("/en/")  # the brand is cached now
    for model, fields in (
        (FooterLink, {"label": "Impressum", "url": "/en/imprint/", "sort_order": "1"}),
        (
            ContactChannel,
            {
                "kind": "phone",
                "label": "Call us",
                "value": "+49 30 1234 5678",
                "hours": "Mo-Fr 9-18",
                "sort_order": "0",
            },
        ),
    ):
        listing = reverse(f"wagtailsnippets_site_config_{model._meta.model_name}:list")
        assert client.get(listing).status_code == 200
        add = reverse(f"wagtailsnippets_site_config_{model._meta.model_name}:add")
        with django_capture_on_commit_callbacks(execute=True):  # the cached brand is forgotten
            response = client.post(f"{add}?locale=en", {**fields, "site": ""})
        assert response.status_code == 302, response.context["form"].errors
        assert model.objects.get(locale=english, label=fields["label"])
    page = client.get("/en/").content.decode()
    assert "Impressum" in page and "+49 30 1234 5678" in page

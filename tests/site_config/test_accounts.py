"""Accounts: sign-up with e-mail confirmation in every language, no account enumeration,
and the confirmed-e-mail gate the forum relies on before anyone may post."""

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from forum import permissions
from forum.models import Profile
from tests.factories import PASSWORD, UserFactory

CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^\s]+/)")

# A word each language's confirmation e-mail must contain (allauth's catalogs, our adapter).
CONFIRM_WORD = {"en": "confirm", "tr": "onay", "de": "bestätig"}


def _sign_up(client, language: str, email: str, name: str = "Ayşe Yılmaz"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(
        "/accounts/signup/",
        {"display_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize("language", ["en", "tr", "de"])
def test_sign_up_confirm_email_and_be_signed_in(client, help_center, language, mailoutbox):
    response = _sign_up(client, language, f"new-{language}@example.com")

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session  # not signed in before confirming
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [f"new-{language}@example.com"]
    assert CONFIRM_WORD[language] in (message.subject + message.body).lower()

    link = CONFIRM_LINK.search(message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Content-Language"] == language
    response = client.post(link)

    assert response.status_code == 302
    user = get_user_model().objects.get(email=f"new-{language}@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified
    assert Profile.objects.get(user=user).display_name == "Ayşe Yılmaz"
    assert permissions.can_post(user)


def test_sign_up_with_a_taken_address_looks_exactly_like_a_new_one(client, help_center):
    UserFactory(email="taken@example.com")
    mail.outbox.clear()

    taken = _sign_up(client, "en", "taken@example.com")
    fresh = _sign_up(client, "en", "fresh@example.com")

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    # The owner of the taken address is told by e-mail instead; nobody else learns anything.
    assert [m.to for m in mail.outbox] == [["taken@example.com"], ["fresh@example.com"]]
    assert get_user_model().objects.filter(email="taken@example.com").count() == 1


def test_password_reset_does_not_reveal_whether_an_account_exists(client, help_center, mailoutbox):
    UserFactory(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_unconfirmed_member_cannot_sign_in_and_is_sent_a_new_link(client, help_center, mailoutbox):
    UserFactory(email="pending@example.com", email_address__verified=False)
    response = client.post(
        "/accounts/login/", {"login": "pending@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1


def test_unconfirmed_member_may_not_post(db):
    unconfirmed = UserFactory(email_address__verified=False)
    confirmed = UserFactory()
    assert not permissions.can_post(unconfirmed)
    assert permissions.can_post(confirmed)


def test_anonymous_and_deactivated_members_may_not_post(db):
    from django.contrib.auth.models import AnonymousUser

    banned = UserFactory(is_active=False)
    assert not permissions.can_post(AnonymousUser())
    assert not permissions.can_post(banned)


def test_sign_in_with_email_and_password(client, help_center):
    user = UserFactory(email="reader@example.com")
    response = client.post(
        "/accounts/login/", {"login": "READER@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_repeated_failed_logins_lock_the_account_for_a_while(client, help_center):
    UserFactory(email="target@example.com")
    for i in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": f"wrong-{i}"})

    # Even the right password is refused until the lock expires.
    response = client.post(
        "/accounts/login/", {"login": "target@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_up_form_keeps_what_was_typed_and_explains_errors(client, help_center):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post(
        "/accounts/signup/",
        {"display_name": "Jürgen", "email": "not-an-email", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Jürgen"' in html
    assert 'value="not-an-email"' in html
    assert "E-Mail-Adresse" in html  # German error text and labels


@pytest.mark.parametrize(
    "name",
    [
        "ADMİN",
        "admın",
        "Admin",
        "  SUPPORT ",
        "Destek",
        "Moderatör",
        "Support Team",
        "Official Support",
        "Destek Ekibi",
        "Kundenservice Team",
        "Help Center Team",
    ],
)
def test_staff_like_display_names_are_refused_in_any_casing(client, help_center, name):
    response = _sign_up(client, "tr", "someone@example.com", name=name)
    assert response.status_code == 200
    assert "ayrılmıştır" in response.content.decode()  # Turkish: "reserved"
    assert not get_user_model().objects.filter(email="someone@example.com").exists()


@pytest.mark.parametrize(
    "name",
    [
        "Jonas (Moderator)",
        "Deniz from Supp0rt",
        "[Staff] Deniz",
        "Help-Center Team",
        "Deniz from Suppоrt",  # a Cyrillic о
        "Dеniz Ѕupport",  # Cyrillic е and Ѕ
        "Μoderator",  # a Greek Μ
        "S T A F F",
        "SupportDeniz",
        "Yardım Merkezi",
        "Mitarbeiterin Anna",
        "Sᴜpport Deniz",  # a small capital
        "ꜱupport",  # a small capital
        "Sսpport Deniz",  # an Armenian ս
        "Admin2",
        "Staff1 Deniz",
        "ﷺﷺﷺ",  # 3 characters typed, 54 once normalised
        "\u3164\u3164\u3164",  # Hangul fillers: nothing to see
        "\u2800\u2800",  # braille blanks
    ],
)
def test_names_that_pass_for_staff_or_show_nothing_are_refused(client, help_center, name):
    response = _sign_up(client, "en", "someone@example.com", name=name)
    assert response.status_code == 200
    assert response.context["form"].errors.get("display_name"), name
    assert not get_user_model().objects.filter(email="someone@example.com").exists()


@pytest.mark.parametrize(
    "name",
    [
        "Staffan",
        "Modesto",
        "Ayşe Yılmaz",
        "Иван Петров",
        "Νίκος",
        "Galatasaray Supporter",
        "Unofficial Fan",
        "Ahmet Resmi",
        "Jürgen Groß",
    ],
)
def test_ordinary_names_in_any_alphabet_are_welcome(client, help_center, name):
    _sign_up(client, "en", "someone@example.com", name=name)
    assert Profile.objects.get(user__email="someone@example.com").display_name == name


@pytest.mark.parametrize(
    "taken", ["Deniz Kaya", "DENİZ KAYA", "Dеniz Kaya", "Deniz  Kaya", "D3niz Kaya"]
)
def test_a_team_members_name_cannot_be_taken_however_it_is_written(client, help_center, taken):
    from tests.factories import in_group

    in_group(UserFactory(profile="Deniz Kaya"), "Support staff")
    response = _sign_up(client, "de", "someone@example.com", name=taken)
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]  # in German, like the form
    assert not get_user_model().objects.filter(email="someone@example.com").exists()


def test_the_team_keeps_its_names_and_names_are_stored_in_one_form(client, help_center):
    from tests.factories import in_group

    staff = in_group(UserFactory(profile="Deniz Kaya"), "Support staff")
    client.force_login(staff)
    response = client.post(
        "/accounts/profile/", {"display_name": "Deniz from Support", "language": "en"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=staff).display_name == "Deniz from Support"
    member = UserFactory(profile="Old name")
    client.force_login(member)
    client.post(
        "/accounts/profile/", {"display_name": "Ｊｏｎａｓ", "language": "en"}
    )  # full-width
    assert Profile.objects.get(user=member).display_name == "Jonas"
    response = client.post(
        "/accounts/profile/", {"display_name": "Deniz from Support", "language": "en"}
    )
    assert response.status_code == 200 and Profile.objects.get(user=member).display_name == "Jonas"


def test_a_name_a_newer_rule_refuses_does_not_lock_its_owner_out(client, help_center):
    member = UserFactory(profile="Team Rocket")  # taken before "team" was reserved
    client.force_login(member)
    response = client.post("/accounts/profile/", {"display_name": "Team Rocket", "language": "de"})
    assert response.status_code == 302
    assert Profile.objects.get(user=member).language == "de"


def test_member_changes_display_name(client, help_center):
    user = UserFactory(profile="Old name")
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"display_name": "  Zeynep   K. ", "language": "tr"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).language == "tr"
    assert Profile.objects.get(user=user).display_name == "Zeynep K."
    assert "Zeynep K." in client.get("/en/").content.decode()


def test_invalid_display_name_re_renders_with_the_typed_value(client, help_center):
    user = UserFactory(profile="Old name")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "x"})
    assert response.status_code == 200
    assert 'value="x"' in response.content.decode()
    assert Profile.objects.get(user=user).display_name == "Old name"


def test_profile_page_needs_sign_in(client, help_center):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_admin_sends_editors_to_the_one_sign_in(client, help_center):
    response = client.get("/admin/", follow=True)
    urls = [unquote(url) for url, _status in response.redirect_chain]
    assert urls == ["/admin/login/?next=/admin/", "/accounts/login/?next=/admin/"]


def test_member_changes_email_after_confirming_the_new_address(client, help_center, mailoutbox):
    user = UserFactory(email="old@example.com")
    client.force_login(user)

    response = client.post("/accounts/email/", {"email": "new@example.com", "action_add": ""})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    assert EmailAddress.objects.get_primary(user).email == "old@example.com"  # not yet
    link = CONFIRM_LINK.search(mailoutbox[0].body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.com"
    ]


def test_wagtail_sign_in_and_password_pages_lead_to_the_one_sign_in(client, help_center):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/pages/"
    assert client.get("/admin/password_reset/").status_code in (302, 404)


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "You have no access to the editors"),
        ("de", "Du hast keinen Zugang zum Bereich der Redaktion"),
        ("tr", "Editör alanına erişiminiz yok"),
    ],
)
@pytest.mark.parametrize("who", ["member", "editor without a group"])
def test_signed_in_without_admin_access_get_a_page_not_a_loop(
    client, help_center, compiled_catalogs, language, heading, who
):
    """A member, or a new editor (staff) before an administrator gave them a group, who
    opens /admin/ was sent to sign in, which sends the signed-in straight back: a loop.
    Now the second step is a page in their language that says so, with a way back."""
    user = UserFactory(is_staff=who != "member")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    first = client.get("/admin/")
    assert first.status_code == 302 and first.url.startswith("/admin/login/")
    page = client.get(first.url)
    html = page.content.decode()
    assert page.status_code == 403
    assert heading in html.replace("&#x27;", "'")
    assert user.email in html
    assert f'href="/{language}/"' in html  # the way back
    assert "permission to access the admin" not in html  # said once, in words of ours


def test_failed_logins_behind_a_proxy_count_per_visitor(client, help_center, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="victim@example.com")
    for i in range(12):  # an attacker rotating addresses behind the same balancer
        client.post(
            "/accounts/login/",
            {"login": f"nobody{i}@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        "/accounts/login/",
        {"login": "victim@example.com", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302  # the real user still gets in


def test_form_errors_are_announced_with_their_field(client, help_center):
    html = client.post("/accounts/signup/", {"display_name": "x", "email": "bad"}).content
    html = html.decode()
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for element_id in described.split():
            assert f'id="{element_id}"' in html, element_id


@pytest.mark.parametrize(
    ("language", "greeting", "site"),
    [
        ("en", "Hello,", "Help Center"),
        ("de", "Hallo,", "Hilfecenter"),
        ("tr", "Merhaba,", "Yardım Merkezi"),
    ],
)
def test_account_emails_are_the_sites_own_in_the_readers_language(
    client, help_center, compiled_catalogs, mailoutbox, language, greeting, site
):
    """Not the library's defaults ("Hello from 127.0.0.1:28431!", "user alex.tester"): the
    site's name and words, in the language of the page, as text with an HTML part."""
    UserFactory(email="known@example.com", username="alex.tester")
    _sign_up(client, language, "fresh@example.com")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post("/accounts/password/reset/", {"email": "known@example.com"})
    confirm, reset = mailoutbox
    for message in (confirm, reset):
        assert message.subject.startswith(f"{site}: ")
        assert message.body.startswith(greeting)
        assert site in message.body and "http://127.0.0.1:8000/" in message.body
        assert "Hello from" not in message.body and "testserver!" not in message.body
        assert "alex.tester" not in message.body
        html, kind = message.alternatives[0]
        assert kind == "text/html" and f'<html lang="{language}">' in html
        assert '<a href="http://testserver/accounts/' in html
    assert "fresh@example.com" in confirm.body

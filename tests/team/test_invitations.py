"""Inviting a colleague in one step: the administrator's form, the e-mail in the invitee's
language, the link that sets a password and lands in the right place, expiry, revoking,
and the audit log."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from team import services
from team.models import Invitation
from tests.factories import PASSWORD, UserFactory, in_group

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kirmizi-Kalem-2026-lamba"  # noqa: S105 - a test value


@pytest.fixture
def admin(help_center):
    return UserFactory(email="chefin@example.com", is_superuser=True, is_staff=True)


def _invite(client, admin, **fields):
    client.force_login(admin)
    data = {"action": "invite", "email": "neu@example.com", "role": "support", "language": "de"}
    return client.post(reverse("team_invitations"), {**data, **fields})


def _link(email) -> str:
    found = re.search(r"/accounts/invitation/[\w-]+/", email.body)
    assert found, email.body
    return found.group(0)


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("anonymous", False),
        ("member", False),
        ("editor", False),
        ("support staff", False),
        ("superuser", True),
    ],
)
def test_only_administrators_invite(client, help_center, who, allowed):
    users = {
        "member": lambda: UserFactory(),
        "editor": lambda: in_group(UserFactory(is_staff=True), "Editors"),
        "support staff": lambda: in_group(UserFactory(is_staff=True), "Support staff"),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    page = client.get(reverse("team_invitations"))
    assert (page.status_code == 200) is allowed
    client.post(
        reverse("team_invitations"), {"email": "x@example.com", "role": "editor", "language": "en"}
    )
    assert Invitation.objects.exists() is allowed


def test_an_invitation_goes_out_in_the_invitees_language_and_is_logged(client, admin):
    response = _invite(client, admin)
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == ["neu@example.com"]
    assert "eingeladen" in sent.subject and "lädt dich ein" in sent.body  # German, "du"
    assert sent.alternatives and "/accounts/invitation/" in sent.alternatives[0][0]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin and invitation.state == "pending"
    token = _link(sent).rsplit("/", 2)[1]
    assert token not in invitation.token_hash  # only its hash is stored
    entry = ModelLogEntry.objects.get(action="team.invite")
    assert entry.user_id == admin.pk and entry.data["email"] == "neu@example.com"
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Invited neu@example.com as support" in history


def test_the_link_sets_a_password_and_lands_where_the_role_starts(client, admin):
    in_group(UserFactory(), "Support staff")  # the group exists
    _invite(client, admin)
    link = _link(mail.outbox[0])
    client.logout()
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en")  # an English browser
    assert page.status_code == 200 and "neu@example.com" in page.content.decode()
    assert "Im Team mitmachen" in page.content.decode()  # the invitation's language
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(
        link,
        {"display_name": "Nora Neu", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("support_inbox")
    user = get_user_model().objects.get(email="neu@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert user.groups.filter(name="Support staff").exists()
    assert user.emailaddress_set.get().verified  # no "confirm your address" step
    assert user.forum_profile.display_name == "Nora Neu" and user.forum_profile.language == "de"
    assert client.get(reverse("support_inbox")).status_code == 200  # signed in, in the inbox
    assert ModelLogEntry.objects.filter(action="team.invitation_accept", user_id=user.pk).exists()
    # Once only.
    client.logout()
    assert client.get(link).status_code == 410


@pytest.mark.parametrize(
    "role, landing",
    [("editor", "/admin/"), ("moderator", "/admin/"), ("forum_moderator", "/tr/forum/moderation/")],
)
def test_each_role_lands_in_its_place(client, admin, role, landing):
    _invite(client, admin, role=role, language="tr")
    client.logout()
    response = client.post(
        _link(mail.outbox[0]),
        {"display_name": "Deniz Işık", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response["Location"] == landing


def test_a_weak_password_or_two_different_ones_are_refused_with_what_was_typed_kept(client, admin):
    _invite(client, admin, language="en")
    link = _link(mail.outbox[0])
    client.logout()
    for first, second in (("123", "123"), (NEW_PASSWORD, NEW_PASSWORD + "x")):
        response = client.post(
            link, {"display_name": "Nora Neu", "password1": first, "password2": second}
        )
        assert response.status_code == 200
        assert 'value="Nora Neu"' in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@example.com").exists()


def test_expired_and_revoked_invitations_no_longer_work(client, admin):
    _invite(client, admin)
    _invite(client, admin, email="zwei@example.com")
    first, second = Invitation.objects.order_by("pk")
    links = [_link(m) for m in mail.outbox]
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        reverse("team_invitations"), {"action": "revoke", "invitation": second.pk}
    )
    assert response.status_code == 302
    assert ModelLogEntry.objects.filter(action="team.invitation_revoke").count() == 1
    client.logout()
    for link in links:
        page = client.get(link)
        assert page.status_code == 410
        client.post(
            link, {"display_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert not get_user_model().objects.filter(email__in=["neu@example.com", "zwei@example.com"])


def test_sending_again_makes_the_old_link_stop_working(client, admin):
    _invite(client, admin)
    first = Invitation.objects.get()
    client.post(reverse("team_invitations"), {"action": "again", "invitation": first.pk})
    old, new = (_link(m) for m in mail.outbox)
    assert old != new
    client.logout()
    assert client.get(old).status_code == 410 and client.get(new).status_code == 200


def test_an_existing_account_accepts_by_signing_in(client, admin):
    member = UserFactory(email="neu@example.com")
    _invite(client, admin, role="forum_moderator", language="en")
    link = _link(mail.outbox[0])
    client.logout()
    page = client.get(link).content.decode()
    assert "Sign in" in page and 'name="password1"' not in page
    client.post(link)  # not signed in: nothing happens
    assert not member.groups.exists()
    client.force_login(member)
    response = client.post(link)
    assert response.status_code == 302
    assert member.groups.filter(name="Forum moderators").exists()
    assert member.check_password(PASSWORD)  # their password is theirs


def test_another_signed_in_member_cannot_take_someone_elses_invitation(client, admin):
    UserFactory(email="neu@example.com")
    _invite(client, admin, language="en")
    link = _link(mail.outbox[0])
    stranger = UserFactory(email="stranger@example.com")
    client.force_login(stranger)
    client.post(link)
    assert not stranger.groups.exists()
    assert Invitation.objects.get().state == "pending"


@pytest.mark.parametrize("token", ["guess", "a" * 43, "x" * 500, "%00"])
def test_a_wrong_link_is_a_404(client, help_center, token):
    response = client.get(f"/accounts/invitation/{token}/", follow=True)
    assert response.status_code == 404  # (through the language redirect any 404 gets)


def test_the_list_asks_the_same_number_of_queries_for_many_invitations(
    client, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    services.invitation_create(email="a@example.com", role="editor", language="en", by=admin)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("team_invitations"))
    for n in range(30):
        services.invitation_create(
            email=f"p{n}@example.com", role="editor", language="de", by=admin
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("team_invitations"))
    assert page.content.decode().count("@example.com") >= 31


def test_a_bad_address_is_said_and_kept(client, admin):
    response = _invite(client, admin, email="not an address")
    assert response.status_code == 200
    assert 'value="not an address"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_account_whose_address_only_folds_to_the_invited_one_is_not_its_owner(client, admin):
    """PostgreSQL's iexact takes "ılker@" for "ilker@": someone else's address."""
    UserFactory(email="ılker@example.com")
    _invite(client, admin, email="ilker@example.com", language="tr")
    invitation = Invitation.objects.get()
    assert services.existing_account(invitation) is None
    client.logout()
    page = client.get(_link(mail.outbox[0])).content.decode()
    assert 'name="password1"' in page  # a new account for the invited address

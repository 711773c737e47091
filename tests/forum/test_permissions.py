"""Who may do what in the forum, as one readable table.

``EXPECTED`` is the spec: for every check (a ``can_*`` function of ``forum.permissions`` on
one kind of object) the set of actors it allows. Every (check, actor) pair is one test case,
so a failure names exactly the cell of the table that is wrong.

The actors, all with an old account and a confirmed e-mail address unless said otherwise:

* ``anonymous``: not signed in.
* ``unconfirmed``: signed up, e-mail address not confirmed yet.
* ``new_member``: joined today (their posts are held, but they may post).
* ``member``: a regular member with nothing to do with the objects below.
* ``asker``: wrote the thread (its question).
* ``replier``: wrote the reply (and the held, hidden and locked-thread replies).
* ``banned``: a member a moderator banned (wrote a reply before the ban).
* ``moderator``: in the "Forum moderators" group.
* ``support``: in the "Support staff" group; wrote the official answer.
* ``superuser``: has every permission, so is both a moderator and support staff.
"""

import copy
import dataclasses
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum import permissions
from forum.models import Profile
from forum.models.threads import Visibility
from tests.factories import (
    BoardFactory,
    NewMemberFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
    in_group,
)

ACTORS = (
    "anonymous",
    "unconfirmed",
    "new_member",
    "member",
    "asker",
    "replier",
    "banned",
    "moderator",
    "support",
    "superuser",
)

EVERYONE = frozenset(ACTORS)
NOBODY = frozenset()
# Signed in and active, whatever else.
SIGNED_IN = EVERYONE - {"anonymous"}
# Signed in, active, e-mail confirmed and not banned.
POSTERS = SIGNED_IN - {"unconfirmed", "banned"}
MODERATORS = frozenset({"moderator", "superuser"})
OFFICIALS = frozenset({"support", "superuser"})
TEAM = MODERATORS | OFFICIALS

# check -> the actors it allows. The part before "[" names the function in forum.permissions.
EXPECTED: dict[str, frozenset[str]] = {
    "can_post": POSTERS,
    # Reading.
    "can_view_thread[visible]": EVERYONE,
    "can_view_thread[held]": {"asker"} | MODERATORS,
    "can_view_thread[hidden]": MODERATORS,  # not even its author
    "can_view_post[visible reply]": EVERYONE,
    "can_view_post[held reply]": {"replier"} | MODERATORS,  # the author sees their own
    "can_view_post[hidden reply]": MODERATORS,
    # Writing.
    "can_reply[visible thread]": POSTERS,
    "can_reply[locked thread]": MODERATORS,
    "can_reply[held thread]": NOBODY,
    "can_reply[merged thread]": NOBODY,
    "can_edit_post[question]": {"asker"} | MODERATORS,
    "can_edit_post[reply]": {"replier"} | MODERATORS,
    "can_edit_post[held reply]": {"replier"} | MODERATORS,
    "can_edit_post[hidden reply]": MODERATORS,
    "can_edit_post[reply in locked thread]": MODERATORS,
    "can_edit_post[banned member's reply]": MODERATORS,  # not by the banned author
    "can_edit_post[official answer]": {"support"} | MODERATORS,
    "can_view_history[reply]": TEAM,
    # Answers.
    "can_accept[visible thread]": {"asker"} | TEAM,
    "can_accept[held thread]": NOBODY,
    "can_mark_official[any]": OFFICIALS,  # the page-level "may mark official" switch
    "can_mark_official[reply]": OFFICIALS,
    "can_mark_official[question]": NOBODY,
    "can_mark_official[held reply]": NOBODY,
    "can_promote[official answer]": OFFICIALS,
    "can_promote[other reply]": NOBODY,
    "can_vote[reply]": POSTERS - {"replier"},  # never on one's own
    "can_vote[official answer]": POSTERS - {"support"},
    "can_vote[question]": NOBODY,
    "can_vote[held reply]": NOBODY,
    "can_me_too[visible thread]": POSTERS - {"asker"},  # never on one's own
    "can_me_too[held thread]": NOBODY,
    "can_subscribe": SIGNED_IN,
    "can_report[reply]": SIGNED_IN - {"banned", "replier"},  # never one's own
    "can_report[question]": SIGNED_IN - {"banned", "asker"},
    "can_report[hidden reply]": NOBODY,
    # The team.
    "can_view_staff_queue": TEAM,
    "can_moderate": MODERATORS,
    "can_ban[member]": MODERATORS,
    "can_ban[new member]": MODERATORS,
    "can_ban[self]": NOBODY,
    "can_ban[moderator]": NOBODY,  # the team is managed by the shop, not banned
    "can_ban[support]": NOBODY,
    "can_ban[superuser]": NOBODY,
    # Profiles.
    "can_edit_profile[own]": SIGNED_IN - {"banned"},
    "can_edit_profile[member's]": {"member"},
}


@dataclass
class World:
    users: dict
    thread: object
    question: object
    reply: object
    official: object
    held_reply: object
    hidden_reply: object
    banned_reply: object
    held_thread: object
    hidden_thread: object
    locked_thread: object
    locked_reply: object
    merged_thread: object

    def __getattr__(self, name):  # w.member, w.asker, ...
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None

    def me(self, user):
        """The actor as a target; the anonymous visitor stands in for nobody, so a
        regular member takes their place."""
        return user if user.is_authenticated else self.users["member"]


def _fresh(user):
    """The user from the database, without cached permissions or profile."""
    return get_user_model().objects.get(pk=user.pk)


def _build_world() -> World:
    users = {
        "anonymous": AnonymousUser(),
        "unconfirmed": UserFactory(email_address__verified=False),
        "new_member": NewMemberFactory(),
        "member": UserFactory(),
        "asker": UserFactory(),
        "replier": UserFactory(),
        "banned": UserFactory(),
        "moderator": in_group(UserFactory(), "Forum moderators"),
        "support": in_group(UserFactory(), "Support staff"),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    asker, replier, banned = users["asker"], users["replier"], users["banned"]
    board = BoardFactory()

    thread = ThreadFactory(board=board, author=asker)
    reply = PostFactory(thread=thread, author=replier)
    official = PostFactory(thread=thread, author=users["support"])
    thread.official_answer = official
    thread.save(update_fields=["official_answer"])
    held_reply = PostFactory(thread=thread, author=replier, visibility=Visibility.HELD)
    hidden_reply = PostFactory(thread=thread, author=replier, visibility=Visibility.HIDDEN)
    # Written before the ban.
    banned_reply = PostFactory(thread=thread, author=banned)
    Profile.objects.filter(user=banned).update(banned_at=timezone.now(), banned_reason="Spam")
    users["banned"] = _fresh(banned)

    locked_thread = ThreadFactory(board=board, author=asker, is_locked=True)
    return World(
        users=users,
        thread=thread,
        question=thread.posts.get(is_question=True),
        reply=reply,
        official=official,
        held_reply=held_reply,
        hidden_reply=hidden_reply,
        banned_reply=banned_reply,
        held_thread=ThreadFactory(board=board, author=asker, visibility=Visibility.HELD),
        hidden_thread=ThreadFactory(board=board, author=asker, visibility=Visibility.HIDDEN),
        locked_thread=locked_thread,
        locked_reply=PostFactory(thread=locked_thread, author=replier),
        merged_thread=ThreadFactory(board=board, author=asker, merged_into=thread),
    )


p = permissions
# check -> how to ask it, given the acting user and the world.
CHECKS = {
    "can_post": lambda u, w: p.can_post(u),
    "can_view_thread[visible]": lambda u, w: p.can_view_thread(u, w.thread),
    "can_view_thread[held]": lambda u, w: p.can_view_thread(u, w.held_thread),
    "can_view_thread[hidden]": lambda u, w: p.can_view_thread(u, w.hidden_thread),
    "can_view_post[visible reply]": lambda u, w: p.can_view_post(u, w.reply),
    "can_view_post[held reply]": lambda u, w: p.can_view_post(u, w.held_reply),
    "can_view_post[hidden reply]": lambda u, w: p.can_view_post(u, w.hidden_reply),
    "can_reply[visible thread]": lambda u, w: p.can_reply(u, w.thread),
    "can_reply[locked thread]": lambda u, w: p.can_reply(u, w.locked_thread),
    "can_reply[held thread]": lambda u, w: p.can_reply(u, w.held_thread),
    "can_reply[merged thread]": lambda u, w: p.can_reply(u, w.merged_thread),
    "can_edit_post[question]": lambda u, w: p.can_edit_post(u, w.question),
    "can_edit_post[reply]": lambda u, w: p.can_edit_post(u, w.reply),
    "can_edit_post[held reply]": lambda u, w: p.can_edit_post(u, w.held_reply),
    "can_edit_post[hidden reply]": lambda u, w: p.can_edit_post(u, w.hidden_reply),
    "can_edit_post[reply in locked thread]": lambda u, w: p.can_edit_post(u, w.locked_reply),
    "can_edit_post[banned member's reply]": lambda u, w: p.can_edit_post(u, w.banned_reply),
    "can_edit_post[official answer]": lambda u, w: p.can_edit_post(u, w.official),
    "can_view_history[reply]": lambda u, w: p.can_view_history(u, w.reply),
    "can_accept[visible thread]": lambda u, w: p.can_accept(u, w.thread),
    "can_accept[held thread]": lambda u, w: p.can_accept(u, w.held_thread),
    "can_mark_official[any]": lambda u, w: p.can_mark_official(u),
    "can_mark_official[reply]": lambda u, w: p.can_mark_official(u, w.reply),
    "can_mark_official[question]": lambda u, w: p.can_mark_official(u, w.question),
    "can_mark_official[held reply]": lambda u, w: p.can_mark_official(u, w.held_reply),
    "can_promote[official answer]": lambda u, w: p.can_promote(u, w.official),
    "can_promote[other reply]": lambda u, w: p.can_promote(u, w.reply),
    "can_vote[reply]": lambda u, w: p.can_vote(u, w.reply),
    "can_vote[official answer]": lambda u, w: p.can_vote(u, w.official),
    "can_vote[question]": lambda u, w: p.can_vote(u, w.question),
    "can_vote[held reply]": lambda u, w: p.can_vote(u, w.held_reply),
    "can_me_too[visible thread]": lambda u, w: p.can_me_too(u, w.thread),
    "can_me_too[held thread]": lambda u, w: p.can_me_too(u, w.held_thread),
    "can_subscribe": lambda u, w: p.can_subscribe(u),
    "can_report[reply]": lambda u, w: p.can_report(u, w.reply),
    "can_report[question]": lambda u, w: p.can_report(u, w.question),
    "can_report[hidden reply]": lambda u, w: p.can_report(u, w.hidden_reply),
    "can_view_staff_queue": lambda u, w: p.can_view_staff_queue(u),
    "can_moderate": lambda u, w: p.can_moderate(u),
    "can_ban[member]": lambda u, w: p.can_ban(u, _fresh(w.member)),
    "can_ban[new member]": lambda u, w: p.can_ban(u, _fresh(w.new_member)),
    "can_ban[self]": lambda u, w: p.can_ban(u, w.me(u)),
    "can_ban[moderator]": lambda u, w: p.can_ban(u, _fresh(w.moderator)),
    "can_ban[support]": lambda u, w: p.can_ban(u, _fresh(w.support)),
    "can_ban[superuser]": lambda u, w: p.can_ban(u, _fresh(w.superuser)),
    "can_edit_profile[own]": lambda u, w: p.can_edit_profile(u, w.me(u).forum_profile),
    "can_edit_profile[member's]": lambda u, w: p.can_edit_profile(u, w.member.forum_profile),
}


@pytest.fixture(scope="module")
def _world_built(django_db_setup, django_db_blocker) -> World:
    """Built once for the module's ~500 tests: each runs in a savepoint inside it, and what
    one changes in the database is rolled back after it."""
    from tests.conftest import built_once_for_the_module

    with built_once_for_the_module(django_db_blocker, _build_world) as world:
        yield world


@pytest.fixture
def world(_world_built, db) -> World:
    """The module's world, in copies of its own: what a test changes on an object in memory
    (a user made inactive) stays in that test."""
    fields = {
        field.name: copy.copy(getattr(_world_built, field.name))
        for field in dataclasses.fields(World)
    }
    fields["users"] = {actor: copy.copy(user) for actor, user in _world_built.users.items()}
    return World(**fields)


def test_the_table_covers_every_check_and_every_can_function():
    assert CHECKS.keys() == EXPECTED.keys()
    assert all(allowed <= EVERYONE for allowed in EXPECTED.values())
    functions = {name for name in dir(permissions) if name.startswith("can_")}
    assert {check.split("[")[0] for check in EXPECTED} == functions


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("check", list(EXPECTED))
def test_permission_matrix(world, check, actor):
    allowed = CHECKS[check](world.users[actor], world)
    assert allowed is (actor in EXPECTED[check]), (
        f"{check} for {actor}: expected {actor in EXPECTED[check]}, got {allowed}"
    )


@pytest.mark.parametrize("actor", sorted(SIGNED_IN))
def test_an_inactive_account_may_do_only_what_a_visitor_may(world, actor):
    """A deactivated account, whatever role or objects it has, is no more than anonymous."""
    user = world.users[actor]
    user.is_active = False
    user.save(update_fields=["is_active"])
    world.users[actor] = _fresh(user)

    wrong = [
        check
        for check in EXPECTED
        if CHECKS[check](world.users[actor], world) is not ("anonymous" in EXPECTED[check])
    ]
    assert wrong == []
    assert not permissions.is_team(world.users[actor])


# --- is_new_member ----------------------------------------------------------------------


@pytest.fixture
def posts_needed(settings) -> int:
    """The post-count rule switched on (tests/forum/conftest.py turns it off for the rest of
    the forum tests): this many visible posts make an old account trusted."""
    settings.FORUM_NEW_MEMBER_POSTS = 3
    return settings.FORUM_NEW_MEMBER_POSTS


def _posts(user, count: int, visibility=Visibility.VISIBLE):
    thread = ThreadFactory(author=UserFactory())
    for _ in range(count):
        PostFactory(thread=thread, author=user, visibility=visibility)


def test_a_new_account_is_a_new_member_even_with_enough_posts(db, posts_needed):
    user = NewMemberFactory()
    _posts(user, posts_needed + 1)

    assert permissions.is_new_member(user)


def _joined(days: float):
    return UserFactory(date_joined=timezone.now() - timedelta(days=days))


def test_an_account_short_of_established_with_too_few_posts_is_a_new_member(
    db, posts_needed, settings
):
    user = _joined(settings.FORUM_ESTABLISHED_DAYS - 1)
    _posts(user, posts_needed - 1)
    # Held and hidden posts are not approved ones.
    _posts(user, posts_needed, visibility=Visibility.HELD)
    _posts(user, posts_needed, visibility=Visibility.HIDDEN)

    assert permissions.is_new_member(user)
    assert permissions.is_new_member(_joined(settings.FORUM_ESTABLISHED_DAYS - 1))  # no posts


def test_an_account_with_enough_posts_is_not_a_new_member(db, posts_needed, settings):
    user = _joined(settings.FORUM_NEW_MEMBER_DAYS + 1)
    _posts(user, posts_needed)

    assert not permissions.is_new_member(user)


def test_an_account_established_by_age_is_not_new_even_without_posts(db, posts_needed, settings):
    """A customer of years who asks for the first time is not held (the 800-day member
    whose first question waited): age alone counts from FORUM_ESTABLISHED_DAYS on."""
    days = settings.FORUM_ESTABLISHED_DAYS
    assert permissions.is_new_member(_joined(days - 0.01))
    assert not permissions.is_new_member(_joined(days + 0.01))
    assert not permissions.is_new_member(_joined(800))


def test_recent_moderation_makes_an_established_member_new_again(db, posts_needed, settings):
    """A post of theirs hidden (still hidden) or rejected, or a ban lifted, within
    FORUM_NEW_MEMBER_MODERATION_DAYS: their posts wait again. Older ones do not count,
    nor a hidden post a moderator restored."""
    from forum import services
    from forum.models import ModerationLog

    moderator = in_group(UserFactory(), "Forum moderators")
    member = _joined(800)
    _posts(member, posts_needed)
    post = PostFactory(thread=ThreadFactory(), author=member)
    services.post_hide(post=post, by=moderator, reason="Spam link")
    assert permissions.is_new_member(member)

    services.post_restore(post=post, by=moderator, reason="A mistake")
    assert not permissions.is_new_member(member)

    services.post_hide(post=post, by=moderator, reason="Spam link")
    long_ago = timezone.now() - timedelta(days=settings.FORUM_NEW_MEMBER_MODERATION_DAYS + 1)
    ModerationLog.objects.filter(post=post).update(created_at=long_ago)
    assert not permissions.is_new_member(member)

    services.user_ban(user=member, by=moderator, reason="Abuse")
    services.user_unban(user=member, by=moderator, reason="Appeal granted")
    assert permissions.is_new_member(member)


@pytest.mark.django_db
def test_who_is_on_the_team_is_one_rule_for_a_user_and_for_a_list():
    """``permissions.is_team`` (one user) and ``permissions.team_q`` (lists: staff badges,
    names nobody else may take) must never disagree."""
    from django.contrib.auth.models import Permission

    from forum import permissions, selectors

    direct = UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="give_official_answers"))
    people = {
        "superuser": UserFactory(is_superuser=True),
        "moderator": in_group(UserFactory(), "Forum moderators"),
        "support": in_group(UserFactory(), "Support staff"),
        "direct permission": direct,
        "member": UserFactory(),
        "Django staff flag only": UserFactory(is_staff=True),
        "inactive support": in_group(UserFactory(is_active=False), "Support staff"),
    }
    listed = selectors.team_member_ids(u.pk for u in people.values())
    for name, user in people.items():
        fresh = type(user).objects.get(pk=user.pk)  # no cached permissions
        assert permissions.is_team(fresh) == (user.pk in listed), name
    assert listed == {
        people[n].pk for n in ("superuser", "moderator", "support", "direct permission")
    }

"""Demo forum: a board per knowledge base topic plus "General", the shop's support agent and
a moderator, customers who write in en, tr and de, and a few weeks of threads
(``forum/demo_content/threads.json``): solved ones, official answers, unanswered questions,
"me too"s and votes, one post waiting for a moderator and one open report.

Everything goes through ``forum.services``, as on the site, so counts, subscriptions,
visibility and the moderation log come out as they would. The forum's rules apply too: the
first posts of a member younger than FORUM_ESTABLISHED_DAYS wait for a moderator, and new
members may post once a minute. So each customer in the demo writes one post (as most forum
members do); the demo moderator approves those that wait, as on the site, and the one from
the brand-new member is left waiting. The team
(support staff, moderators) is neither held nor limited. ``check()`` holds the content to
these rules. Afterwards the dates are moved into the past, spread over the last weeks.

Idempotent: a thread is found by its translation key (derived from its content key) and
language, a member by e-mail address, a board by slug; what exists is left as it is.
"""

import json
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from forum import permissions, services
from forum.models import (
    Board,
    BoardTranslation,
    MeToo,
    ModerationLog,
    Post,
    Profile,
    Report,
    Subscription,
    Thread,
    Vote,
)
from forum.models.threads import Visibility
from forum.services._common import lock_thread, recount_thread

CONTENT_FILE = Path(__file__).resolve().parent / "demo_content" / "threads.json"
LANGUAGES = ("en", "tr", "de")
NAMESPACE = uuid.UUID("3c0b8f4e-2a7d-4f61-8e15-9d4a6b2c7e30")
SUPPORT, MODERATORS = "Support staff", "Forum moderators"
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


def key_for(thread_key: str) -> uuid.UUID:
    """The translation key of a demo thread (shared by its translations)."""
    return uuid.uuid5(NAMESPACE, f"forum:{thread_key}")


def duration(text: str) -> timedelta:
    """``"16d2h"``, ``"3h30m"``, ``"50m"``: how long ago, or how long after."""
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"not a duration like 3d4h30m: {text!r}")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def content() -> dict:
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))


def load(command) -> None:
    data = content()
    problems = check(data)
    if problems:
        raise ValueError(f"{CONTENT_FILE.name}: " + "; ".join(problems))
    now = timezone.now()
    boards = {board["slug"]: _ensure_board(board) for board in data["boards"]}
    members, created = _ensure_members(data["members"], now)
    moderator = next(members[m["key"]] for m in data["members"] if m.get("group") == MODERATORS)
    with tqdm(total=len(data["threads"]), desc="  threads", file=command.stdout) as progress:
        for thread in data["threads"]:
            _ensure_thread(thread, boards, members, moderator, now)
            progress.update()
    _report(command, data, created)


# --- content rules ---------------------------------------------------------------------------


def check(data: dict) -> list[str]:
    """What is wrong with the demo content (an empty list when nothing is)."""
    problems: list[str] = []
    boards = {b["slug"] for b in data["boards"]}
    for board in data["boards"]:
        if any(not board.get(code, {}).get("name") for code in LANGUAGES):
            problems.append(f"board {board['slug']} needs a name in {', '.join(LANGUAGES)}")
    members = {m["key"]: m for m in data["members"]}
    if len(members) != len(data["members"]):
        problems.append("member keys must be unique")
    if len({m["email"].lower() for m in data["members"]}) != len(data["members"]):
        problems.append("member e-mail addresses must be unique")
    for group in (SUPPORT, MODERATORS):
        if not any(m.get("group") == group for m in data["members"]):
            problems.append(f"no member in {group!r}")
    for member in data["members"]:
        problems += _duration_problems(member["joined"], f"member {member['key']}")
        if member.get("group") not in (None, SUPPORT, MODERATORS):
            problems.append(f"member {member['key']}: unknown group {member['group']!r}")

    keys = [t["key"] for t in data["threads"]]
    if len(set(keys)) != len(keys):
        problems.append("thread keys must be unique")
    versions = [(t.get("translation_of") or t["key"], t["language"]) for t in data["threads"]]
    if len(set(versions)) != len(versions):
        problems.append("a thread may have one translation per language")
    posts_by: dict[str, int] = {}
    for thread in data["threads"]:
        problems += _thread_problems(thread, boards, members, set(keys))
        for author in [thread["author"], *(r["author"] for r in thread.get("replies", []))]:
            posts_by[author] = posts_by.get(author, 0) + 1
    for key, count in posts_by.items():
        if key in members and not members[key].get("group") and count > 1:
            # New members post once a minute, and stay new until their posts are approved.
            problems.append(f"member {key} writes {count} posts; customers write one each")
    return problems


def _thread_problems(thread: dict, boards: set, members: dict, keys: set) -> list[str]:
    where = f"thread {thread['key']}"
    problems = _duration_problems(thread["ago"], where)
    if thread["language"] not in LANGUAGES:
        problems.append(f"{where}: unknown language {thread['language']!r}")
    if thread["board"] not in boards:
        problems.append(f"{where}: unknown board {thread['board']!r}")
    if thread.get("translation_of", thread["key"]) not in keys:
        problems.append(f"{where}: translation of an unknown thread")
    replies = thread.get("replies", [])
    people = [thread["author"], *thread.get("me_too", [])]
    for reply in replies:
        people += [reply["author"], *reply.get("helpful", [])]
        if "report" in reply:
            people.append(reply["report"]["by"])
    problems += [f"{where}: unknown member {key!r}" for key in people if key not in members]
    if problems:
        return problems
    if thread.get("held") and replies:
        problems.append(f"{where}: a held question cannot have replies yet")
    if thread["author"] in thread.get("me_too", []):
        problems.append(f"{where}: the asker cannot say 'me too'")
    asked = duration(thread["ago"])
    previous = timedelta(0)
    for number, reply in enumerate(replies):
        problems += _duration_problems(reply["after"], f"{where} reply {number}")
        if problems:
            continue
        after = duration(reply["after"])
        if not previous <= after < asked:
            problems.append(f"{where} reply {number}: must come after the one before, and by now")
        previous = after
        if reply["author"] in reply.get("helpful", []):
            problems.append(f"{where} reply {number}: authors cannot vote for themselves")
        report = reply.get("report")
        if report and (report["by"] == reply["author"] or not report.get("reason")):
            problems.append(f"{where} reply {number}: a report needs another member and a reason")
    for field in ("official", "accepted"):
        if field in thread and not 0 <= thread[field] < len(replies):
            problems.append(f"{where}: {field} is not the index of a reply")
    if "official" in thread and 0 <= thread["official"] < len(replies):
        author = members[replies[thread["official"]]["author"]]
        if author.get("group") != SUPPORT:
            problems.append(f"{where}: official answers come from support staff")
    return problems


def _duration_problems(text: str, where: str) -> list[str]:
    try:
        duration(text)
    except ValueError as exc:
        return [f"{where}: {exc}"]
    return []


# --- boards and members ----------------------------------------------------------------------


def _ensure_board(data: dict) -> Board:
    board = Board.objects.filter(slug=data["slug"]).first()
    if board is not None:
        return board
    board = Board.objects.create(
        slug=data["slug"],
        name=data["en"]["name"],
        description=data["en"].get("description", ""),
        topic=_topic(data["topic"]),
        sort_order=data["order"],
    )
    for code in LANGUAGES[1:]:
        BoardTranslation.objects.create(
            board=board,
            language=code,
            name=data[code]["name"],
            description=data[code].get("description", ""),
        )
    return board


def _topic(content_key: str | None):
    """The English topic page the knowledge base demo made for this content key."""
    if not content_key:
        return None
    from kb.demo import key_for as page_key_for
    from kb.models import TopicPage

    return TopicPage.objects.filter(
        translation_key=page_key_for(content_key), locale__language_code="en"
    ).first()


def _ensure_members(data: list[dict], now) -> tuple[dict, list[dict]]:
    User = get_user_model()
    created = []
    password = None
    for member in data:
        if User.objects.filter(email__iexact=member["email"]).exists():
            continue
        joined = now - duration(member["joined"])
        user = User(
            username=member["email"],
            email=member["email"],
            date_joined=joined,
            # Only staff accounts may carry the team's reserved names ("Support", ...).
            is_staff=bool(member.get("group")),
        )
        if settings.DEBUG:
            # On a developer's machine every demo member signs in like the admin does.
            from site_config.demo import DEV_ADMIN_PASSWORD

            password = password or make_password(DEV_ADMIN_PASSWORD)
            user.password = password
        else:
            user.set_unusable_password()
        user.save()
        if member.get("group"):
            user.groups.add(Group.objects.get(name=member["group"]))
        EmailAddress.objects.create(user=user, email=member["email"], verified=True, primary=True)
        profile = services.profile_create(
            user=user, display_name=member["name"], language=member["language"]
        )
        Profile.objects.filter(pk=profile.pk).update(created_at=joined, updated_at=joined)
        created.append(member)
    # Fresh from the database: permissions are cached per user object.
    by_email = {
        user.email.lower(): user
        for user in User.objects.filter(email__in=[m["email"] for m in data]).select_related(
            "forum_profile"
        )
    }
    return {m["key"]: by_email[m["email"].lower()] for m in data}, created


# --- threads ---------------------------------------------------------------------------------


def _ensure_thread(data: dict, boards: dict, members: dict, moderator, now) -> None:
    translation_key = key_for(data.get("translation_of") or data["key"])
    if Thread.objects.filter(translation_key=translation_key, language=data["language"]).exists():
        return
    asker = members[data["author"]]
    asked_at = now - duration(data["ago"])
    _allowed(permissions.can_post(asker), data, "ask")
    with _posting(data, data["author"]):
        thread = services.thread_create(
            board=boards[data["board"]],
            author=asker,
            title=data["title"],
            body=data["body"],
            language=data["language"],
            tags=data.get("tags", ()),
        )
    Thread.objects.filter(pk=thread.pk).update(translation_key=translation_key)
    question = thread.posts.get(is_question=True)
    if not data.get("held"):
        _approve(question, moderator)
    thread.refresh_from_db()

    replies = []
    for reply in data.get("replies", []):
        author = members[reply["author"]]
        _allowed(permissions.can_reply(author, thread), data, "reply")
        with _posting(data, reply["author"]):
            post = services.reply_create(thread=thread, author=author, body=reply["body"])
        _approve(post, moderator)
        replies.append((post, asked_at + duration(reply["after"])))

    if "official" in data:
        post = replies[data["official"]][0]
        support = members[data["replies"][data["official"]]["author"]]
        _allowed(permissions.can_mark_official(support, post), data, "mark official")
        services.reply_mark_official(reply=post, by=support)
    if "accepted" in data:
        _allowed(permissions.can_accept(asker, thread), data, "accept")
        services.reply_accept(reply=replies[data["accepted"]][0], by=asker)
    for (post, _at), reply in zip(replies, data.get("replies", []), strict=True):
        for key in reply.get("helpful", []):
            _allowed(permissions.can_vote(members[key], post), data, "vote")
            services.reply_vote(reply=post, user=members[key], value=Vote.HELPFUL)
        if report := reply.get("report"):
            reporter = members[report["by"]]
            _allowed(permissions.can_report(reporter, post), data, "report")
            services.post_report(
                post=post, reporter=reporter, reason=report["reason"], note=report.get("note", "")
            )
    for key in data.get("me_too", []):
        _allowed(permissions.can_me_too(members[key], thread), data, "say me too")
        services.thread_me_too(thread=thread, user=members[key], on=True)

    _backdate(thread, data, (question, asked_at), replies, now)


def _allowed(allowed: bool, data: dict, action: str) -> None:
    """The demo does only what the forum would let these members do."""
    if not allowed:
        raise PermissionError(f"demo thread {data['key']}: the member may not {action}")


@contextmanager
def _posting(data: dict, member_key: str):
    """Says which demo member ran into the posting limits, and what to do about it."""
    try:
        yield
    except services.PostingLimited as exc:
        raise RuntimeError(
            f"demo thread {data['key']}, member {member_key}: {exc} (the limits are counted "
            "in the cache: wait a minute and run load_demo again)"
        ) from exc


def _approve(post: Post, moderator) -> None:
    """A member's first posts wait for a moderator; the demo moderator lets them through."""
    if post.visibility == Visibility.HELD:
        services.post_approve(post=post, by=moderator)


def _backdate(thread: Thread, data: dict, question: tuple, replies: list, now) -> None:
    """Move the thread's posts, votes, "me too"s, reports, watchers and moderation log into
    the past, where the content file puts them, then recount the thread from its posts."""
    latest = now - timedelta(minutes=1)
    question_post, asked_at = question
    Thread.objects.filter(pk=thread.pk).update(created_at=asked_at)
    watching_since = {}
    for number, (post, posted_at) in enumerate([question, *replies]):
        Post.objects.filter(pk=post.pk).update(created_at=posted_at)
        watching_since.setdefault(post.author_id, posted_at)
        ModerationLog.objects.filter(post=post, action=ModerationLog.Action.APPROVE).update(
            created_at=min(posted_at + timedelta(minutes=25), latest)
        )
        if number == 0:
            continue
        reply = data["replies"][number - 1]
        for n, vote in enumerate(Vote.objects.filter(post=post).order_by("pk")):
            voted_at = posted_at + timedelta(hours=2 + 5 * n)
            Vote.objects.filter(pk=vote.pk).update(created_at=min(voted_at, latest))
        if "report" in reply:
            reported_at = posted_at + duration(reply["report"]["after"])
            Report.objects.filter(post=post).update(created_at=min(reported_at, latest))
    for user_id, since in watching_since.items():
        Subscription.objects.filter(thread=thread, user_id=user_id).update(created_at=since)
    for n, me_too in enumerate(MeToo.objects.filter(thread=thread).order_by("pk")):
        said_at = asked_at + timedelta(hours=3 + 7 * n)
        MeToo.objects.filter(pk=me_too.pk).update(created_at=min(said_at, latest))
    if "official" in data:
        _post, answered_at = replies[data["official"]]
        ModerationLog.objects.filter(thread=thread, action=ModerationLog.Action.OFFICIAL).update(
            created_at=min(answered_at + timedelta(minutes=10), latest)
        )
    with transaction.atomic():
        recount_thread(lock_thread(thread.pk))


# --- summary ---------------------------------------------------------------------------------


def demo_threads(data: dict | None = None):
    """The demo's threads (those that exist)."""
    data = data or content()
    match = Q(pk__in=[])
    for thread in data["threads"]:
        key = key_for(thread.get("translation_of") or thread["key"])
        match |= Q(translation_key=key, language=thread["language"])
    return Thread.objects.filter(match)


def _report(command, data: dict, created: list[dict]) -> None:
    threads = demo_threads(data)
    boards = Board.objects.filter(slug__in=[b["slug"] for b in data["boards"]]).count()
    held = Post.objects.filter(thread__in=threads, visibility=Visibility.HELD).count()
    reports = Report.objects.filter(post__thread__in=threads, resolved_at__isnull=True).count()
    command.stdout.write(
        f"  forum: {_count(boards, 'board')}, {_count(threads.count(), 'thread')}, "
        f"{_count(held, 'held post')}, {_count(reports, 'open report')}"
    )
    team = [m for m in created if m.get("group")]
    if settings.DEBUG and team:
        names = ", ".join(f"{m['email']} ({m['group']})" for m in team)
        command.stdout.write(f"  forum team: {names}; members use the admin's password")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

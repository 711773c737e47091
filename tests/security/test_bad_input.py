"""Careless and hostile input gets a clear answer, never a 500, and breaks nothing for
anyone else: every POST endpoint and every address with an id, sent the values an attack
run used (huge and Unicode digits, control characters, other encodings, huge bodies).

The POST endpoints and their addresses are the CSRF suite's (``test_csrf``), which fails
when a new endpoint is not listed there, so a new form is covered here too.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forum import services
from forum.models import Thread
from tests.factories import BoardFactory, PostFactory, ThreadFactory, UserFactory, in_group
from tests.security.test_csrf import (  # noqa: F401 - world is a fixture
    POST_ENDPOINTS,
    _csrf_client,
    world,
)

pytestmark = pytest.mark.django_db

CONTROL = "\x01\x07\x08\x1b\x7f\x85"
HOSTILE_VALUES = {
    "twenty digits": "9" * 20,
    "superscript two": "²",
    "Arabic-Indic three": "٣",
    "negative": "-1",
    "zero": "0",
    "float": "1e3",
    "null byte": "a\x00b",
    "control characters": f"Title{CONTROL}with controls",
    "huge": "x" * 200_000,
    "Turkish and German casing": "İSTANBUL ıi ß ẞ",
    "markup": "<script>alert(1)</script>",
    "SQL": "' OR 1=1 --",
    "empty": "",
}
# Every field name our forms, allauth's and the actions read.
FIELDS = [
    "body",
    "title",
    "reason",
    "id",
    "action",
    "display_name",
    "language",
    "board",
    "tags",
    "helpful",
    "comment",
    "email",
    "password",
    "password1",
    "password2",
    "login",
    "q",
    "value",
    "vote",
    "note",
    "target",
    "thread",
    "kind",
    "quote",
    "next",
    "days",
    "until",
    "notify",
    "official",
    "code",
    "key",
    "oldpassword",
    "remember",
    "altcha",
]


def _no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(HOSTILE_VALUES))
def test_every_post_endpoint_answers_hostile_values_without_a_server_error(world, name):  # noqa: F811
    value = HOSTILE_VALUES[name]
    client = Client()
    for endpoint, address in sorted(POST_ENDPOINTS.items()):
        client.force_login(world["boss"])  # the most permissions: the most code paths
        response = client.post(address(world), dict.fromkeys(FIELDS, value))
        _no_server_error(response, f"{endpoint} with {name}")


@pytest.mark.parametrize(
    "content_type, body",
    [
        (
            "application/x-www-form-urlencoded; charset=latin-1",
            "body=caf\xe9&id=1".encode("latin-1"),
        ),
        ("application/x-www-form-urlencoded; charset=utf-16", "body=x".encode("utf-16")),
        ("application/x-www-form-urlencoded; charset=klingon", b"body=x"),
        ("application/x-www-form-urlencoded", b"body=\xff\xfe\xfa&id=\xc3"),
        ("multipart/form-data; boundary=nope", b"--nope\r\nbroken"),
        ("application/json", b'{"body": '),
        ("text/plain", b"\x00" * 1000),
    ],
)
def test_every_post_endpoint_answers_a_body_in_another_encoding(world, content_type, body):  # noqa: F811
    client, token = _csrf_client()  # as a browser's request: CSRF checked
    body = body.replace(b"body=", f"csrfmiddlewaretoken={token}&body=".encode())
    for endpoint, address in sorted(POST_ENDPOINTS.items()):
        client.force_login(world["boss"])
        for headers in ({}, {"HTTP_X_CSRFTOKEN": token}):
            response = client.generic(
                "POST", address(world), body, content_type=content_type, **headers
            )
            _no_server_error(response, f"{endpoint} with {content_type} {headers}")


def _id_patterns(resolver=None, prefix=""):
    """(route, parameter names) of every pattern of ours with an <id:...>."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _id_patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern) and "<id:" in route:
            yield entry.name, prefix + route


def _address(route: str, value: str) -> str:
    import re

    path = re.sub(r"<id:\w+>", value, route)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    return "/" + path.lstrip("^").replace("^", "").replace("$", "")


def test_every_address_with_an_id_answers_404_for_an_id_no_key_can_have(world):  # noqa: F811
    """Our own view answers, with a 404: an id that is no match would fall through to a
    later pattern (Wagtail's unguarded password views sit behind ours)."""
    from django.urls import Resolver404, resolve

    routes = dict(_id_patterns())
    assert {"thread", "member", "video_file", "edit", "feedback"} <= set(routes)
    client = Client()
    client.force_login(world["boss"])
    for name, route in sorted(routes.items()):
        for value in ("9" * 20, "9" * 19, "0", "0" * 18 + "12", "0" * 30 + "12"):
            address = _address(route, value)
            try:  # ours, or no view: never a library's view behind ours
                func = resolve(address).func
            except Resolver404:
                func = None
            where = f"{getattr(func, '__module__', '')}.{getattr(func, '__name__', '')}"
            # Wagtail's page serving answers "no such page"; its password forms would
            # take guesses without our limit.
            assert "authenticate_with_password" not in where, (address, where)
            for method in ("get", "post"):
                response = getattr(client, method)(address)
                assert response.status_code in (302, 404, 405), (name, address, method)
    # Unicode digits never reach a view: the route does not match.
    assert client.get("/en/forum/t/²/").status_code == 404
    assert client.get("/en/forum/u/٣/").status_code == 404


def test_a_query_string_too_long_to_read_is_a_400_not_a_500(client, help_center):
    query = "&".join(f"f{n}=1" for n in range(1_100))  # more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    for path in ("/en/", "/en/search/", "/en/forum/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert "could not read that request" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "٣", "9" * 20, "-1", "1e3", ""])
def test_ids_and_numbers_in_query_strings_and_forms_are_read_one_way(world, value):  # noqa: F811
    client = Client()
    client.force_login(world["boss"])
    thread, reply = world["thread"], world["reply"]
    reply_form = client.get(reverse("forum:reply", kwargs={"pk": thread.pk}), {"quote": value})
    assert reply_form.status_code in (200, 404)
    response = client.post(reverse("forum:notifications"), {"id": value})
    assert response.status_code == 302
    for query in ({"page": value}, {"t": value}, {"from": value, "to": value}):
        _no_server_error(client.get(world["article"].url, query), f"article {query}")
    _no_server_error(client.get(reverse("search:search"), {"q": "x", "page": value}), "search")
    _no_server_error(client.get(reverse("forum:index"), {"page": value}), "forum")
    _no_server_error(client.get(reverse("forum:notifications"), {"page": value}), "notes")
    assert reply.pk  # nothing above may delete or change it


# --- control characters ------------------------------------------------------------------


def test_control_characters_never_reach_a_stored_title_or_body(client):
    board = BoardFactory()
    client.force_login(UserFactory())
    client.post(
        reverse("forum:ask"),
        {
            "title": f"Where is{CONTROL} my parcel?",
            "body": f"Tracking{CONTROL} stopped.\nSecond line\tindented.",
            "board": board.pk,
            "language": "en",
        },
    )
    thread = Thread.objects.get()
    assert thread.title == "Where is my parcel?"
    assert thread.posts.get().body == "Tracking stopped.\nSecond line\tindented."


def _parses_as_xml(response) -> None:
    assert response.status_code == 200
    from defusedxml import ElementTree

    ElementTree.fromstring(response.content)  # raises on anything XML cannot hold


def test_the_official_answers_feed_answers_whatever_the_stored_text(settings):
    """Text stored before the input was cleaned, or by another path (the admin, an import)
    cannot break the feed for everyone."""
    settings.FORUM_NEW_MEMBER_POSTS = 0
    thread = ThreadFactory(title=f"Broken{CONTROL} title", language="en")
    reply = PostFactory(thread=thread, body=f"An answer{CONTROL}.")
    staff = in_group(UserFactory(), "Support staff")
    services.reply_mark_official(reply=reply, by=staff)
    Thread.objects.filter(pk=thread.pk).update(title=f"Broken{CONTROL} title")
    response = Client().get(reverse("forum:official_feed"))
    _parses_as_xml(response)
    assert b"Broken title" in response.content

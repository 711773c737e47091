"""The contact form's proof of work (site_config/proof_of_work.py): a challenge solved for
real (with the altcha library, as the page's script does with Web Crypto) counts once and
only until it expires; anything else a client sends is refused without an error, and the
form comes back with everything the customer typed. Without JavaScript the form still
works, under tighter limits. And a message full of links is refused as spam."""

import base64
import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from site_config import proof_of_work
from support.models import Request
from tests.factories import proof_of_work_solution

pytestmark = pytest.mark.django_db

TYPED = {
    "subject": "Mein Paket ist nicht angekommen",
    "body": "Ürün İADE edildi,\nİstanbul'dan gönderdim. <b>Danke</b>",
    "email": "kunde@example.com",
    "order_number": "NL-1234567",
}


def _post(client, **fields):
    with translation.override("en"):
        url = reverse("support:contact")
    return client.post(url, {"visit": "", "website": "", **TYPED, **fields})


def _decoded(payload: str) -> dict:
    return json.loads(base64.b64decode(payload))


def _encoded(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def _kept_everything(page: str) -> None:
    assert 'value="Mein Paket ist nicht angekommen"' in page
    assert html.escape(TYPED["body"]) in page  # the message, as written, line break and all
    assert 'value="kunde@example.com"' in page and 'value="NL-1234567"' in page


def _embedded_challenge(page: str) -> dict:
    found = re.search(r'<input[^>]*name="altcha"[^>]*>', page).group(0)
    assert "value=" not in found  # a solution is never sent back: it counts once
    return json.loads(html.unescape(re.search(r'data-proof-of-work="([^"]+)"', found).group(1)))


def test_a_solved_challenge_counts_once():
    solution = proof_of_work_solution()
    assert proof_of_work.verify(solution, scope="contact")
    assert not proof_of_work.verify(solution, scope="contact")


def test_a_solution_sent_twice_makes_one_request_and_the_second_keeps_its_text(client, help_center):
    solution = proof_of_work_solution()
    assert _post(client, altcha=solution).status_code == 302
    again = _post(client, altcha=solution, email="other@example.com")
    page = again.content.decode()
    assert again.status_code == 200
    assert "its check against automated messages had run out" in page
    _kept_everything(page.replace("other@example.com", "kunde@example.com"))
    assert Request.objects.count() == 1


def test_an_expired_challenge_is_refused(client, help_center, settings):
    settings.PROOF_OF_WORK_SECONDS = -1
    expired = proof_of_work_solution()
    assert not proof_of_work.verify(expired, scope="contact")
    page = _post(client, altcha=proof_of_work_solution()).content.decode()
    assert "its check against automated messages had run out" in page
    assert not Request.objects.exists()


def test_a_challenge_signed_with_another_key_or_for_another_form_is_refused(settings):
    settings.PROOF_OF_WORK_HMAC_KEY = "another site's key"
    foreign = proof_of_work_solution()
    settings.PROOF_OF_WORK_HMAC_KEY = ""
    assert not proof_of_work.verify(foreign, scope="contact")
    assert not proof_of_work.verify(proof_of_work_solution(scope="signup"), scope="contact")


def _tampered():
    """Valid payloads with one thing changed after solving."""
    changes = {
        "counter plus one": lambda d: d["solution"].update(counter=d["solution"]["counter"] + 1),
        "counter as text": lambda d: d["solution"].update(counter=str(d["solution"]["counter"])),
        "counter true": lambda d: d["solution"].update(counter=True),
        "counter negative": lambda d: d["solution"].update(counter=-1),
        "counter huge": lambda d: d["solution"].update(counter=10**400),
        "counter float": lambda d: d["solution"].update(counter=1.5),
        "derived key not hex": lambda d: d["solution"].update(derivedKey="zz" * 32),
        "derived key missing": lambda d: d["solution"].pop("derivedKey"),
        "later expiry": lambda d: d["challenge"]["parameters"].update(expiresAt=2**40),
        "expiry as text": lambda d: d["challenge"]["parameters"].update(expiresAt="never"),
        "no expiry": lambda d: d["challenge"]["parameters"].pop("expiresAt"),
        "easier prefix": lambda d: d["challenge"]["parameters"].update(keyPrefix="0"),
        "other algorithm": lambda d: d["challenge"]["parameters"].update(algorithm="SHA-1"),
        "other scope": lambda d: d["challenge"]["parameters"].update(data={"scope": "x"}),
        "nonce not hex": lambda d: d["challenge"]["parameters"].update(nonce="\x00" * 32),
        "no signature": lambda d: d["challenge"].pop("signature"),
        "signature a number": lambda d: d["challenge"].update(signature=7),
        "parameters a list": lambda d: d["challenge"].update(parameters=[1, 2]),
    }
    for name, change in changes.items():
        data = _decoded(proof_of_work_solution())
        change(data)
        yield pytest.param(_encoded(data), id=name)


GARBAGE = [
    pytest.param("", id="empty"),
    pytest.param("x", id="one letter"),
    pytest.param("====", id="padding"),
    pytest.param("not base64 at all!", id="not base64"),
    pytest.param("eyJh\x00IjoxfQ==", id="NUL byte"),
    pytest.param("İSTANBUL ıi ß ẞ", id="Unicode"),
    pytest.param(base64.b64encode(b"\xff\xfe\x00garbage").decode(), id="base64 of bytes"),
    pytest.param(_encoded([1, 2, 3]), id="a list"),
    pytest.param(_encoded(7), id="a number"),
    pytest.param(_encoded(None), id="null"),
    pytest.param(_encoded("text"), id="a string"),
    pytest.param(_encoded({"challenge": 1, "solution": 2}), id="wrong types"),
    pytest.param(_encoded({"challenge": {"parameters": {}}, "solution": {}}), id="empty parts"),
    pytest.param(base64.b64encode(b"[" * 1400).decode(), id="deep nesting"),
    pytest.param("A" * 200_000, id="huge"),
    pytest.param(base64.b64encode(b'{"a": 1' + b" " * 150_000 + b"}").decode(), id="huge JSON"),
]


@pytest.mark.parametrize("garbage", [*GARBAGE, *_tampered()])
def test_garbage_is_refused_and_never_raises(garbage):
    assert proof_of_work.verify(garbage, scope="contact") is False


def test_garbage_in_the_form_is_said_plainly_and_keeps_what_was_typed(client, help_center):
    for garbage in ("not base64 at all!", "A" * 200_000, _encoded({"challenge": 1})):
        response = _post(client, altcha=garbage)
        page = response.content.decode()
        assert response.status_code == 200
        assert "its check against automated messages had run out" in page
        _kept_everything(page)
        _embedded_challenge(page)  # a fresh one, for the script to solve again
    assert not Request.objects.exists()


def test_the_challenge_embedded_in_the_page_is_the_one_to_solve(client, help_center):
    page = client.get("/en/contact/", {"subject": "refund", "visit": "e" * 32}).content.decode()
    challenge = _embedded_challenge(page)
    assert 'src="/static/js/proof_of_work.js"' in page
    response = _post(client, altcha=proof_of_work_solution(challenge))
    assert response.status_code == 302 and Request.objects.count() == 1


def test_a_page_open_too_long_fetches_a_fresh_challenge(client):
    response = client.get(reverse("support:challenge"))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    challenge = response.json()
    assert proof_of_work.verify(proof_of_work_solution(challenge), scope="contact")
    assert client.post(reverse("support:challenge")).status_code in (403, 405)


def test_without_javascript_the_form_is_taken_under_tighter_limits(client, help_center):
    """No solution at all: a customer whose browser runs no script is not turned away, but
    fewer such forms are taken from one address; past them, they are told what to do."""
    for n in range(2):
        assert _post(client, email=f"n{n}@example.com").status_code == 302
    refused = _post(client)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Please turn JavaScript on and send it again, or reach us another way" in page
    _kept_everything(page)
    assert Request.objects.count() == 2
    # With the check done, the same address may still write (under the usual limits).
    assert _post(client, email="n9@example.com", altcha=proof_of_work_solution()).status_code == 302


def test_a_message_with_too_many_links_is_refused_and_kept(client, help_center, settings):
    settings.SUPPORT_MAX_LINKS = 5
    links = " ".join(f"https://spam{n}.example/buy" for n in range(5))
    body = f"{links} and www.more.example"
    response = _post(client, body=body, altcha=proof_of_work_solution())
    page = response.content.decode()
    assert response.status_code == 200
    assert "A message may hold at most 5 web addresses" in page
    assert html.escape(body) in page
    assert not Request.objects.exists()

    five = f"{links}. Mentioning shop.example or kunde@example.com is no link."
    assert _post(client, body=five, altcha=proof_of_work_solution()).status_code == 302

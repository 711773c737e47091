"""Proof of work for public forms, with no third-party service: the ALTCHA protocol (v2, the
``altcha`` package's main API), checked here with our own key.

A form's page carries a challenge signed with ``PROOF_OF_WORK_HMAC_KEY`` (empty: a key
derived from ``SECRET_KEY``). The browser (``static/js/proof_of_work.js``) looks for the one
counter, below ``PROOF_OF_WORK_MAX_NUMBER``, whose SHA-256 hash matches the challenge, with
Web Crypto and in the background while the customer types, and sends it in a hidden field.
The server checks the signature, the expiry (``PROOF_OF_WORK_SECONDS``), the hash, and that
the challenge was not solved before: a solved challenge is remembered in the cache until it
expires (Redis in production, so every instance refuses a replay). Each challenge names the
form it is for (``scope``), so one solved for another form does not pass.

``verify`` never raises for what a client sends (broken base64, other JSON, odd types, NUL
bytes, megabytes): anything but a fresh, correct solution is False.

Without JavaScript (or without Web Crypto) there is no solution, and the form is still
accepted: turning away customers whose browser runs no script is worse than the spam it
stops. Such a form counts against a tighter rate limit instead (``support.views``), and past
it the customer is asked to turn JavaScript on or to reach the team another way, with what
they wrote kept. A solution that is present but wrong, used or expired is refused with a
message, and the form comes back with a fresh challenge.

It lives in ``site_config`` beside ``ratelimit``, not in ``support``: any public form (the
forum's, sign-up) can use it without importing from another app.
"""

import base64
import binascii
import json
import re
import secrets
import time

import altcha
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import salted_hmac

# Iterated SHA-256 with one round: a plain SHA-256, which every browser's Web Crypto has.
ALGORITHM = "SHA-256"
# A real payload is about 700 characters; anything much longer is not one.
MAX_PAYLOAD_CHARS = 2_000
_HEX_32 = re.compile(r"[0-9a-f]{32}")
_HEX_64 = re.compile(r"[0-9a-f]{64}")


def _key() -> str:
    return (
        settings.PROOF_OF_WORK_HMAC_KEY
        or salted_hmac(
            "site_config.proof_of_work", "challenge signatures", algorithm="sha256"
        ).hexdigest()
    )


def create_challenge(scope: str) -> dict:
    """A fresh signed challenge for the form ``scope``, as the browser's script reads it."""
    # The counter is drawn below the maximum and the key prefix is its hash (the library's
    # "deterministic" mode): the browser needs MAX_NUMBER / 2 hashes on average, never more
    # than MAX_NUMBER (a random key prefix would leave some customers unlucky).
    challenge = altcha.create_challenge(
        ALGORITHM,
        1,
        counter=secrets.randbelow(settings.PROOF_OF_WORK_MAX_NUMBER + 1),
        expires_at=int(time.time()) + settings.PROOF_OF_WORK_SECONDS,
        data={"scope": scope},
        hmac_secret=_key(),
    )
    return challenge.to_dict()


def _payload(text: str, scope: str) -> altcha.Payload | None:
    """The payload, if ``text`` has exactly the shape this module issues; else None."""
    try:
        data = json.loads(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, RecursionError):  # decoding and JSON errors
        return None
    if not isinstance(data, dict):
        return None
    challenge, solution = data.get("challenge"), data.get("solution")
    if not isinstance(challenge, dict) or not isinstance(solution, dict):
        return None
    parameters = challenge.get("parameters")
    if not isinstance(parameters, dict) or not isinstance(challenge.get("signature"), str):
        return None
    counter = solution.get("counter")
    well_formed = (
        parameters.get("algorithm") == ALGORITHM
        and parameters.get("data") == {"scope": scope}
        and _is_int(parameters.get("expiresAt"))
        and all(isinstance(parameters.get(k), str) for k in ("nonce", "salt", "keyPrefix"))
        and _HEX_32.fullmatch(parameters["nonce"])
        and _HEX_32.fullmatch(parameters["salt"])
        and _is_int(counter)
        and 0 <= counter <= 0xFFFFFFFF
        and isinstance(solution.get("derivedKey"), str)
        and _HEX_64.fullmatch(solution["derivedKey"])
    )
    if not well_formed:
        return None
    try:
        return altcha.Payload.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify(text, *, scope: str) -> bool:
    """Whether ``text`` solves a challenge issued for ``scope``, unexpired and never used
    before; a True answer spends it."""
    if not isinstance(text, str) or not text or len(text) > MAX_PAYLOAD_CHARS:
        return False
    payload = _payload(text, scope)
    if payload is None:
        return False
    try:
        result = altcha.verify_solution(payload, _key())
    except (TypeError, ValueError, RecursionError):  # shapes the check above let through
        return False
    if not result.verified:
        return False
    # Spent once verified (not before: garbage must not fill the cache). cache.add is atomic
    # in Redis and in local memory: of two requests with the same solution, one wins.
    seconds_left = payload.challenge.parameters.expires_at - int(time.time())
    signature = payload.challenge.signature  # 64 hex digits, verified
    return cache.add(f"pow:used:{signature}", 1, timeout=max(seconds_left, 0) + 1)


class ProofOfWorkInput(forms.HiddenInput):
    """The hidden field the script fills, carrying a fresh challenge (and where to fetch
    another once it expires). It never shows a value sent before: a solution works once."""

    def __init__(self, *, scope: str, challenge_url: str, attrs=None):
        super().__init__(attrs)
        self.scope = scope
        self.challenge_url = challenge_url

    def format_value(self, value):
        return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                # A browser going back to the page must not restore a spent solution.
                "autocomplete": "off",
                "data-proof-of-work": json.dumps(create_challenge(self.scope)),
                "data-proof-of-work-url": reverse(self.challenge_url),
            }
        )
        return context

"""Shared by the security suite: the XSS corpus, read once per session, and the report of
payloads tried and blocked per place (``tally.py``)."""

import pytest

from tests.security.tally import SUMMARY_FILE, XSS_TALLY, write_summary


@pytest.fixture(scope="session")
def xss_payloads() -> list[tuple[int, str]]:
    """(line number, payload) for every payload of ``tests/data/xss_payloads.txt``, decoded
    by the loader the Markdown tests use."""
    from tests.forum.test_markup import load_payloads

    return load_payloads()


def pytest_sessionfinish(session):
    if XSS_TALLY:
        write_summary()


def pytest_terminal_summary(terminalreporter):
    if not XSS_TALLY:
        return
    terminalreporter.section("XSS payloads tried and blocked")
    for place, row in sorted(XSS_TALLY.items()):
        note = f"  ({row['note']})" if row["note"] else ""
        terminalreporter.write_line(f"{place:<44} {row['blocked']:>4} of {row['tried']:<4}{note}")
    terminalreporter.write_line(f"(also in {SUMMARY_FILE})")

"""The tally of XSS payloads tried and blocked per place, which the issue's closing note
quotes. ``conftest.py`` prints it at the end of the run and writes it to
``test-artifacts/xss_summary.json``."""

import json
from pathlib import Path

SUMMARY_FILE = Path(__file__).resolve().parents[2] / "test-artifacts" / "xss_summary.json"

# place -> {"tried": n, "blocked": n, "note": "..."}
XSS_TALLY: dict[str, dict] = {}


def record(place: str, *, tried: int, blocked: int, note: str = "") -> None:
    from datetime import UTC, datetime

    XSS_TALLY[place] = {
        "tried": tried,
        "blocked": blocked,
        "note": note,
        # A place whose test did not run keeps its last entry: the date tells them apart.
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_summary() -> None:
    """Merge this process's places into the summary file (under xdist each worker ran some
    of them)."""
    import fcntl

    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    with open(SUMMARY_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            merged = json.loads(SUMMARY_FILE.read_text()) if SUMMARY_FILE.exists() else {}
        except ValueError:
            merged = {}
        merged.update(XSS_TALLY)
        SUMMARY_FILE.write_text(json.dumps(dict(sorted(merged.items())), indent=2) + "\n")

"""Page-serving benchmark: the help center home against a static file, same process.

The machine is shared and noisy, so absolute times mean little; the ratio of a page's
median to the median of a static file served by the same stack (WhiteNoise, in-process)
is what to compare between runs. Run with ``make bench``.
"""

import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402


def measure(client, path: str, rounds: int) -> list[float]:
    """Median-worthy timings of ``rounds`` requests, each from another visitor address, as
    a page's visitors are: one address asking 200 times a minute is what the search's rate
    limit is there to refuse (HTTP 429)."""
    client.get(path)  # warm caches and imports
    timings = []
    for n in range(rounds):
        start = time.perf_counter()
        response = client.get(path, REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return timings


def summary(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{name:<28} median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


def main(rounds: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _django.setup(f"sqlite:///{tmp}/bench.sqlite3")
        from django.core.management import call_command
        from django.test import Client

        _django.migrate()
        call_command("load_demo", stdout=StringIO())
        client = Client()
        static = measure(client, "/static/css/site.css", rounds)
        print(summary("static file (reference)", static))
        for path in ["/en/", "/tr/", "/de/search/?q=helfen", "/healthz"]:
            timings = measure(client, path, rounds)
            ratio = statistics.median(timings) / statistics.median(static)
            print(f"{summary(path, timings)}   x{ratio:5.1f} static")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

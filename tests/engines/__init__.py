"""Search engines for the tests and benchmarks, started on free loopback ports in process
groups of their own and stopped as a whole group (the emulator's launcher, and a JVM's
threads, outlive a parent that is killed alone).

* OpenSearch: a real node, from Maven Central only (``pom.xml`` and the few-line launcher
  in ``src/``; ``make search-engines`` builds it into ``target/``). Its version is the
  pom's ``opensearch.version``.
* noida-db: an Elasticsearch-compatible emulator (a pinned test dependency). It answers
  Elasticsearch 8's API, but its language analyzers are only its standard analyzer.

``bench/`` uses this module too (``bench/_server.py``, ``bench/search_relevance.py``).
"""

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGET = HERE / "target"
# Enough for the test and benchmark indexes; a test run's workers share one node.
OPENSEARCH_HEAP = "512m"
START_TIMEOUT = 90  # seconds; a JVM on a busy 2-core machine can take a while


def opensearch_version() -> str:
    match = re.search(r"<opensearch.version>([^<]+)<", (HERE / "pom.xml").read_text())
    return match.group(1) if match else "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path, url: str = ""):
        self.name, self.argv, self.env, self.log_path, self.url = name, argv, env, log, url
        self.process: subprocess.Popen | None = None

    def start(self) -> "Service":
        log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - argv is built here, not given
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child holds its own copy
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, *, kill: bool = False, timeout: float = 25) -> None:
        """SIGTERM to the whole group (SIGKILL with ``kill``, or when it outlasts
        ``timeout``), then wait for the leader."""
        if self.process is None:
            return
        stop_group(self.process.pid, timeout, first=signal.SIGKILL if kill else signal.SIGTERM)
        self.process.wait(timeout=10)  # reaped by stop_group: returns at once
        self.process = None

    def log_tail(self, chars: int = 1500) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_until_answering(self, timeout: float = START_TIMEOUT) -> float:
        """Seconds until ``url`` answers 200; raises ``EngineFailed`` when the process
        dies or the time is up (and stops the group)."""
        start = time.monotonic()
        while True:
            if answers(self.url):
                return time.monotonic() - start
            if not self.running or time.monotonic() - start > timeout:
                self.stop(kill=True)
                raise EngineFailed(f"{self.name} did not start:\n{self.log_tail()}")
            time.sleep(0.2)


class EngineFailed(RuntimeError):
    pass


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


# --- noida-db ------------------------------------------------------------------------------


def emulator_missing() -> str:
    """Why the emulator cannot run here ("" when it can)."""
    return "" if _emulator_executable() else "noida-db is not installed (requirements/dev.txt)"


def _emulator_executable() -> str:
    found = shutil.which("noida-db") or str(Path(sys.executable).parent / "noida-db")
    return found if os.path.exists(found) else ""


def emulator(data_dir: Path, *, port: int = 0) -> Service:
    """noida-db's Elasticsearch API (not started; ``start()`` it)."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        _emulator_executable(),
        "start",
        "--only",
        "elasticsearch",
        "--host",
        "127.0.0.1",
        "--elasticsearch-port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    return Service(
        "noida-db", argv, dict(os.environ), data_dir / "server.log", f"http://127.0.0.1:{port}"
    )


# --- OpenSearch ----------------------------------------------------------------------------


def opensearch_missing() -> str:
    """Why a real OpenSearch node cannot run here ("" when it can)."""
    if not shutil.which("java"):
        return "no Java (OpenSearch needs Java 17 or newer)"
    if not (TARGET / "classes").is_dir() or not any((TARGET / "lib").glob("opensearch-*.jar")):
        return "the OpenSearch node is not built: run `make search-engines` (Java 17+, Maven)"
    return ""


def opensearch(home: Path, *, port: int = 0, heap: str = OPENSEARCH_HEAP) -> Service:
    """A real OpenSearch node (not started; ``start()`` it) keeping its data in ``home``."""
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    classpath = f"{TARGET / 'classes'}{os.pathsep}{TARGET / 'lib' / '*'}"
    argv = [
        shutil.which("java") or "java",
        f"-Xms{heap}",
        f"-Xmx{heap}",
        # A test node: no time spent on a big JIT warm-up or a parallel collector.
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xss1m",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-Dorg.apache.logging.log4j.level=WARN",
        "-cp",
        classpath,
        "helpcenter.OpenSearchNode",
        str(port),
        str(free_port()),
        str(home),
    ]
    return Service(
        "opensearch", argv, dict(os.environ), home / "node.log", f"http://127.0.0.1:{port}"
    )


def stop_group(pid: int, timeout: float = 25, *, first: int = signal.SIGTERM) -> None:
    """Stop the process group led by ``pid``, started here (``Service.stop``) or by another
    process (``shared``): ``first`` (SIGTERM), then SIGKILL to whatever is left in the group
    once the leader is gone or has outlasted ``timeout``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, first)
    deadline = time.monotonic() + timeout
    while is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):  # what is left in its group
        os.killpg(pid, signal.SIGKILL)


def is_running(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child: reaped now
            return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}  # a zombie waiting for its reaper is done


# --- one per test run ----------------------------------------------------------------------

# The test run's folder for the servers its workers share (tests/conftest.py sets it).
SHARED = "HELPCENTER_TEST_SERVICES"


def shared(key: str, make) -> str:
    """The address of this test run's server ``key``. The first test worker to ask starts
    it (``make(folder)`` gives the ``Service``); the others find it and wait while it starts.
    Every worker uses the same one (tests keep apart by index prefixes and bucket names of
    their own: a JVM started once instead of per worker), and the run stops it after its
    last worker is done (``stop_shared``). Outside such a run, raises ``KeyError``."""
    folder = Path(os.environ[SHARED])
    state = folder / f"{key}.json"
    with (folder / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if state.exists():
            known = json.loads(state.read_text())
            if is_running(known["pid"]):  # it answered when it was written
                return known["url"]
        service = make(folder / key).start()
        service.wait_until_answering()
        state.write_text(json.dumps({"url": service.url, "pid": service.process.pid}))
        return service.url


def stop_shared(folder: Path) -> None:
    for state in folder.glob("*.json"):
        stop_group(json.loads(state.read_text())["pid"])
        state.unlink()


@contextlib.contextmanager
def running(service: Service):
    """Start ``service``, wait until it answers, yield it; stop its whole group after."""
    service.start()
    try:
        service.wait_until_answering()
        yield service
    finally:
        service.stop()

"""The servers a test run's workers share (``tests.engines.shared``): started once by the
first worker that asks, found by the others, started again when it died, and stopped with
its whole process group by the run after its last worker. A small HTTP server stands in for
the JVMs here."""

import os
import signal
import sys

from tests import engines


def _web_server(started: list):
    def make(folder):
        folder.mkdir(parents=True, exist_ok=True)
        port = engines.free_port()
        argv = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
        url = f"http://127.0.0.1:{port}"
        service = engines.Service("web", argv, dict(os.environ), folder / "server.log", url)
        started.append(service)
        return service

    return make


def test_the_run_starts_one_server_for_all_its_workers_and_stops_it_after(tmp_path, monkeypatch):
    monkeypatch.setenv(engines.SHARED, str(tmp_path))
    started = []
    first = engines.shared("web", _web_server(started))
    again = engines.shared("web", _web_server(started))  # as another worker would ask
    assert again == first
    assert len(started) == 1
    assert engines.answers(first)

    engines.stop_shared(tmp_path)
    assert not engines.answers(first)
    assert not engines.is_running(started[0].process.pid)
    assert not list(tmp_path.glob("*.json"))


def test_a_server_that_died_is_started_again(tmp_path, monkeypatch):
    monkeypatch.setenv(engines.SHARED, str(tmp_path))
    started = []
    engines.shared("web", _web_server(started))
    os.killpg(started[0].process.pid, signal.SIGKILL)
    started[0].process.wait(timeout=10)

    second = engines.shared("web", _web_server(started))
    assert len(started) == 2
    assert engines.answers(second)
    engines.stop_shared(tmp_path)
    assert not engines.answers(second)

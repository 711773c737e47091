import pytest

from forum import services
from tests.factories import (
    FaqPageFactory,
    PolicyPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    faq_items,
    policy_sections,
)


@pytest.fixture
def content(help_center):
    """A small help center in three languages, and a few forum threads."""
    en, tr, de = help_center["en"], help_center["tr"], help_center["de"]
    returns = TopicPageFactory(parent=en, title="Returns", slug="returns")
    FaqPageFactory(
        parent=returns,
        title="Return questions",
        slug="return-questions",
        items=faq_items(
            ("How do I return a parcel?", "Print the label and take the parcel to a shop."),
            ("When is my refund paid?", "We pay the refund within five days."),
        ),
    )
    PolicyPageFactory(
        parent=returns,
        title="Warranty policy",
        slug="warranty",
        body=policy_sections(("Warranty period", "Two years from delivery.")),
    )
    iade = TopicPageFactory(parent=tr, title="İade", slug="iade")
    FaqPageFactory(
        parent=iade,
        title="İade soruları",
        slug="iade-sorulari",
        items=faq_items(("İade nasıl yapılır?", "Ürünü kargo ile iade edin. Işık hızında.")),
    )
    rueck = TopicPageFactory(parent=de, title="Rücksendung", slug="ruecksendung")
    FaqPageFactory(
        parent=rueck,
        title="Fragen zur Rücksendung",
        slug="fragen",
        items=faq_items(("Wie funktioniert die Rücksendung?", "Drucke das Etikett. Straße egal.")),
    )
    solved = ThreadFactory(title="Refund never arrived after my return", language="en")
    answer = PostFactory(thread=solved, body="The refund took nine days for me.")
    services.reply_accept(reply=answer, by=solved.author)
    ThreadFactory(title="Parcel lost in transit", language="en", question__body="Tracking stopped")
    return {"returns": returns, "rueck": rueck}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def elasticsearch_server(tmp_path_factory):
    """An Elasticsearch-compatible server for the contract: the real one named by
    ``ELASTICSEARCH_URL`` when set, else the noida-db emulator (a pinned test dependency)
    started on a free loopback port, in its own process group, which is stopped whole (its
    launcher leaves the server running when only the launcher is killed)."""
    import os
    import shutil
    import signal
    import subprocess
    import time
    import urllib.request

    real = os.environ.get("ELASTICSEARCH_URL", "").strip()
    if real:
        yield {"url": real, "emulator": False}
        return
    executable = shutil.which("noida-db") or str(
        __import__("pathlib").Path(os.sys.executable).parent / "noida-db"
    )
    if not os.path.exists(executable):
        pytest.skip("noida-db is not installed (it is in requirements/dev.txt)")
    port = _free_port()
    data = tmp_path_factory.mktemp("noida")
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(
        [executable, "start", "--only", "elasticsearch", "--host", "127.0.0.1",
         "--elasticsearch-port", str(port), "--data-dir", str(data)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback only
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pytest.fail(f"noida-db did not start: {(data / 'server.log').read_text()[-500:]}")
            time.sleep(0.2)
    try:
        yield {"url": url, "emulator": True}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()

import pytest

from forum import services
from kb.models import HelpCenterPage, TopicPage
from tests import snapshot
from tests.conftest import what_the_help_center_reads
from tests.factories import (
    FaqPageFactory,
    PolicyPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    faq_items,
    policy_sections,
)


def _build_content() -> None:
    """A small help center in three languages, and a few forum threads."""
    homes = {
        home.locale.language_code: home
        for home in HelpCenterPage.objects.select_related("locale").filter(depth=2)
    }
    en, tr, de = homes["en"], homes["tr"], homes["de"]
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


# Built through the factories and Wagtail the first time in a test process, its rows replayed
# for each later test that starts from the same database (tests/snapshot.py says when): some
# 110 tests of the search contract ask for it, at about 0.3 s a build. Nothing it builds is
# indexed yet (the test's transaction never commits): each test indexes what it needs.
# It reads the settings the help center basics read, under which it is built.
_content = snapshot.Replayed(_build_content, key=what_the_help_center_reads)


@pytest.fixture
def content(help_center):
    """A small help center in three languages, and a few forum threads."""
    _content()
    return {
        "returns": TopicPage.objects.get(slug="returns", locale=help_center["en"].locale),
        "rueck": TopicPage.objects.get(slug="ruecksendung", locale=help_center["de"].locale),
    }


def _required() -> bool:
    import os

    return os.environ.get("REQUIRE_SEARCH_ENGINE", "") == "1"


def _unavailable(reason: str):
    """Skip on a developer's machine without the engine; fail where CI requires it."""
    if _required():
        pytest.fail(f"REQUIRE_SEARCH_ENGINE=1, but {reason}")
    pytest.skip(reason)


def _server(variable: str, missing, key: str, make, *, emulator: bool):
    """The server ``variable`` names when set; else this test run's own (``make(folder)``),
    started by the first worker that needs it and shared by all (``engines.shared``)."""
    import os

    from tests import engines

    real = os.environ.get(variable, "").strip()
    if real:
        return {"url": real, "emulator": False}
    if reason := missing():
        _unavailable(reason)
    try:
        return {"url": engines.shared(key, make), "emulator": emulator}
    except engines.EngineFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def elasticsearch_server():
    """An Elasticsearch API for the contract: the real server named by ``ELASTICSEARCH_URL``
    when set, else the noida-db emulator (a pinned test dependency)."""
    from tests import engines

    return _server(
        "ELASTICSEARCH_URL", engines.emulator_missing, "noida", engines.emulator, emulator=True
    )


@pytest.fixture(scope="session")
def opensearch_server():
    """A real OpenSearch: the server named by ``OPENSEARCH_URL`` when set, else a node built
    from Maven Central by ``make search-engines`` (one for the test run)."""
    from tests import engines

    return _server(
        "OPENSEARCH_URL",
        engines.opensearch_missing,
        "opensearch",
        engines.opensearch,
        emulator=False,
    )

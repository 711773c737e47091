import pytest
from django.core.management import call_command

from kb.models import HelpCenterPage


class _Quiet:
    """Stands in for a management command's output when demo loaders run in fixtures."""

    class style:  # noqa: N801 - mirrors BaseCommand.style
        WARNING = SUCCESS = staticmethod(lambda text: text)

    class stdout:  # noqa: N801
        write = staticmethod(lambda *args, **kwargs: None)


@pytest.fixture
def help_center(db):
    """Locales, groups, the admin and one help center home per language (the demo basics)."""
    from kb import demo as kb_demo
    from site_config import demo as site_demo

    site_demo.load(_Quiet())
    kb_demo.load(_Quiet())
    return {
        page.locale.language_code: page
        for page in HelpCenterPage.objects.select_related("locale").filter(depth=2)
    }


@pytest.fixture
def compiled_catalogs():
    call_command("compile_catalogs", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unused_tcp_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

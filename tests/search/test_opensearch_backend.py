"""The search contract against a real OpenSearch node: ``OPENSEARCH_URL`` when set, else
the node `make search-engines` builds from Maven Central (tests/engines), one for the test
run. Without Java or the built node the cases skip with the reason; CI sets
``REQUIRE_SEARCH_ENGINE=1``, which makes them fail instead."""

import pytest

from tests.search.engine_contract import EngineContract

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


class TestOpenSearchBackend(EngineContract):
    engine = "opensearch"
    server_fixture = "opensearch_server"

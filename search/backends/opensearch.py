"""OpenSearch 2 and 3 (self-hosted, or Amazon OpenSearch Service with a URL that carries
its credentials), through the official client, opensearch-py. Everything else is
``engine.EngineBackend``: the index definition and the requests are the Elasticsearch
backend's, unchanged (OpenSearch forked from Elasticsearch 7.10 and kept this API)."""

from django.conf import settings
from opensearchpy import NotFoundError, OpenSearch
from opensearchpy.exceptions import OpenSearchException
from opensearchpy.helpers import BulkIndexError, bulk

from search.backends.engine import EngineBackend


class OpenSearchBackend(EngineBackend):
    name = "opensearch"
    errors = (OpenSearchException, BulkIndexError)
    not_found = NotFoundError

    @classmethod
    def configured_url(cls) -> str:
        return settings.OPENSEARCH_URL

    def connect(self, url: str, *, timeout: float) -> OpenSearch:
        return OpenSearch(hosts=[url], timeout=timeout, max_retries=0, retry_on_timeout=False)

    def bulk(self, actions, **params) -> None:
        bulk(self.writer, actions, **params)

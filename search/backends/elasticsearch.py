"""Elasticsearch 8, through the official client (elasticsearch-py, with elasticsearch.dsl
building the requests in ``definitions``). Everything else is ``engine.EngineBackend``."""

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch import exceptions as es_exceptions
from elasticsearch.helpers import BulkIndexError, bulk

from search.backends.engine import EngineBackend


class ElasticsearchBackend(EngineBackend):
    name = "elasticsearch"
    errors = (es_exceptions.ApiError, es_exceptions.TransportError, BulkIndexError)
    not_found = NotFoundError

    @classmethod
    def configured_url(cls) -> str:
        return settings.ELASTICSEARCH_URL

    def connect(self, url: str, *, timeout: float) -> Elasticsearch:
        # The client refuses a server that is not Elasticsearch (its product check): an
        # OpenSearch cluster is served by OpenSearchBackend instead.
        return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)

    def bulk(self, actions, **params) -> None:
        bulk(self.writer, actions, **params)

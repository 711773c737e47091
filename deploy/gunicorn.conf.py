"""gunicorn settings for production; each value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes a host down.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app once in the master, then fork: what it loaded is shared by the workers.
preload_app = True


def when_ready(server):
    """Before the workers fork: load search's lemmatizer dictionaries (hundreds of MB for
    en/tr/de) once, instead of in every worker on its first search."""
    import gc

    from search.analysis import warm

    warm()
    # Move everything loaded so far out of the collector's reach: a collection in a worker
    # would otherwise touch (and so copy) every shared page of those dictionaries.
    gc.freeze()

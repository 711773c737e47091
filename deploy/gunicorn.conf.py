"""gunicorn settings for production; each value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Longer than the idle timeout of the load balancer or proxy in front (60 s on the common
# ones), so that it, not gunicorn, closes an idle connection. When gunicorn closes first, a
# request the proxy sends on that connection at the same moment is reset (make load saw
# one POST in 1,500 fail so with 5 s, its client reusing connections as a proxy does).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
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

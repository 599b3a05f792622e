"""Gunicorn settings for the portal, used as they are by the benchmark for both the portal and the reference.

Two sync workers suit a 2-core machine; raise WEB_CONCURRENCY with the cores
(about 2 × cores). Database connections persist inside each worker
(CONN_MAX_AGE with health checks, in Django's settings), not here.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
timeout = 30
graceful_timeout = 10
# TLS ends at the proxy in front; trust its X-Forwarded-* headers only from loopback by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

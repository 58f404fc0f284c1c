"""gunicorn settings, for production and `make bench`.

Use: gunicorn -c config/gunicorn.conf.py config.wsgi
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Requests are short and mostly wait on the database: a few processes with a few threads each.
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# Students' pages autosave every few seconds: keep their connections open between saves, or a
# reused connection can be closed under a request that is already on its way.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 30))
timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None

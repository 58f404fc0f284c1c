"""gunicorn settings, for production and `make bench`.

Use: gunicorn -c config/gunicorn.conf.py config.wsgi
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Requests are short and mostly wait on the database: a few processes with a few threads each.
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# The app is imported once, in the master, and each worker is forked from it: a worker that dies
# (killed, out of memory) is replaced in milliseconds instead of re-importing Django (about a
# second of CPU) while its students' saves wait. A new release needs a restart, not a HUP.
preload_app = True
# Students' pages autosave every few seconds: keep their connections open between saves, or a
# reused connection can be closed under a request that is already on its way.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 30))
timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None

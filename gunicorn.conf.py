"""gunicorn settings for the production profile; every value can be overridden by the
environment (see docs/deploy.md). Run: gunicorn -c gunicorn.conf.py wsgi:app"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker keep answering while another request waits on PostgreSQL. SQLite
# (the embedded default) has one writer: a thread holding its write lock can be made to
# wait for the GIL by a sibling thread while every other writer waits for the lock, so
# there each worker runs one request at a time (docs/performance.md: p99 halved).
_sqlite = os.environ.get("DATABASE_URL", "sqlite:").startswith("sqlite")
threads = int(os.environ.get("GUNICORN_THREADS", 1 if _sqlite else 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then, so a slow leak can never take a counter down.
max_requests = 5000
max_requests_jitter = 500
# The proxy (nginx) in front sets X-Forwarded-For; the app reads it via PROXY_FIX_X_FOR.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# No client address (%(h)s) and no referrer: UU 27/2022 - the portal never keeps a
# citizen's IP address, and the access log is no exception. Time, request line,
# status, bytes, duration in seconds, user agent.
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(L)s "%(a)s"'

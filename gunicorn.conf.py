"""gunicorn settings for the production profile; every value can be overridden by the
environment (see docs/deploy.md). Run: gunicorn -c gunicorn.conf.py wsgi:app"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# One request at a time per worker, on both databases. A thread holding a lock (SQLite's
# one write lock, a PostgreSQL rollup row until commit) can be made to wait for the GIL
# by a sibling thread while every other writer waits for the lock; measured on 2 cores
# (docs/performance.md), 4 threads on PostgreSQL cost 30% more CPU per submission and
# half again the p99 of one. Scale with workers (WEB_CONCURRENCY) instead.
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# The sync worker takes a connection only when it is free to serve it. gthread with one
# thread accepts greedily and keeps keep-alive connections (nginx's upstream keepalive,
# a load generator's) pinned to a worker that may be busy, while other workers idle:
# measured on PostgreSQL, p99 333-434 ms with 45% of the cores idle, against 150-188 ms
# with sync (docs/performance.md). gunicorn switches to gthread itself when threads > 1.
worker_class = "sync"
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

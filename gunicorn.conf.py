"""Production-like gunicorn settings (used by `make serve-prod`).

Two worker processes, four threads each (gthread), on the 2-core reference machine: chosen by
`bench/load_diary.py --scenarios post --app-configs 2x1,3x1,2x4` (figures in
docs/performance.md, "Load, faults and soak"). Diary POSTs through the real API, the same run:
2x4 answered about 1.4-1.6x the requests of 2 sync workers on SQLite and PostgreSQL alike, also
with `Connection: close` (so not thanks to keep-alive), at about the same p99; a third sync
worker added nothing (one process per core is all the CPU there is). A request spends much of
its time waiting, on about a dozen database round trips, Redis's rate-limit counter and SQLite's
write lock, and a second thread in the process runs Python meanwhile. Two processes, not more,
because Python runs one thread at a time per process and each process holds its own copy of the
app and of pandas (~160 MiB). SQLite: each thread is another writer, but writes begin IMMEDIATE
with a busy timeout, so they queue rather than fail (the kill and soak runs check it). Each
worker keeps its own SQLAlchemy pool (up to `threads` connections are used), so a host opens
about workers x threads PostgreSQL connections. Sessions and throttling live in the database
(and Redis for rate limits), so workers and hosts are interchangeable.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))  # >1: gunicorn uses gthread workers
timeout = 30
graceful_timeout = 20
# Recycle workers now and then: bounded memory over weeks of uptime. 0 turns it off (the soak in
# bench/load_diary.py does, to watch one worker's memory for the whole run).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200 if max_requests else 0
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
raw_env = ["PACT_ENV=production"]

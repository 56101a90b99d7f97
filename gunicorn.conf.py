"""Production-like gunicorn settings (used by `make serve-prod`).

Two sync workers match the two cores of our reference machine; STACK.md measured `-w 2` beating
`-w 4` for SQLite writes. Each worker keeps its own SQLAlchemy pool; sessions and throttling
live in the database (and Redis for rate limits), so workers and hosts are interchangeable.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
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

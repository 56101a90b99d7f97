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
max_requests = 2000  # recycle workers now and then; bounded memory over weeks of uptime
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
raw_env = ["PACT_ENV=production"]

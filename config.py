"""Settings read from the environment, each with an explicit default.

`create_app(config_name)` picks one of the classes below; every value can be overridden by an
environment variable of the same name.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else None


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pact_feedback.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled PostgreSQL connection idle this long is pinged before use (core/pooling.py):
    # a restart never fails a request, without `pool_pre_ping`'s round trip on every request.
    DATABASE_PING_AFTER_IDLE_SECONDS = _env_int("DATABASE_PING_AFTER_IDLE_SECONDS", 10)
    # The embedded SQLite database only (pact_feedback/core/sqlite.py; docs/performance.md).
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "FULL")
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    SQLITE_WRITER_QUEUE = _env_bool("SQLITE_WRITER_QUEUE", True)
    SQLITE_SYNC_AFTER_UNLOCK = _env_bool("SQLITE_SYNC_AFTER_UNLOCK", True)

    # Mail: flask-mailman. "console" prints messages, "smtp" sends them, "locmem" keeps an outbox.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "PACT Feedback <no-reply@pact.example>"
    )

    # Rate limits: counts must be shared by every worker process, so production uses Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # No X-RateLimit-* headers on every response: they cost two more Redis round trips a request
    # (docs/performance.md); a 429 still says when to retry (core.errors.seconds_until_retry).
    RATELIMIT_HEADERS_ENABLED = False
    # The job queue (RQ): without a Redis URL every job runs at once in the process that started
    # it (the embedded default). Steps are chunks of CHUNK items, each with its own time limit.
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "pact")
    JOBS_CHUNK = _env_int("JOBS_CHUNK", 200)
    JOBS_STEP_TIMEOUT = _env_int("JOBS_STEP_TIMEOUT", 900)
    # Sign-in throttling, counted from the audit log so it holds across processes and hosts
    # (docs/production.md, "Sign-in throttling"). Whole practices, often many, share one NHS
    # network address: the address ceiling is far above what their typos reach, and an account
    # that has signed in from the address before is not held back by it.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = _env_int(
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5
    )
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 10)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 300)
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=_env_int("LOGIN_THROTTLE_MINUTES", 15))
    LOGIN_KNOWN_ADDRESS_DAYS = _env_int("LOGIN_KNOWN_ADDRESS_DAYS", 30)
    # Flask-Limiter's flood guard on the sign-in form, per address (Redis in production).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "120 per minute")

    # Sessions are server-side rows: revocable, rotated at sign-in, with two timeouts.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_env_int("SESSION_ABSOLUTE_HOURS", 12))
    # "Keep me signed in on this device": the diary stays open this long after sign-in
    # (accounts/sessions.py); other pages keep the two limits above.
    KEPT_SESSION_TIMEOUT = timedelta(days=_env_int("KEPT_SESSION_DAYS", 14))
    # A kept session's token is replaced at the first use this long after it was issued.
    KEPT_SESSION_ROTATE = timedelta(minutes=_env_int("KEPT_SESSION_ROTATE_MINUTES", 60))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_NAME = "pact_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # Argon2id parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    PASSWORD_HASH_TIME_COST = _env_int("PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_COST = _env_int("PASSWORD_HASH_MEMORY_COST", 65536)
    PASSWORD_HASH_PARALLELISM = _env_int("PASSWORD_HASH_PARALLELISM", 4)
    PASSWORD_MIN_LENGTH = 10

    INVITATION_MAX_AGE = timedelta(days=_env_int("INVITATION_DAYS", 14))
    PASSWORD_RESET_MAX_AGE = timedelta(hours=_env_int("PASSWORD_RESET_HOURS", 2))

    FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
    HSTS = True
    PROXY_FIX_HOPS = _env_int("PROXY_FIX_HOPS", 0)
    WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the (time-limited) session
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # Where emailed links point (reset links, invitations): never the request's Host header,
    # which the client chooses. Required in production.
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL")
    # Host names requests may carry (Flask refuses others with 400); in production, the host of
    # SERVER_BASE_URL unless set (comma-separated; add a load balancer's health-check host).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # Attempts at sending an email before the failure is logged and recorded (core.mail).
    MAIL_SEND_ATTEMPTS = _env_int("MAIL_SEND_ATTEMPTS", 3)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 5)  # seconds per SMTP connection attempt


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
    HSTS = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SERVER_BASE_URL = "http://localhost"  # the test client's host, so emailed links can be followed
    MAIL_BACKEND = "locmem"
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    HSTS = False
    # Cheap hashing keeps the suite fast; production parameters are tested separately.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 8
    PASSWORD_HASH_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    # Jobs run in-process unless a test builds its app with a queue (tests/jobs/).
    JOBS_REDIS_URL = None


class ProductionConfig(Config):
    ENV_NAME = "production"


# Keys that are public (this repository, its docs) and so sign nothing.
KNOWN_SECRET_KEYS = {
    "dev-only-not-secret",  # DevelopmentConfig's default (its attribute may be the real key)
    "test-only-not-secret",
    "changeme",
    "change-me",
    "secret",
}
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_DISTINCT = 16  # "x" * 64 is long, not secret


def production_problems(config) -> list[str]:
    """What stops `config` (a mapping) from running in production, one sentence each."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY must be set outside development (see docs/production.md).")
    elif (
        key in KNOWN_SECRET_KEYS
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_DISTINCT
    ):
        problems.append(
            "SECRET_KEY is weak or public: use at least 32 random characters, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    base = config.get("SERVER_BASE_URL") or ""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            "SERVER_BASE_URL must be the public address emailed links point at, "
            "e.g. https://feedback.pact.example."
        )
    return problems


def trusted_hosts(config) -> list[str] | None:
    """TRUSTED_HOSTS as set, or in production the host of SERVER_BASE_URL."""
    if config.get("TRUSTED_HOSTS") or config.get("ENV_NAME") != "production":
        return config.get("TRUSTED_HOSTS")
    return [urlsplit(config["SERVER_BASE_URL"]).hostname]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """The config class named by `name`, or by PACT_ENV (default: production)."""
    name = name or os.environ.get("PACT_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PACT_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None

"""Configuration classes; every value an operator may change comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))


def _env_list(name: str) -> list[str]:
    """Read a comma-separated environment variable as a clean list."""
    return [part.strip().lower() for part in os.environ.get(name, "").split(",") if part.strip()]


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'rollcall.db'}")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(ROOT / "search_index"))
    MEDIA_DIR = os.environ.get("MEDIA_DIR", str(INSTANCE / "media"))
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE / "outbox"))
    # Seconds to wait for PostgreSQL to answer a new connection before the page says "unavailable".
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # The jobs worker replays undispatched events only once they are this old: younger ones are
    # still being dispatched by the process that committed them (a replay would push them twice).
    EVENT_REPLAY_GRACE_SECONDS = float(os.environ.get("EVENT_REPLAY_GRACE_SECONDS", "5"))
    # How often each server process checks that the message queue still carries its messages.
    SOCKETIO_QUEUE_CHECK_SECONDS = float(os.environ.get("SOCKETIO_QUEUE_CHECK_SECONDS", "1"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take pages down: count in memory meanwhile, and never fail a request on it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # A Redis that hangs (rather than refusing) must not hold requests: give up on it within a second.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    # How many proxies (nginx) sit in front and set X-Forwarded-For/-Proto; 0 trusts no such header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    ALLOWED_EMAIL_DOMAINS = _env_list("ALLOWED_EMAIL_DOMAINS")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    ORG_NAME = os.environ.get("ORG_NAME", "Rollcall")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "rollcall@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # Failed deliveries are retried after base, 2x base, 4x base ... seconds, at most MAIL_RETRY_MAX apart.
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
    MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))

    PASSWORD_HASH_METHOD = "scrypt"
    INVITATION_MAX_AGE = timedelta(days=7)
    RESET_MAX_AGE = timedelta(hours=2)
    CONFIRM_MAX_AGE = timedelta(days=2)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a long-open form must still submit


class DevelopmentConfig(Config):
    """Local development: a throwaway key if none is set."""

    SECRET_KEY = Config.SECRET_KEY or "dev-only-not-secret"


class TestingConfig(Config):
    """pytest: an isolated database, no CSRF unless a test turns it on."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast for tests only
    EVENT_REPLAY_GRACE_SECONDS = 0.0  # tests replay what they just left undispatched
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: secure cookies and a real secret are mandatory."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

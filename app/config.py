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
    # "whoosh" (one host, the index on local disk) or "postgres" (full text in the database; needs a
    # PostgreSQL DATABASE_URL). See docs/features/search.md, "PostgreSQL backend".
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh").strip().lower()
    MEDIA_DIR = os.environ.get("MEDIA_DIR", str(INSTANCE / "media"))
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE / "outbox"))
    # Seconds to wait for PostgreSQL to answer a new connection before the page says "unavailable".
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # The jobs worker replays undispatched events only once they are this old: younger ones are
    # still being dispatched by the process that committed them (a replay would push them twice).
    EVENT_REPLAY_GRACE_SECONDS = float(os.environ.get("EVENT_REPLAY_GRACE_SECONDS", "5"))
    # "thread": a request's events are pushed by a dispatcher thread after it answers (app/dispatcher.py);
    # "inline": by the request itself before it answers (tests, where pushes are checked at once).
    EVENT_DISPATCH = os.environ.get("EVENT_DISPATCH", "thread").strip().lower()
    # How often each server process checks that the message queue still carries its messages.
    # How often the jobs worker's indexer looks for new events (a new post is findable within about this).
    SEARCH_INDEXER_INTERVAL = float(os.environ.get("SEARCH_INDEXER_INTERVAL", "0.5"))
    SOCKETIO_QUEUE_CHECK_SECONDS = float(os.environ.get("SOCKETIO_QUEUE_CHECK_SECONDS", "1"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Explicit: Flask-Limiter otherwise takes its singleton's current `enabled` (tests switch it off
    # between apps), and an app created while it is off never gets a storage.
    RATELIMIT_ENABLED = True
    # Redis down must not take pages down: count in memory meanwhile, and never fail a request on it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # A Redis that hangs (rather than refusing) must not hold requests: give up on it within a second.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    # How many proxies (nginx) sit in front and set X-Forwarded-For/-Proto; 0 trusts no such header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # After this many failed sign-ins for one email within the window, it is locked for a while.
    LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "8"))
    LOCKOUT_WINDOW = timedelta(minutes=int(os.environ.get("LOCKOUT_WINDOW_MINUTES", "15")))
    LOCKOUT_DURATION = timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "15")))
    ALLOWED_EMAIL_DOMAINS = _env_list("ALLOWED_EMAIL_DOMAINS")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    ORG_NAME = os.environ.get("ORG_NAME", "Rollcall")
    # Where to report a vulnerability (served in /.well-known/security.txt, RFC 9116): mailto: or https:.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "mailto:security@localhost").strip()
    # Named in the privacy notice: who to ask about personal data, and how.
    DPO_CONTACT = os.environ.get("DPO_CONTACT", "your organisation's Data Protection Officer")
    # The organisation's time zone: session times are stored in UTC and shown (and typed) in this zone.
    ORG_TIMEZONE = os.environ.get("ORG_TIMEZONE", "Europe/London")
    SESSION_MATERIAL_MAX_BYTES = int(os.environ.get("SESSION_MATERIAL_MAX_BYTES", str(8 * 1024 * 1024)))
    # Attachments on posts and replies (app/attachments): the largest file, and how many per item.
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(8 * 1024 * 1024)))
    ATTACHMENT_MAX_COUNT = int(os.environ.get("ATTACHMENT_MAX_COUNT", "4"))

    # Information governance (app/governance): the nightly retention run starts at or after this UTC
    # hour and changes at most RETENTION_MAX_PER_RUN records of each kind, in batches.
    RETENTION_HOUR = int(os.environ.get("RETENTION_HOUR", "3"))
    RETENTION_BATCH_SIZE = int(os.environ.get("RETENTION_BATCH_SIZE", "500"))
    RETENTION_MAX_PER_RUN = int(os.environ.get("RETENTION_MAX_PER_RUN", "50000"))
    # Downloads (subject access, disclosure): built at once up to these sizes, else by the job runner;
    # the link works for this many days.
    DATA_EXPORT_SYNC_MAX_ROWS = int(os.environ.get("DATA_EXPORT_SYNC_MAX_ROWS", "5000"))
    DATA_EXPORT_SYNC_MAX_BYTES = int(os.environ.get("DATA_EXPORT_SYNC_MAX_BYTES", str(25 * 1024 * 1024)))
    DATA_EXPORT_DAYS = int(os.environ.get("DATA_EXPORT_DAYS", "7"))

    # Single sign-on with OpenID Connect (app/identity); off unless issuer, client id and secret are set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "").strip()
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile").strip()
    OIDC_UNIT_CLAIM = os.environ.get("OIDC_UNIT_CLAIM", "department").strip()
    OIDC_JOB_TITLE_CLAIM = os.environ.get("OIDC_JOB_TITLE_CLAIM", "jobTitle").strip()
    # Entra ID sends no email_verified: its optional claim xms_edov says the same thing.
    OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified").strip()
    OIDC_BUTTON_LABEL = os.environ.get("OIDC_BUTTON_LABEL", "Sign in with Microsoft").strip()
    # 0: only people who already have an account (or an open invitation) can sign in with the provider.
    OIDC_CREATE_ACCOUNTS = os.environ.get("OIDC_CREATE_ACCOUNTS", "1") == "1"
    OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))

    # The HR roster that the nightly job (and `flask users sync`) reconciles accounts against.
    ROSTER_FILE = os.environ.get("ROSTER_FILE", "").strip()
    ROSTER_SYNC_HOUR = int(os.environ.get("ROSTER_SYNC_HOUR", "2"))  # UTC hour after which it runs
    ROSTER_MAX_DEACTIVATE_PERCENT = float(os.environ.get("ROSTER_MAX_DEACTIVATE_PERCENT", "10"))
    # How often the insights roll-up recomputes yesterday's and today's figures (the jobs worker runs it).
    INSIGHTS_ROLLUP_SECONDS = int(os.environ.get("INSIGHTS_ROLLUP_SECONDS", "300"))

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

    # The email digest: who gets it without choosing ("off": only people who opt in), when the jobs
    # worker sends it (org-local hour; the weekly one on this weekday, 0 = Monday), how long an emailed
    # unsubscribe link works and how long a comms pin stays in the editorial slot. docs/features/digest.md
    DIGEST_DEFAULT_FREQUENCY = os.environ.get("DIGEST_DEFAULT_FREQUENCY", "off").strip()
    DIGEST_SEND_HOUR = int(os.environ.get("DIGEST_SEND_HOUR", "7"))
    DIGEST_WEEKDAY = int(os.environ.get("DIGEST_WEEKDAY", "0"))
    DIGEST_UNSUBSCRIBE_DAYS = int(os.environ.get("DIGEST_UNSUBSCRIBE_DAYS", "60"))
    DIGEST_PIN_DAYS = int(os.environ.get("DIGEST_PIN_DAYS", "7"))

    # Moderation: strikes within the window (days) count towards a suggested posting restriction.
    MODERATION_STRIKE_WINDOW_DAYS = int(os.environ.get("MODERATION_STRIKE_WINDOW_DAYS", "180"))
    MODERATION_STRIKES_FOR_RESTRICTION = int(os.environ.get("MODERATION_STRIKES_FOR_RESTRICTION", "2"))
    MODERATION_RESTRICTION_DAYS = int(os.environ.get("MODERATION_RESTRICTION_DAYS", "7"))
    MODERATION_MAX_RESTRICTION_DAYS = 90
    # The proposals' publishing webhook never reaches private, loopback or link-local addresses except
    # these hosts, IPs or CIDR ranges (e.g. "10.20.0.0/16,publisher.internal"); see docs/features/proposals.md.
    WEBHOOK_ALLOWLIST = _env_list("WEBHOOK_ALLOWLIST")
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))

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
    # Rendered post cards kept per process for feeds (app/posts/cards.py); 0 draws every card afresh.
    POST_CARD_CACHE_SIZE = int(os.environ.get("POST_CARD_CACHE_SIZE", "1000"))
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a long-open form must still submit


class DevelopmentConfig(Config):
    """Local development: without SECRET_KEY, a random key generated once into instance/secret_key."""

    GENERATE_SECRET_KEY = True


class TestingConfig(Config):
    """pytest: an isolated database, no CSRF unless a test turns it on."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SEARCH_BACKEND = "whoosh"  # the search tests run each test against both (tests/search_helpers.py)
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast for tests only
    EVENT_REPLAY_GRACE_SECONDS = 0.0  # tests replay what they just left undispatched
    EVENT_DISPATCH = "inline"  # a test sees the pushes of the request it made as soon as it answers
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

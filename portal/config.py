"""Settings: defaults, then the environment, then whatever a test passes in.

This is the only module that reads ``os.environ``. The embedded default (SQLite in
``instance/``, in-memory rate limits) needs no configuration at all; production
(``PORTAL_ENV=production``) refuses to start without an explicit ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from surveys import integrity
from surveys.appraisal import DEFAULT_GRACE_DAYS, Thresholds
from surveys.integrity import Rules
from surveys.policy import ReportPolicy


class ConfigError(RuntimeError):
    """The environment does not describe a runnable portal."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}.")
    return value


def _thresholds() -> Thresholds:
    try:
        return Thresholds(
            above=Decimal(_env("APPRAISAL_ABOVE", "88.31")),
            meets=Decimal(_env("APPRAISAL_MEETS", "76.61")),
        )
    except (InvalidOperation, ValueError):
        raise ConfigError(
            "APPRAISAL_ABOVE and APPRAISAL_MEETS must be scores with 25 <= MEETS <= ABOVE <= 100."
        ) from None


def _secret_key(instance_path: Path, production: bool, name: str = "SECRET_KEY") -> str:
    """Return the secret named ``name``: from the environment, or generated into the
    instance folder by the embedded default; production refuses to start without it."""
    key = _env(name)
    if key:
        return key
    if production:
        raise ConfigError(f"{name} must be set in production (PORTAL_ENV=production).")
    # The embedded default keeps a generated key so sessions and QR tokens survive restarts.
    key_file = instance_path / name.lower()
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _integrity_rules() -> Rules:
    try:
        return Rules(
            enabled=integrity.parse_flags(
                _env("INTEGRITY_FLAGS", ",".join(integrity.NAMES.values()))
            ),
            exclude=integrity.parse_flags(
                _env("INTEGRITY_EXCLUDE", ",".join(integrity.names(integrity.DEFAULT_EXCLUDE)))
            ),
            device_window=dt.timedelta(minutes=_env_int("INTEGRITY_DEVICE_WINDOW_MINUTES", 240)),
            burst_max=_env_int("INTEGRITY_BURST_MAX", 20),
            burst_window=dt.timedelta(minutes=_env_int("INTEGRITY_BURST_WINDOW_MINUTES", 20)),
            min_seconds=_env_int("INTEGRITY_MIN_SECONDS", 10),
        )
    except integrity.InvalidRules as error:
        raise ConfigError(str(error)) from error


def _log_level() -> str:
    level = (_env("LOG_LEVEL") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}.")
    return level


def engine_options(
    url: str, *, lock_ms: int, statement_ms: int, connect_s: int, extra: dict | None = None
) -> dict:
    """Return SQLAlchemy engine options that bound every wait on the database, with
    ``extra`` options (a pool, a search path) merged in.

    A citizen's submission must fail fast and clearly (503, answers kept) rather than
    hang while the database is locked, stalled or gone: SQLite waits at most ``lock_ms``
    for its write lock; PostgreSQL at most ``lock_ms`` for a row or table lock and
    ``statement_ms`` for any statement, and a new connection at most ``connect_s``.
    """
    # hide_parameters: an error's text never quotes a statement's values, which may be a
    # citizen's answers and comment (they would otherwise reach the error log).
    if url.startswith("sqlite"):
        options = {"hide_parameters": True, "connect_args": {"timeout": lock_ms / 1000}}
    else:
        options = {
            "hide_parameters": True,
            "pool_pre_ping": True,
            "connect_args": {
                "connect_timeout": connect_s,
                "options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}",
            },
        }
    extra = extra or {}
    connect_args = dict(options["connect_args"])
    for name, value in extra.get("connect_args", {}).items():
        if name == "options" and "options" in connect_args:
            value = f"{value} {connect_args['options']}"
        connect_args[name] = value
    return {**options, **extra, "connect_args": connect_args}


def derive(settings: dict) -> None:
    """Fill in the settings that follow from others, once every override is known.

    The engine options depend on the final database URL (a test or a benchmark may
    replace the one in the environment): SQLite and PostgreSQL take different ones.
    Options given explicitly are merged over the timeouts, not instead of them.
    """
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        settings["SQLALCHEMY_DATABASE_URI"],
        lock_ms=settings["DATABASE_LOCK_TIMEOUT_MS"],
        statement_ms=settings["DATABASE_STATEMENT_TIMEOUT_MS"],
        connect_s=settings["DATABASE_CONNECT_TIMEOUT_S"],
        extra=settings.get("SQLALCHEMY_ENGINE_OPTIONS"),
    )


def from_environment(instance_path: str) -> dict:
    """Return the settings for an app whose instance folder is ``instance_path``."""
    instance = Path(instance_path)
    production = _env("PORTAL_ENV", "development") == "production"
    database_url = _env("DATABASE_URL", f"sqlite:///{instance / 'portal.sqlite3'}")
    if database_url.startswith("postgres://"):
        # Heroku-style URLs name the old driver; SQLAlchemy 2 wants the dialect spelled out.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(instance, production),
        # Keys the client hashes (stored with responses) and the rate-limit keys, apart
        # from SECRET_KEY, which signs links and must never change: this one may. The
        # key in use changes every CLIENT_HASH_ROTATION_DAYS (portal.clients), so hashes
        # from different periods cannot be linked to each other.
        "CLIENT_HASH_SECRET": _secret_key(instance, production, "CLIENT_HASH_SECRET"),
        "CLIENT_HASH_ROTATION_DAYS": _positive(
            "CLIENT_HASH_ROTATION_DAYS", _env_int("CLIENT_HASH_ROTATION_DAYS", 30)
        ),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": (_env("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        # If the limit storage (Redis) fails, limits fail open and the error is logged:
        # a citizen at the counter must never be turned away for it. Logins fail closed
        # instead (portal.auth), since unlimited password guessing is the worse harm.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Lets several portals (or test runs) share one Redis without sharing counts.
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX", "suara-layanan"),
        # Survey submissions are limited three ways (docs/decisions/0005-submission-limits.md):
        # per device at one counter (strict: stuffing), per counter (a plausible service
        # rate), per client address (lenient: a carrier NAT or office Wi-Fi is one address).
        "SURVEY_DEVICE_LIMIT": _env("SURVEY_DEVICE_LIMIT", "5 per hour;10 per day"),
        "SURVEY_COUNTER_LIMIT": _env("SURVEY_COUNTER_LIMIT", "30 per 10 minutes;120 per hour"),
        "SURVEY_ADDRESS_LIMIT": _env("SURVEY_ADDRESS_LIMIT", "100 per minute;1000 per hour"),
        # Answers sent within this many minutes of opening the page credit whom it showed.
        "SERVICE_TIME_WINDOW_MINUTES": _env_int("SERVICE_TIME_WINDOW_MINUTES", 120),
        # Told to a client whose submission met a database failure: when to try again.
        "RETRY_AFTER_SECONDS": _env_int("RETRY_AFTER_SECONDS", 15),
        "LOGIN_LIMIT": _env("LOGIN_LIMIT", "10 per minute;50 per hour"),
        # Integrity flags on survey responses (surveys.integrity): which rules run, which
        # of them leave a response out of every score until reviewed, and thresholds.
        "INTEGRITY_RULES": _integrity_rules(),
        # Failed logins per account name, from any address (portal.services.logins): at
        # the limit the name is locked for LOGIN_LOCKOUT_MINUTES, even for the right password.
        "LOGIN_ACCOUNT_LIMIT": _env("LOGIN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        "LOGIN_LOCKOUT_MINUTES": _env_int("LOGIN_LOCKOUT_MINUTES", 15),
        # A staff session ends after this long without a request, and this long after
        # its login whatever happens (portal.sessions).
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
        "PROXY_FIX_X_FOR": _env_int("PROXY_FIX_X_FOR", 0),
        # The portal's own log level (DEBUG, INFO, WARNING, ERROR); logs go to stderr.
        "LOG_LEVEL": _log_level(),
        "COMMENT_MAX_LENGTH": _env_int("COMMENT_MAX_LENGTH", 1000),
        # Comments and client hashes older than this many days are erased by
        # `flask privacy purge` (portal.services.privacy); the scores stay.
        "RETENTION_DAYS": _positive("RETENTION_DAYS", _env_int("RETENTION_DAYS", 365)),
        # How stale a survey page's view of the directory may be (portal.services.directory):
        # a process reads the directory stamp at most once per this many milliseconds.
        "DIRECTORY_REFRESH_MS": _env_int("DIRECTORY_REFRESH_MS", 1000),
        # Below this many respondents, no number about a person is shown (surveys.policy).
        "REPORT_POLICY": ReportPolicy(minimum_for_person=_env_int("PERSON_SCORE_MINIMUM", 30)),
        # The appraisal API (docs/api.md): suggested expectation, closing, limits.
        "APPRAISAL_THRESHOLDS": _thresholds(),
        # Respondent-profile cells below this count are suppressed (portal.services.profile).
        "PROFILE_MIN_CELL": _env_int("PROFILE_MIN_CELL", 5),
        "PERIOD_GRACE_DAYS": _env_int("PERIOD_GRACE_DAYS", DEFAULT_GRACE_DAYS),
        "API_CLIENT_LIMIT": _env("API_CLIENT_LIMIT", "120 per minute;3000 per hour"),
        "API_ADDRESS_LIMIT": _env("API_ADDRESS_LIMIT", "300 per minute"),
        "API_PAGE_SIZE": _env_int("API_PAGE_SIZE", 500),
        # How long a client may cache a closed period's answer (its bytes never change).
        "API_CLOSED_MAX_AGE": _env_int("API_CLOSED_MAX_AGE", 7 * 24 * 3600),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_TRANSLATION_DIRECTORIES": str(
            Path(__file__).resolve().parent.parent / "translations"
        ),
        # SP4N-LAPOR!, the national complaint channel; a unit may name its own instead.
        "COMPLAINT_URL": _env("COMPLAINT_URL", "https://www.lapor.go.id"),
        "COMPLAINT_NAME": _env("COMPLAINT_NAME", "SP4N-LAPOR!"),
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",
            "image/svg+xml",
            "application/json",
        ],
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A citizen may take a while at the counter; keep their form valid for a working day.
        "WTF_CSRF_TIME_LIMIT": _env_int("WTF_CSRF_TIME_LIMIT", 8 * 3600),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # How long the database may keep a request waiting (portal.config.engine_options):
        # SQLite for its write lock; PostgreSQL for a lock, a statement, a new connection.
        "DATABASE_LOCK_TIMEOUT_MS": _env_int("DATABASE_LOCK_TIMEOUT_MS", 3000),
        "DATABASE_STATEMENT_TIMEOUT_MS": _env_int("DATABASE_STATEMENT_TIMEOUT_MS", 5000),
        "DATABASE_CONNECT_TIMEOUT_S": _env_int("DATABASE_CONNECT_TIMEOUT_S", 3),
    }

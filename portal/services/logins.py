"""Staff logins: the password check behind a per-account lockout, and the login log.

Besides the limit per client address (``LOGIN_LIMIT``, portal.auth), failed logins are
counted per account name, whatever address they come from: after ``LOGIN_ACCOUNT_LIMIT``
failures the name is locked for ``LOGIN_LOCKOUT_MINUTES``, even for the right password.
The counts live in the rate limiter's storage (Redis in production), under a keyed hash
of the normalized name, never the name itself. Unknown names are counted and locked
just like real ones, so the answer never tells whether an account exists.

Every attempt is recorded as a ``LoginEvent``, with a keyed hash of the name and of the
client, never what was typed or the address. Services flush; the request commits.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute, parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import LoginEvent, LoginOutcome, User, utcnow
from portal.services import accounts

PER_PAGE = 50


def normalize(username: str) -> str:
    """The name as accounts store it (``accounts.authenticate`` matches the same way)."""
    return (username or "").strip().lower()[:80]


def name_hash(secret: str, username: str) -> str:
    """Return a keyed hash of a normalized account name: for counts and the log."""
    key = hashlib.sha256(f"login-name:{secret}".encode()).digest()
    return hmac.new(key, normalize(username).encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    """Failed logins per account name, in the rate limiter's storage.

    ``storage`` None (rate limiting switched off) counts nothing and locks nobody.
    """

    storage: Storage | None
    failures: RateLimitItem
    lockout: RateLimitItem
    prefix: str = ""

    @classmethod
    def of(cls, storage: Storage | None, limit: str, lockout_minutes: int, prefix: str = ""):
        return cls(storage, parse(limit), RateLimitItemPerMinute(1, lockout_minutes), prefix)

    @property
    def minutes(self) -> int:
        return max(1, self.lockout.get_expiry() // 60)

    def _strategy(self) -> FixedWindowRateLimiter:
        return FixedWindowRateLimiter(self.storage)

    def locked(self, key: str) -> bool:
        if self.storage is None:
            return False
        return not self._strategy().test(self.lockout, self.prefix, "login-lock", key)

    def failed(self, key: str) -> None:
        """Count a failure; the one that reaches the limit locks the name."""
        if self.storage is None:
            return
        strategy = self._strategy()
        strategy.hit(self.failures, self.prefix, "login-fail", key)
        if not strategy.test(self.failures, self.prefix, "login-fail", key):
            strategy.hit(self.lockout, self.prefix, "login-lock", key)
            # After the lockout the name starts again with its full allowance.
            strategy.clear(self.failures, self.prefix, "login-fail", key)

    def succeeded(self, key: str) -> None:
        if self.storage is not None:
            self._strategy().clear(self.failures, self.prefix, "login-fail", key)


@dataclass(frozen=True)
class Attempt:
    outcome: str
    user: User | None  # only when the login succeeded

    @property
    def locked(self) -> bool:
        return self.outcome == LoginOutcome.LOCKED


def log_in(
    session: Session,
    throttle: Throttle,
    username: str,
    password: str,
    *,
    secret: str,
    client: str,
) -> Attempt:
    """Check a login and record it; return its outcome and, on success, the user."""
    name = normalize(username)
    key = name_hash(secret, name)
    user = session.scalar(select(User).where(User.username == name))
    if throttle.locked(key):
        outcome = LoginOutcome.LOCKED
    elif user is None:
        accounts.check_nothing(password)  # as slow as checking a real account
        outcome = LoginOutcome.UNKNOWN_ACCOUNT
    else:
        right = user.check_password(password)
        if not user.active:
            outcome = LoginOutcome.INACTIVE
        else:
            outcome = LoginOutcome.SUCCESS if right else LoginOutcome.WRONG_PASSWORD
    if outcome == LoginOutcome.SUCCESS:
        throttle.succeeded(key)
    elif outcome != LoginOutcome.LOCKED:
        throttle.failed(key)
    session.add(
        LoginEvent(
            at=utcnow(),
            user_id=user.id if user is not None else None,
            name_hash=key,
            outcome=outcome,
            client_hash=client[:32],
        )
    )
    session.flush()
    return Attempt(outcome, user if outcome == LoginOutcome.SUCCESS else None)


@dataclass(frozen=True)
class Filters:
    account: str = ""  # a name as typed at the login: known or not
    outcome: str = ""


@dataclass(frozen=True)
class Page:
    events: list[LoginEvent]
    number: int
    has_next: bool


def search(session: Session, secret: str, filters: Filters = Filters(), *, page: int = 1) -> Page:
    """Return one page of login events, newest first."""
    page = max(1, min(page, 100_000))
    query = select(LoginEvent).options(joinedload(LoginEvent.user))
    if filters.account:
        query = query.where(LoginEvent.name_hash == name_hash(secret, filters.account))
    if filters.outcome in LoginOutcome.ALL:
        query = query.where(LoginEvent.outcome == filters.outcome)
    rows = list(
        session.scalars(
            query.order_by(LoginEvent.at.desc(), LoginEvent.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    return Page(rows[:PER_PAGE], page, len(rows) > PER_PAGE)

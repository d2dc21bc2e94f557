"""Keyed hashes of a client (an address, a user agent, a device id): never the value itself.

Every hash the portal stores or counts under (the client hash kept with a response, the
rate-limit keys in Redis, a login log) is derived here, from ``CLIENT_HASH_SECRET`` and
never from ``SECRET_KEY``, which signs the printed links and so can never change.

The key in use rotates: it is HMAC(``CLIENT_HASH_SECRET``, period number), a period
being ``CLIENT_HASH_ROTATION_DAYS`` days counted from 1 January 1970 (UTC). One device
has one hash within a period and an unrelated one in the next, so hashes kept from
different periods cannot be linked, and a hash tells nothing once its period is over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import current_app

from portal.models.base import utcnow

_EPOCH = dt.datetime(1970, 1, 1)


def period_number(at: dt.datetime, rotation_days: int) -> int:
    """Return the rotation period ``at`` (naive UTC, or aware) falls in."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return (at - _EPOCH).days // rotation_days


def period_key(secret: str, purpose: str, period: int) -> bytes:
    """Return the key of one purpose (``client``, ``rate-limit``) in one period."""
    return hmac.new(secret.encode(), f"{purpose}:{period}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str, *, at: dt.datetime | None = None, length: int = 32) -> str:
    """Return the first ``length`` hex digits of ``value``'s HMAC under this period's key.

    ``purpose`` separates the uses, so a rate-limit key never equals a stored hash.
    """
    config = current_app.config
    period = period_number(at or utcnow(), config["CLIENT_HASH_ROTATION_DAYS"])
    key = period_key(config["CLIENT_HASH_SECRET"], purpose, period)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:length]


def client_hash(address: str | None, user_agent: str | None, at: dt.datetime | None = None) -> str:
    """Return the hash that recognises one client (address and browser) within a period."""
    return keyed_hash("client", f"{address or ''}|{user_agent or ''}", at=at)


def device_hash(device_id: str, at: dt.datetime | None = None) -> str:
    """Return the hash that recognises one browser's device id (``perangkat``) within a
    period: what responses and staff devices keep (``portal.services.integrity``)."""
    return keyed_hash("device", device_id, at=at)

"""API clients: the appraisal systems allowed to pull scores, their keys and calls.

A key is shown once, when the client is created, and only its SHA-256 is stored. A
client is scoped to a unit subtree or the whole Pemda (``portal.services.viewer``);
revoking it ends every call at once. Each authenticated call is recorded (client,
route, status, time), so an administrator sees who pulled what and when.

Services flush; the request or the CLI command commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import ApiCall, ApiClient, Unit, utcnow
from portal.services import audit
from surveys.errors import NotFound, SurveyError

KEY_PREFIX = "sl_"
NAME_MAX = 120


class ClientNotFound(NotFound):
    """No API client with that id."""


class InvalidClient(SurveyError):
    """A client that cannot be created as asked (name empty, taken, unknown unit)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    session: Session, name: str, unit_id: int | None = None, *, by: str
) -> tuple[ApiClient, str]:
    """Create a client; return it and its key, which is never shown again."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidClient(f"A client needs a name of 1 to {NAME_MAX} characters.")
    if session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise InvalidClient(f"A client named {name!r} already exists.")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise InvalidClient(f"No unit with id {unit_id}.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, key_hash=hash_key(key), key_prefix=key[:10], unit_id=unit_id)
    session.add(client)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="api_client.create",
        target_type="api_client",
        target_id=client.id,
        label=client.name,
        after=audit.state(client, ("name", "unit_id", "key_prefix")),
    )
    return client, key


def authenticate(session: Session, key: str) -> ApiClient | None:
    """Return the active client holding ``key``, or None (unknown or revoked)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.key_hash == hash_key(key)))
    return client if client is not None and client.active else None


def get(session: Session, client_id: int) -> ApiClient:
    found = session.get(ApiClient, client_id)
    if found is None:
        raise ClientNotFound(f"No API client {client_id}.")
    return found


def listing(session: Session, text: str = "") -> list[ApiClient]:
    """Return every client (whose name holds ``text``, if given), active first, by name.

    A Pemda has a handful of appraisal systems, so the list is not paginated."""
    query = select(ApiClient).options(selectinload(ApiClient.unit))
    if text:
        query = query.where(func.lower(ApiClient.name).contains(text.lower(), autoescape=True))
    return sorted(session.scalars(query), key=lambda c: (not c.active, c.name.lower()))


def revoke(
    session: Session, client_id: int, now: dt.datetime | None = None, *, by: str
) -> ApiClient:
    """Revoke a client's key for good; a second revoke keeps the first time."""
    client = get(session, client_id)
    if client.revoked_at is None:
        client.revoked_at = now or utcnow()
        audit.record(
            session,
            actor=by,
            action="api_client.revoke",
            target_type="api_client",
            target_id=client.id,
            label=client.name,
            before={"revoked_at": None},
            after=audit.state(client, ("revoked_at",)),
        )
    session.flush()
    return client


def record_call(
    session: Session,
    client_id: int,
    *,
    method: str,
    route: str,
    path: str,
    status: int,
    duration_ms: int,
    at: dt.datetime | None = None,
) -> None:
    """Record one authenticated call and mark the client as used."""
    at = at or utcnow()
    session.add(
        ApiCall(
            client_id=client_id,
            at=at,
            method=method[:8],
            route=route[:120],
            path=path[:300],
            status=status,
            duration_ms=duration_ms,
        )
    )
    client = session.get(ApiClient, client_id)
    if client is not None:
        client.last_used_at = at
    session.flush()


def recent_calls(session: Session, client_id: int, limit: int = 50) -> list[ApiCall]:
    get(session, client_id)
    return list(
        session.scalars(
            select(ApiCall)
            .where(ApiCall.client_id == client_id)
            .order_by(ApiCall.at.desc(), ApiCall.id.desc())
            .limit(limit)
        )
    )

"""Survey submission limits that stop stuffing, not queues.

Three limits apply to every survey POST (``docs/decisions/0005-submission-limits.md``):

- per device at one counter (strict): one phone cannot rate a counter over and over;
- per counter (a plausible service rate): a counter cannot receive more answers than
  it can serve citizens, whoever sends them;
- per client address (lenient): hundreds of citizens behind one carrier NAT or office
  Wi-Fi share an address, so this only stops a single machine flooding the portal.

Keys never hold an address or a cookie as sent: they are keyed hashes, so the limit
storage (Redis) holds nothing that identifies a citizen (``portal.clients``).
"""

from __future__ import annotations

from flask import current_app, request

from portal import clients, openings, tokens
from portal.citizen import device


def _hashed(kind: str, value: str) -> str:
    return kind + ":" + clients.keyed_hash("rate-limit", value, length=24)


def _link() -> str:
    claim = tokens.read((request.view_args or {}).get("token", ""))
    return f"{claim.kind}{claim.target_id}" if claim else "unknown"


def device_at_counter() -> str:
    """The key of the strict limit: this device at this counter (or card)."""
    known = device.from_cookie()
    if known is None:
        claim = tokens.read((request.view_args or {}).get("token", ""))
        record = openings.read(request.form.get("opened"), claim)
        known = record.device if record and device.is_valid(record.device) else None
    # A client with neither cookie nor opening record counts by its address here too.
    who = known or f"address:{request.remote_addr or 'unknown'}"
    return _hashed("device", f"{who}|{_link()}")


def counter() -> str:
    """The key of the service-rate limit: the counter (or card) itself."""
    return "counter:" + _link()


def address() -> str:
    """The key of the lenient limit: the client's address, hashed."""
    return _hashed("address", request.remote_addr or "unknown")


def device_limit() -> str:
    return current_app.config["SURVEY_DEVICE_LIMIT"]


def counter_limit() -> str:
    return current_app.config["SURVEY_COUNTER_LIMIT"]


def address_limit() -> str:
    return current_app.config["SURVEY_ADDRESS_LIMIT"]

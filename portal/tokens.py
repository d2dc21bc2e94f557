"""Signed survey links: a counter's poster or an employee's personal card.

A token carries the target and a version. The signature stops anyone from guessing
other counters' links; the version lets an administrator revoke every printed copy
of a poster at once by bumping it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

COUNTER = "c"
CARD = "e"
_SALT = "survey-link"


@dataclass(frozen=True)
class LinkClaim:
    kind: str  # COUNTER or CARD
    target_id: int
    version: int


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign(kind: str, target_id: int, version: int) -> str:
    return _serializer().dumps([kind, target_id, version])


def read(token: str) -> LinkClaim | None:
    """Return what a token claims, or None if it was not signed by us or is malformed."""
    if not token or len(token) > 200:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    match payload:
        case [str(kind), int(target_id), int(version)] if kind in (COUNTER, CARD):
            return LinkClaim(kind, target_id, version)
    return None

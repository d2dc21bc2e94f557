"""The signed record of when and where a survey page was opened, and whom it showed.

It travels in the survey form beside the submission id, so the answers are credited to
whoever served at the moment the page was opened (``surveys.attribution``), however
late they arrive. The signature stops a citizen from choosing whom to credit or when;
it is bound to the link the page was opened from, so a record cannot be moved to
another counter's form. It also carries the device id the page was given, so the
per-device limit holds for a browser that refuses cookies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.tokens import LinkClaim
from surveys.attribution import Opening

_SALT = "survey-opening"
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class OpeningRecord:
    opening: Opening
    device: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign(claim: LinkClaim, opened_at: dt.datetime, shown_employee_id: int | None, device: str):
    """Return the form value recording that ``claim``'s page was opened at ``opened_at``
    (naive UTC) showing ``shown_employee_id`` on duty, on ``device``."""
    seconds = int((opened_at - _EPOCH).total_seconds())
    return _serializer().dumps(
        [claim.kind, claim.target_id, claim.version, seconds, shown_employee_id or 0, device]
    )


def read(value: str | None, claim: LinkClaim | None) -> OpeningRecord | None:
    """Return what a form's opening record says, or None if it is missing, not ours, or
    was issued for another link."""
    if not value or claim is None or len(value) > 300:
        return None
    try:
        payload = _serializer().loads(value)
    except BadSignature:
        return None
    match payload:
        case [str(kind), int(target), int(version), int(seconds), int(shown), str(device)]:
            if (kind, target, version) != (claim.kind, claim.target_id, claim.version):
                return None
            if not 0 <= seconds < 2**33:
                return None
            opened_at = _EPOCH + dt.timedelta(seconds=seconds)
            return OpeningRecord(Opening(opened_at, shown or None), device)
    return None

"""Files an administrator uploads for a dry run, kept until the import is confirmed.

A checked file waits in the instance folder under a random name; confirming reads it
again (nothing the browser sends back is trusted) and removes it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from portal import inputs
from portal.extensions import csrf

MAX_UPLOAD = 10 * 1024 * 1024


def read_upload(field: str = "file") -> tuple[bytes, str] | None:
    """Return the uploaded file's bytes and name (None when over the limit), after the
    CSRF check: call it from a view exempted from the global check."""
    # The portal takes 64 KB bodies; a spreadsheet of ten thousand rows is larger.
    request.max_content_length = MAX_UPLOAD + 64 * 1024
    try:
        csrf.protect()
    except RequestEntityTooLarge:
        return None  # refused before anything was read or changed: no token needed
    upload = request.files.get(field)
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if len(data) > MAX_UPLOAD:
        return None
    return data, inputs.clean(upload.filename or "" if upload else "")[:200] or "berkas"


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(data: bytes) -> str:
    """Keep a checked file; return the token that names it."""
    token = secrets.token_hex(16)
    (_folder() / f"{token}.upload").write_bytes(data)
    return token


def path(token: str) -> Path:
    """The kept file a token names (404 for a token that cannot be one)."""
    if len(token) != 32 or not token.isalnum():
        abort(404)
    return _folder() / f"{token}.upload"

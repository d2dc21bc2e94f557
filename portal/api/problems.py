"""Errors as ``application/problem+json`` (RFC 9457), with types a client can rely on.

Every refusal under ``/api`` is one of these: never an HTML page, never a stack trace.
The ``type`` values are stable identifiers (``docs/api.md`` lists them); ``title`` is
the same for every problem of a type, ``detail`` says what was wrong this time.
"""

from __future__ import annotations

import json

from flask import Response

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:suara-layanan:problem:"

# status -> (type slug, title) for refusals that carry no domain-specific type.
BY_STATUS = {
    400: ("invalid-request", "The request is malformed."),
    401: ("unauthorized", "A valid API key is required."),
    403: ("forbidden", "Outside this client's scope."),
    404: ("not-found", "No such resource."),
    405: ("method-not-allowed", "This resource does not accept that method."),
    406: ("not-acceptable", "This API answers in JSON only."),
    409: ("conflict", "The request conflicts with the resource's state."),
    413: ("too-large", "The request is too large."),
    429: ("rate-limited", "Too many requests for this client."),
    500: ("internal-error", "The server failed to answer; it has been logged."),
    503: ("unavailable", "The service is briefly unavailable; retry later."),
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: dict | None = None,
) -> Response:
    """Return a problem+json response; ``kind`` overrides the status's default type."""
    default_kind, default_title = BY_STATUS.get(status, BY_STATUS[500])
    body = {
        "type": TYPE_BASE + (kind or default_kind),
        "title": title or default_title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    response = Response(
        json.dumps(body, ensure_ascii=False, sort_keys=True), status=status, mimetype=MEDIA_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response

"""``/api/v1``: the appraisal module pulls scores by NIP with a bearer key.

Views parse, authorize and shape; every number comes from ``portal.services.appraisal``
(live) or ``portal.services.snapshots`` (closed periods). A closed period is answered
from its snapshot, so its bytes never change; every score answer carries an ETag.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from portal import database
from portal.api import problems, schemas
from portal.extensions import db, limiter
from portal.services import api_clients, appraisal, reports, score_reads, snapshots
from portal.services.viewer import Viewer
from surveys.errors import SurveyError
from surveys.periods import InvalidPeriod

log = logging.getLogger(__name__)

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Scores for the appraisal module, by NIP (docs/api.md).",
)

ERRORS = (400, 401, 403, 404, 429)
ETAG_HEADER = {
    "ETag": {
        "description": "Send it back as If-None-Match to get 304 when nothing changed.",
        "schema": {"type": "string"},
    }
}


def _documented(*codes: int):
    """Declare the problem+json answers a route may give, for the OpenAPI document."""

    def decorate(view):
        for code in reversed(codes):
            view = bp.alt_response(
                code,
                schema=schemas.Problem,
                content_type=problems.MEDIA_TYPE,
                description=problems.BY_STATUS[code][1],
            )(view)
        return view

    return decorate


# --- who is calling ---------------------------------------------------------------


def key_bucket() -> str:
    """Rate-limit key per API key, from the header alone (no database read)."""
    return "api-key:" + api_clients.hash_key(_bearer_key())[:24]


def _bearer_key() -> str:
    """Return the key of an ``Authorization: Bearer <key>`` header, or ""."""
    scheme, _, key = request.headers.get("Authorization", "").strip().partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


limiter.limit(lambda: current_app.config["API_CLIENT_LIMIT"], key_func=key_bucket)(bp)
limiter.limit(lambda: current_app.config["API_ADDRESS_LIMIT"])(bp)


@bp.before_request
def authenticate():
    g.api_started = time.perf_counter()
    g.api_client_id = None
    key = _bearer_key()
    client = api_clients.authenticate(db.session, key) if key else None
    if client is None:
        log.info("API call refused: no valid key (%s %s)", request.method, request.path)
        return problems.problem(
            401,
            "Send the client's key as 'Authorization: Bearer <key>'; it may be revoked.",
            headers={"WWW-Authenticate": 'Bearer realm="suara-layanan"'},
        )
    g.api_client_id = client.id
    g.api_viewer = Viewer.api_client(client, current_app.config["REPORT_POLICY"])
    return None


@bp.after_request
def record(response):
    """Log every authenticated call (client, route, status, time) in its own commit."""
    client_id = getattr(g, "api_client_id", None)
    if client_id is None:
        return response
    try:
        db.session.rollback()  # the view only read; start the log write clean
        api_clients.record_call(
            db.session,
            client_id,
            method=request.method,
            route=request.url_rule.rule if request.url_rule else request.path,
            path=request.path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - g.api_started) * 1000),
        )
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - a lost log line must not fail the answer
        database.reset(db.session)
        log.warning("API call not recorded: %s", error.__class__.__name__)
    return response


# --- errors -------------------------------------------------------------------------


@bp.errorhandler(SurveyError)
def domain_error(error: SurveyError):
    kind = "invalid-period" if isinstance(error, InvalidPeriod) else None
    if isinstance(error, reports.ScopeNotFound):
        # Existence was checked first; what is left is out of the client's scope.
        return problems.problem(403, "Outside this client's scope.")
    return problems.problem(error.http_status, str(error), kind=kind)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    if error.code == 400 and "messages" in data:  # webargs: query parameters
        fields = data["messages"].get("query", {})
        kind = {"period": "invalid-period", "cursor": "invalid-cursor"}.get(
            next(iter(fields)) if len(fields) == 1 else "", "invalid-parameter"
        )
        return problems.problem(400, _describe(data["messages"]), kind=kind)
    if error.code == 429:
        return problems.problem(
            429, "Limit: " + str(error.description), headers=_retry_headers(error)
        )
    return problems.problem(error.code or 500, error.description)


def _retry_headers(error) -> dict:
    """Say when the exceeded limit's window resets (at least one second)."""
    current = limiter.current_limit
    seconds = int(current.reset_at - time.time()) + 1 if current is not None else 60
    return {"Retry-After": str(max(seconds, 1))}


def _describe(messages) -> str:
    fields = messages.get("query", messages) if isinstance(messages, dict) else {}
    parts = [f"{name}: {' '.join(map(str, errs))}" for name, errs in sorted(fields.items())]
    return "; ".join(parts) or "Invalid query parameters."


# --- helpers ------------------------------------------------------------------------


def _settings() -> appraisal.Settings:
    return appraisal.Settings(thresholds=current_app.config["APPRAISAL_THRESHOLDS"])


def _source(period: str, snapshot_id: int | None) -> score_reads.Source:
    """Return what answers for the period, and say how long the answer may be cached."""
    src = score_reads.source(db.session, appraisal.parse_period(period), snapshot_id)
    # Only a snapshot named by id never changes; the period's own URL answers a new
    # snapshot after a reopening, so it is revalidated (cheaply, with its ETag).
    g.api_cache = (
        f"private, max-age={current_app.config['API_CLOSED_MAX_AGE']}, immutable"
        if snapshot_id is not None
        else "private, no-cache"
    )
    return src


@bp.after_request
def cache_headers(response):
    """An ETag on every answer, from its bytes, and 304 when the client has them
    (werkzeug's conditional responses); then how long the answer may be kept."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    if response.status_code in (200, 304) and getattr(g, "api_cache", None):
        response.headers["Cache-Control"] = g.api_cache
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


# --- routes -------------------------------------------------------------------------


@bp.route("/periods")
@bp.response(200, schemas.PeriodList)
@_documented(401, 429)
def periods():
    """Known periods: open, or closed with their snapshots."""
    known = {p.code: p for p in appraisal.known_periods(db.session)}
    closed = snapshots.by_period(db.session)
    for code in closed.keys() - known.keys():  # closed without any response
        known[code] = appraisal.parse_period(code)
    items = []
    for period in appraisal.newest_first(known.values()):
        history = closed.get(period.code, [])
        current = any(s.current for s in history)
        items.append(
            {
                **appraisal.period_object(period, appraisal.CLOSED if current else appraisal.OPEN),
                "kind": period.kind,
                "snapshots": [
                    {
                        "id": s.id,
                        "version": s.version,
                        "closed_at": _utc(s.closed_at),
                        "reopened_at": _utc(s.reopened_at),
                        "current": s.current,
                    }
                    for s in history
                ],
            }
        )
    g.api_cache = "private, no-cache"
    return {"items": items}


@bp.route("/employees/<string:nip>/score")
@bp.arguments(schemas.PeriodQuery, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, schemas.EmployeeScore, headers=ETAG_HEADER)
@bp.alt_response(304, description="Not modified: the If-None-Match ETag is current.")
@_documented(*ERRORS)
def employee_score(nip: str, period: str, snapshot: int | None = None):
    """One employee's score for a period, by NIP."""
    src = _source(period, snapshot)
    return _send(score_reads.employee(db.session, g.api_viewer, src, nip, _settings()))


@bp.route("/scores")
@bp.arguments(schemas.ScoresQuery, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, schemas.ScoresPage, headers=ETAG_HEADER)
@bp.alt_response(304, description="Not modified: the If-None-Match ETag is current.")
@_documented(*ERRORS)
def scores(
    period: str,
    snapshot: int | None = None,
    unit: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Every employee in scope, in NIP order, a page at a time."""
    after = cursor  # the last NIP of the previous page (the schema checks its form)
    limit = limit or current_app.config["API_PAGE_SIZE"]
    src = _source(period, snapshot)
    items = score_reads.employees(
        db.session, g.api_viewer, src, _settings(), unit_id=unit, after=after, limit=limit + 1
    )
    more = len(items) > limit
    items = items[:limit]
    last = score_reads.as_data(items[-1])["nip"] if more else None
    page = {
        "period": appraisal.period_object(src.period, src.status),
        "snapshot_id": src.snapshot.id if src.snapshot is not None else None,
        "next_cursor": last,
    }
    if src.snapshot is None:
        return _send({**page, "items": items})
    # Frozen objects are sent as stored; keys in the order jsonify sorts them.
    rest = json.dumps(page, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _json('{"items":[' + ",".join(i.text for i in items) + "]," + rest[1:])


@bp.route("/units/<int:unit_id>/score")
@bp.arguments(schemas.PeriodQuery, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, schemas.UnitScore, headers=ETAG_HEADER)
@bp.alt_response(304, description="Not modified: the If-None-Match ETag is current.")
@_documented(*ERRORS)
def unit_score(unit_id: int, period: str, snapshot: int | None = None):
    """A unit's score with per-unsur detail and its children's scores."""
    src = _source(period, snapshot)
    return _send(score_reads.unit(db.session, g.api_viewer, src, unit_id))


def _utc(at):
    """Stored times are naive UTC; the API says so (RFC 3339 wants the offset)."""
    return None if at is None else at.replace(tzinfo=dt.UTC)


def _json(text: str) -> Response:
    return Response(text, mimetype="application/json")


def _send(obj):
    """Send a score object as built: a frozen one as stored, a live one as JSON.

    Both are built in their schema's exact shape (``portal.services.appraisal``), so
    passing them through marshmallow again changes nothing and cost 45-77 ms on a
    500-employee page (decision record 0007); tests and schemathesis check every kind
    of answer against the schema that the OpenAPI document is generated from.
    """
    if isinstance(obj, score_reads.Frozen):
        return _json(obj.text)
    return current_app.json.response(obj)

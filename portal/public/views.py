"""Pages that need no login and no survey link: home, language choice, health checks,
and each unit's published results."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import database, labels
from portal.database import UNAVAILABLE
from portal.extensions import db, limiter
from portal.i18n import LANGUAGES, remember_language
from portal.models import Role, utcnow
from portal.navigation import safe_next
from portal.services import appraisal, followup, health, org, population, profile, reports
from portal.services.viewer import Viewer
from surveys import calendar, periods

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/bahasa/<code>")
def language(code: str):
    """Remember the visitor's language; a plain link, so it works without JavaScript."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for(".home"))
    return remember_language(response, code, secure=current_app.config["PRODUCTION"])


@bp.get("/privasi")
def privacy():
    """The privacy notice (UU 27/2022): what a survey keeps, for how long, and why."""
    return render_template("public/privacy.html")


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. Touches nothing else, so it never flaps."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Readiness: the database and the rate-limit storage answer.

    Anyone may ask, so the answer says ready or not and nothing about the stack; which
    check failed goes to the log, and the details to a signed-in administrator.
    """
    checks = [health.database(db.session), health.rate_limit_storage(limiter)]
    ready = all(c.ok for c in checks)
    body = {"status": "ok" if ready else "unavailable"}
    if _is_admin():
        body.update({c.name: c.detail for c in checks})
    return body, 200 if ready else 503


def _is_admin() -> bool:
    """Whether the caller is a signed-in administrator; False when the database cannot say."""
    try:
        return current_user.is_authenticated and current_user.role == Role.ADMIN
    except UNAVAILABLE:
        database.reset(db.session)
        return False


@bp.get("/hasil/<int:unit_id>")
def results(unit_id: int):
    """A unit's published results for a period: no login, no employee named."""
    policy = current_app.config["REPORT_POLICY"]
    viewer = Viewer.public(policy)
    unit = org.unit(db.session, unit_id)
    scope = reports.Scope("unit", unit.id)
    today = calendar.to_local(utcnow(), unit.timezone).date()
    period = None
    if request.args.get("periode"):
        try:
            period = periods.parse(request.args["periode"])
        except periods.InvalidPeriod:
            abort(404)
    if period is None:
        latest = reports.latest_month(db.session, viewer, scope)
        start = latest or today
        period = periods.month(start.year, start.month)
    overall = population.unit_report(db.session, viewer, unit.id, period)
    return render_template(
        "public/results.html",
        unit=unit,
        period=period,
        last_day=period.end - dt.timedelta(days=1),
        choices=periods.recent(today),
        overall=overall,
        unsur_names=appraisal.unsur_names(),
        children=reports.breakdown(db.session, viewer, scope, period, "unit"),
        profile=profile.profile(
            db.session,
            viewer,
            scope,
            period,
            minimum=current_app.config["PROFILE_MIN_CELL"],
            dimensions=("sex", "education"),
        ),
        minimum=current_app.config["PROFILE_MIN_CELL"],
        actions=followup.plan(db.session, viewer, unit.id, period),
        statuses=labels.ACTION_STATUS,
    )

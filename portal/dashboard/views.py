"""The unit head's dashboard: this month's IKM of their unit, per counter and per employee."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.auth import current_viewer, require_roles
from portal.extensions import db
from portal.models import Role, utcnow
from portal.services import reports
from surveys import calendar, periods

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")
bp.before_request(require_roles(Role.ADMIN, Role.UNIT_HEAD))


@bp.get("/")
def index():
    unit = current_user.unit
    if unit is None:
        abort(403)
    today = calendar.to_local(utcnow(), unit.timezone).date()
    period = periods.month(today.year, today.month)
    scope = reports.Scope("unit", unit.id)
    viewer = current_viewer()
    return render_template(
        "dashboard/index.html",
        unit=unit,
        period=period,
        overall=reports.score_for(db.session, viewer, scope, period),
        counters=reports.breakdown(db.session, viewer, scope, period, "counter"),
        employees=reports.breakdown(db.session, viewer, scope, period, "employee"),
    )

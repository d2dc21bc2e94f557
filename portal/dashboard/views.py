"""The unit head's dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.auth import require_roles
from portal.extensions import db
from portal.models import Role, utcnow
from portal.services import activity
from surveys import calendar

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")
bp.before_request(require_roles(Role.ADMIN, Role.UNIT_HEAD))


@bp.get("/")
def index():
    unit = current_user.unit
    if unit is None:
        abort(403)
    month = calendar.local_month(utcnow(), unit.timezone)
    return render_template(
        "dashboard/index.html", unit=unit, activity=activity.for_unit(db.session, unit, month)
    )

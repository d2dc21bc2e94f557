"""The audit log for administrators: every change, filterable, and as a CSV file."""

from __future__ import annotations

import datetime as dt

from flask import Response, render_template, request

from portal import inputs
from portal.admin.views import bp
from portal.extensions import db
from portal.services import audit, spreadsheets


def _date_arg(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def _filters() -> audit.Filters:
    return audit.Filters(
        actor=request.args.get("oleh", "").strip()[:80],
        action=request.args.get("tindakan", "").strip()[:40],
        target_type=request.args.get("jenis", "").strip()[:20],
        start=_date_arg("dari"),
        end=_date_arg("sampai"),
    )


@bp.get("/audit")
def audit_page():
    filters = _filters()
    page = audit.search(db.session, filters, page=request.args.get("hal", 1, type=inputs.whole))
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "admin/audit.html",
        filters=filters,
        page=page,
        actions=audit.actions(db.session),
        args=args,
    )


@bp.get("/audit.csv")
def audit_csv():
    body = spreadsheets.render([audit.export(db.session, _filters())], "csv")
    response = Response(body, mimetype=spreadsheets.MIMETYPES["csv"])
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response

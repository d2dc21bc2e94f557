"""The appraisal module's administration: API clients, closing periods, evidence files.

Registered on the admin blueprint (administrators only). Every number shown or
downloaded here comes through ``portal.services.score_reads``, like the API's.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import inputs
from portal.admin.views import bp
from portal.extensions import db
from portal.services import (
    api_clients,
    appraisal,
    evidence,
    org,
    score_reads,
    snapshots,
    spreadsheets,
)
from portal.services.viewer import Viewer
from surveys.errors import SurveyError
from surveys.periods import InvalidPeriod


def _settings() -> appraisal.Settings:
    return appraisal.Settings(thresholds=current_app.config["APPRAISAL_THRESHOLDS"])


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api-klien")
def api_clients_page(created=None, key=None, error=None):
    units = org.units(db.session)
    text = request.args.get("q", "").strip()[:120]
    page = render_template(
        "admin/api_clients.html",
        clients=api_clients.listing(db.session, text),
        q=text,
        units=units,
        created=created,
        key=key,
        error=error,
    )
    return _no_store(Response(page, status=400 if error else 200))


@bp.post("/api-klien")
def create_api_client():
    unit_raw = request.form.get("unit", "")
    try:
        unit_id = inputs.whole(unit_raw) if unit_raw else None
        client, key = api_clients.create(
            db.session, request.form.get("name", ""), unit_id, by=current_user.username
        )
    except (SurveyError, ValueError):
        db.session.rollback()
        return api_clients_page(
            error=_l(
                "Nama wajib diisi (paling banyak 120 karakter) dan belum dipakai; "
                "unitnya harus ada."
            )
        )
    db.session.commit()
    # Shown on this response only: the key is never stored, so it is never shown again.
    return api_clients_page(created=client, key=key)


@bp.get("/api-klien/<int:client_id>")
def api_client_calls(client_id: int):
    client = api_clients.get(db.session, client_id)
    calls = api_clients.recent_calls(db.session, client_id, limit=100)
    return render_template("admin/api_client.html", client=client, calls=calls)


@bp.post("/api-klien/<int:client_id>/cabut")
def revoke_api_client(client_id: int):
    client = api_clients.get(db.session, client_id)
    if request.form.get("confirm") != "yes":
        flash(_l("Centang konfirmasi untuk mencabut kunci %(name)s.", name=client.name), "error")
        return redirect(url_for(".api_clients_page"))
    api_clients.revoke(db.session, client_id, by=current_user.username)
    db.session.commit()
    flash(_l("Kunci %(name)s sudah dicabut; semua panggilan dengannya ditolak.", name=client.name))
    return redirect(url_for(".api_clients_page"))


@bp.get("/periode")
def periods_page():
    known = appraisal.known_periods(db.session)
    history = snapshots.by_period(db.session)
    grace = current_app.config["PERIOD_GRACE_DAYS"]
    rows = [
        {
            "period": period,
            "snapshots": history.get(period.code, []),
            "current": next((s for s in history.get(period.code, []) if s.current), None),
            "closable_from": snapshots.closable_from(db.session, period, grace),
        }
        for period in known
    ]
    return render_template(
        "admin/periods.html", rows=rows, now=dt.datetime.now(dt.UTC).replace(tzinfo=None)
    )


def _period(code: str):
    try:
        return appraisal.parse_period(code)
    except InvalidPeriod:
        abort(404)


@bp.post("/periode/<code>/tutup")
def close_period(code: str):
    period = _period(code)
    try:
        snapshot = snapshots.close(
            db.session,
            period,
            by=current_user.username,
            settings=_settings(),
            policy=current_app.config["REPORT_POLICY"],
            grace_days=current_app.config["PERIOD_GRACE_DAYS"],
        )
    except snapshots.NotClosable:
        db.session.rollback()
        flash(_l("Periode %(code)s belum dapat ditutup atau sudah ditutup.", code=code), "error")
        return redirect(url_for(".periods_page"))
    db.session.commit()
    flash(_l("Periode %(code)s ditutup: snapshot %(id)s.", code=code, id=snapshot.id))
    return redirect(url_for(".periods_page"))


@bp.post("/periode/<code>/buka-kembali")
def reopen_period(code: str):
    period = _period(code)
    try:
        snapshots.reopen(
            db.session, period, by=current_user.username, reason=request.form.get("reason", "")
        )
    except SurveyError:
        db.session.rollback()
        flash(_l("Periode %(code)s tidak dibuka kembali: alasan wajib diisi.", code=code), "error")
        return redirect(url_for(".periods_page"))
    db.session.commit()
    flash(_l("Periode %(code)s dibuka kembali; snapshot lamanya tetap dapat dibaca.", code=code))
    return redirect(url_for(".periods_page"))


@bp.get("/periode/<code>/bukti.<any(csv, xlsx):fmt>")
def export_period(code: str, fmt: str):
    period = _period(code)
    snapshot_id = request.args.get("snapshot", type=inputs.whole)
    src = score_reads.source(db.session, period, snapshot_id)
    viewer = Viewer.system(current_app.config["REPORT_POLICY"])
    objects = score_reads.every_employee(db.session, viewer, src, _settings())
    name = evidence.filename(period.code, fmt, src.snapshot.id if src.snapshot else None)
    response = Response(
        evidence.render(objects, fmt, period.code), mimetype=spreadsheets.MIMETYPES[fmt]
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)

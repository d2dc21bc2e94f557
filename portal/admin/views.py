"""Counters and their QR codes, for administrators."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import links, qr
from portal.auth import require_roles
from portal.extensions import db
from portal.models import Role
from portal.services import org

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))


def _counter_or_404(counter_id: int):
    try:
        return org.counter(db.session, counter_id)
    except org.NotFound:
        abort(404)


@bp.get("/")
def index():
    rows = [(c, links.counter_survey_url(c)) for c in org.counters(db.session)]
    return render_template("admin/counters.html", rows=rows)


@bp.get("/loket/<int:counter_id>/qr.<any(png, svg):fmt>")
def counter_qr(counter_id: int, fmt: str):
    counter = _counter_or_404(counter_id)
    url = links.counter_survey_url(counter)
    if fmt == "png":
        return Response(qr.png(url), mimetype="image/png")
    return Response(qr.svg(url), mimetype="image/svg+xml")


@bp.post("/loket/<int:counter_id>/tarik-qr")
def revoke_counter_qr(counter_id: int):
    _counter_or_404(counter_id)
    counter = org.revoke_counter_link(db.session, counter_id, by=current_user.username)
    db.session.commit()
    flash(
        _l(
            "Semua kode QR lama untuk %(name)s sudah ditarik. Cetak poster yang baru.",
            name=counter.name,
        )
    )
    return redirect(url_for(".index"))

"""Counters and their QR codes, for administrators."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import links, qr
from portal.auth import require_roles
from portal.extensions import db
from portal.models import Role
from portal.services import org, structure

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))


def counter_or_404(counter_id: int):
    try:
        return org.counter(db.session, counter_id)
    except org.NotFound:
        abort(404)


@bp.get("/")
def index():
    """Every counter with its survey link and QR code, searchable, a page at a time."""
    text = request.args.get("q", "").strip()[:100]
    number = max(1, request.args.get("hal", 1, type=int))
    counters, more = org.counters_page(db.session, text, number)
    rows = [(c, links.counter_survey_url(c)) for c in counters]
    return render_template("admin/counters.html", rows=rows, q=text, number=number, more=more)


@bp.get("/loket/<int:counter_id>/qr.<any(png, svg):fmt>")
def counter_qr(counter_id: int, fmt: str):
    """The counter's QR code as an image. Recorded: a later rotation says how many
    downloaded codes it withdraws."""
    counter = counter_or_404(counter_id)
    url = links.counter_survey_url(counter)
    structure.record_print(db.session, counter, "counter.download_qr", by=current_user.username)
    db.session.commit()
    if fmt == "png":
        return Response(qr.png(url), mimetype="image/png")
    return Response(qr.svg(url), mimetype="image/svg+xml")


@bp.route("/loket/<int:counter_id>/tarik-qr", methods=["GET", "POST"])
def revoke_counter_qr(counter_id: int):
    """Withdraw every printed QR code of a counter, after a confirmation that says how
    many downloaded copies stop working."""
    counter = counter_or_404(counter_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        if request.method == "POST":
            flash(_l("Centang konfirmasi untuk menarik kode QR."), "error")
        return render_template(
            "admin/rotate_qr.html",
            counter=counter,
            printed=structure.posters_since_rotation(db.session, counter),
        )
    org.revoke_counter_link(db.session, counter_id, by=current_user.username)
    db.session.commit()
    flash(
        _l(
            "Kode QR lama %(name)s sudah ditarik. Unduh dan cetak poster baru lalu ganti "
            "poster di loket.",
            name=counter.name,
        )
    )
    return redirect(url_for("admin.unit_page", unit_id=counter.unit_id) + "#loket")

"""Counters and their QR codes, for administrators."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import inputs, links, posters, qr
from portal.auth import require_roles
from portal.extensions import db
from portal.models import Role
from portal.services import org, structure

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))


@bp.context_processor
def _public_address():
    """Every admin page warns when printed codes would not reach a citizen's phone."""
    return {"base_url_problem": links.base_url_problem(), "base_url": links.public_base()}


def unit_or_404(unit_id: int):
    try:
        return org.unit(db.session, unit_id)
    except org.NotFound:
        abort(404)


def counter_or_404(counter_id: int):
    try:
        return org.counter(db.session, counter_id)
    except org.NotFound:
        abort(404)


@bp.get("/")
def index():
    """Every counter with its survey link and QR code, searchable, a page at a time."""
    text = request.args.get("q", "").strip()[:100]
    number = max(1, request.args.get("hal", 1, type=inputs.whole))
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


@bp.get("/loket/<int:counter_id>/poster-<any(a4, a6):size>.pdf")
def counter_poster(counter_id: int, size: str):
    """The counter's print-ready poster (recorded, like every download of its code)."""
    counter = counter_or_404(counter_id)
    structure.record_print(db.session, counter, "counter.print_poster", by=current_user.username)
    db.session.commit()
    body = posters.render([_poster(counter)], size)
    return pdf_response(body, posters.filename(counter.unit.name, counter.name, size=size))


@bp.get("/unit/<int:unit_id>/poster-<any(a4, a6):size>.pdf")
def unit_posters(unit_id: int, size: str):
    """Every active counter's poster in the unit and the units below it, one PDF."""
    unit = unit_or_404(unit_id)
    counters = structure.active_counters_within(db.session, unit.id)
    if not counters:
        flash(_l("Unit ini belum punya loket aktif; belum ada poster untuk dicetak."), "error")
        return redirect(url_for("admin.unit_page", unit_id=unit.id))
    for counter in counters:
        structure.record_print(
            db.session, counter, "counter.print_poster", by=current_user.username
        )
    db.session.commit()
    body = posters.render([_poster(c) for c in counters], size)
    return pdf_response(body, posters.filename(unit.name, "semua-loket", size=size))


def _poster(counter) -> posters.Poster:
    root = org.lineage(db.session, counter.unit)[0]
    return posters.Poster(
        pemda=root.name if root.id != counter.unit_id else "",
        unit=counter.unit.name,
        counter=counter.name,
        url=links.counter_survey_url(counter),
    )


def pdf_response(body: bytes, name: str) -> Response:
    """A PDF to download, named, never cached."""
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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

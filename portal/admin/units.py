"""Units, their counters (loket) and service types, for administrators.

Every list is searchable and paginated; every destructive action asks for a
confirmation; every change goes through ``portal.services.structure``, which records it
in the audit log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal import inputs, links
from portal.admin.views import bp, counter_or_404, unit_or_404
from portal.extensions import db
from portal.models import UnitKind
from portal.services import org, structure
from surveys import calendar

KIND_LABELS = {
    UnitKind.PEMDA: _l("Pemda"),
    UnitKind.OPD: _l("OPD / dinas / badan"),
    UnitKind.SERVICE_UNIT: _l("Unit layanan"),
}
FIELD_ERRORS = {
    "name": _l("Isi nama (paling banyak 200 karakter)."),
    "kind": _l("Pilih jenis unit."),
    "timezone": _l("Pilih zona waktu."),
    "parent": _l("Unit tidak dapat dipindahkan ke bawah dirinya sendiri."),
    "service_hours": _l(
        "Tulis jam layanan seperti: Sen-Jum 08:00-16:00; Sab 08:00-12:00 (atau: 24 jam)."
    ),
    "complaint_url": _l("Kanal pengaduan harus alamat https://, mailto: atau tel:."),
}


class UnitForm(FlaskForm):
    name = StringField(
        _l("Nama unit"), validators=[DataRequired(_l("Isi nama unit.")), Length(max=200)]
    )
    kind = SelectField(_l("Jenis"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    parent = SelectField(_l("Berada di bawah"), coerce=str, validate_choice=False)
    timezone = SelectField(
        _l("Zona waktu"),
        choices=[SelectChoice(zone, f"{label} ({zone})") for zone, label in calendar.ZONES.items()],
    )
    service_hours = StringField(
        _l("Jam layanan"),
        validators=[Optional(), Length(max=200)],
        description=_l("Contoh: Sen-Jum 08:00-16:00; Sab 08:00-12:00 — atau: 24 jam"),
    )
    complaint_url = StringField(
        _l("Kanal pengaduan (SP4N-LAPOR!, WhatsApp, surel)"),
        validators=[Optional(), Length(max=300)],
        description=_l("Contoh: https://www.lapor.go.id atau tel:+6281234567890"),
    )


def _parent_choices(exclude: int | None = None):
    inside = set(org.subtree_ids(db.session, exclude)) if exclude else set()
    return [SelectChoice("", _l("— tidak ada (unit teratas / Pemda) —"))] + [
        SelectChoice(str(u.id), u.name) for u in org.units(db.session) if u.id not in inside
    ]


def _save_unit(form: UnitForm, unit_id: int | None):
    values = dict(
        name=form.name.data,
        kind=form.kind.data,
        parent_id=int(form.parent.data) if form.parent.data else None,
        timezone=form.timezone.data,
        service_hours=form.service_hours.data,
        complaint_url=form.complaint_url.data,
        by=current_user.username,
    )
    try:
        if unit_id is None:
            return structure.create_unit(db.session, **values)
        return structure.update_unit(db.session, unit_id, **values)
    except (structure.Invalid, org.NotFound) as error:
        db.session.rollback()
        field = getattr(error, "field", "parent")
        target = getattr(form, field if field != "parent_id" else "parent", form.parent)
        target.errors = [*target.errors, FIELD_ERRORS.get(field, FIELD_ERRORS["name"])]
        return None


@bp.get("/unit")
def units_page():
    text = request.args.get("q", "").strip()[:100]
    number = request.args.get("hal", 1, type=inputs.whole)
    rows, more = structure.units_page(db.session, text, number)
    return render_template(
        "admin/units.html", rows=rows, q=text, number=max(1, number), more=more, kinds=KIND_LABELS
    )


@bp.route("/unit/baru", methods=["GET", "POST"])
def new_unit():
    form = UnitForm()
    form.parent.choices = _parent_choices()
    if request.method == "GET":
        form.parent.data = request.args.get("induk", "")
        form.kind.data = UnitKind.SERVICE_UNIT if form.parent.data else UnitKind.PEMDA
    if form.validate_on_submit():
        created = _save_unit(form, None)
        if created is not None:
            db.session.commit()
            flash(_l("Unit %(name)s dibuat.", name=created.name))
            return redirect(url_for(".unit_page", unit_id=created.id))
    status = 400 if form.errors else 200
    return render_template("admin/unit_form.html", form=form, unit=None), status


@bp.route("/unit/<int:unit_id>", methods=["GET", "POST"])
def unit_page(unit_id: int):
    unit = unit_or_404(unit_id)
    form = UnitForm(obj=None if request.method == "POST" else unit)
    form.parent.choices = _parent_choices(exclude=unit.id)
    if request.method == "GET":
        form.parent.data = str(unit.parent_id or "")
    if form.validate_on_submit() and _save_unit(form, unit.id) is not None:
        db.session.commit()
        flash(_l("Perubahan unit disimpan."))
        return redirect(url_for(".unit_page", unit_id=unit.id))
    status = 400 if form.errors else 200
    counters = structure.counters_of(db.session, unit.id)
    return render_template(
        "admin/unit_form.html",
        form=form,
        unit=unit,
        lineage=org.lineage(db.session, unit),
        children=[u for u in org.units(db.session) if u.parent_id == unit.id],
        counters=[(c, links.counter_survey_url(c)) for c in counters],
        service_types=structure.service_types_of(db.session, unit.id),
        kinds=KIND_LABELS,
    ), status


def _confirmed() -> bool:
    if request.form.get("confirm") == "yes":
        return True
    flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
    return False


@bp.post("/unit/<int:unit_id>/status")
def unit_status(unit_id: int):
    unit = unit_or_404(unit_id)
    active = request.form.get("active") == "1"
    if active or _confirmed():
        structure.set_unit_active(db.session, unit.id, active, by=current_user.username)
        db.session.commit()
        flash(
            _l("Unit %(name)s aktif kembali.", name=unit.name)
            if active
            else _l("Unit %(name)s dinonaktifkan; riwayatnya tetap tersimpan.", name=unit.name)
        )
    return redirect(url_for(".unit_page", unit_id=unit.id))


@bp.post("/unit/<int:unit_id>/loket")
def new_counter(unit_id: int):
    """Add one counter, or several at once: one name per line."""
    unit = unit_or_404(unit_id)
    names = [line.strip() for line in request.form.get("name", "").splitlines() if line.strip()]
    if not names or len(names) > 200:
        flash(_l("Isi nama loket (paling banyak 120 karakter)."), "error")
        return redirect(url_for(".unit_page", unit_id=unit.id) + "#loket")
    try:
        created = [
            structure.create_counter(db.session, unit.id, name, by=current_user.username)
            for name in names
        ]
    except structure.Invalid:
        db.session.rollback()
        flash(_l("Isi nama loket (paling banyak 120 karakter)."), "error")
    else:
        db.session.commit()
        if len(created) == 1:
            flash(_l("%(name)s dibuat. Cetak posternya.", name=created[0].name))
        else:
            flash(_l("%(n)s loket dibuat. Cetak posternya.", n=len(created)))
    return redirect(url_for(".unit_page", unit_id=unit.id) + "#loket")


@bp.post("/loket/<int:counter_id>/nama")
def rename_counter(counter_id: int):
    counter = counter_or_404(counter_id)
    try:
        structure.rename_counter(
            db.session, counter.id, request.form.get("name", ""), by=current_user.username
        )
    except structure.Invalid:
        db.session.rollback()
        flash(_l("Isi nama loket (paling banyak 120 karakter)."), "error")
    else:
        db.session.commit()
        flash(_l("Nama loket disimpan."))
    return redirect(url_for(".unit_page", unit_id=counter.unit_id) + "#loket")


@bp.post("/loket/<int:counter_id>/status")
def counter_status(counter_id: int):
    counter = counter_or_404(counter_id)
    active = request.form.get("active") == "1"
    if active or _confirmed():
        structure.set_counter_active(db.session, counter.id, active, by=current_user.username)
        db.session.commit()
        flash(
            _l("Loket %(name)s aktif kembali; posternya berlaku lagi.", name=counter.name)
            if active
            else _l(
                "Loket %(name)s dinonaktifkan; kode QR-nya tidak menerima survei.",
                name=counter.name,
            )
        )
    return redirect(url_for(".unit_page", unit_id=counter.unit_id) + "#loket")


@bp.post("/unit/<int:unit_id>/layanan")
def new_service_type(unit_id: int):
    unit = unit_or_404(unit_id)
    try:
        structure.create_service_type(
            db.session, unit.id, request.form.get("name", ""), by=current_user.username
        )
    except structure.Invalid:
        db.session.rollback()
        flash(_l("Isi nama jenis layanan (paling banyak 160 karakter)."), "error")
    else:
        db.session.commit()
        flash(_l("Jenis layanan ditambahkan."))
    return redirect(url_for(".unit_page", unit_id=unit.id) + "#layanan")


@bp.post("/layanan/<int:service_type_id>/status")
def service_type_status(service_type_id: int):
    active = request.form.get("active") == "1"
    try:
        found = structure.set_service_type_active(
            db.session, service_type_id, active, by=current_user.username
        )
    except org.NotFound:
        abort(404)
    db.session.commit()
    return redirect(url_for(".unit_page", unit_id=found.unit_id) + "#layanan")

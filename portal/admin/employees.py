"""Employees for administrators: a searchable list, one form each, and the bulk import.

The import is two steps. Uploading a file runs a dry run that imports nothing and lists
every bad line with its reason; the file waits in the instance folder under a random
name, and confirming imports every good row in one transaction. Re-importing the same
file changes nothing.
"""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal import inputs, links, posters
from portal.admin import uploads
from portal.admin.views import bp, pdf_response
from portal.extensions import csrf, db
from portal.services import audit, employee_import, employees, org

KIND_CHOICES = [SelectChoice("pns", "PNS"), SelectChoice("pppk", "PPPK")]
FIELD_ERRORS = {
    "nip": _l("NIP tidak sah: 18 angka (tanggal lahir, TMT, jenis kelamin, nomor urut)."),
    "nip_taken": _l("NIP ini sudah terdaftar untuk pegawai lain."),
    "name": _l("Isi nama (paling banyak 160 karakter)."),
    "position": _l("Jabatan paling banyak 160 karakter."),
    "kind": _l("Pilih PNS atau PPPK."),
}
# What each refused line or file means, for the person who must correct the file.
REASONS = {
    "missing_column": _l("Kolom wajib tidak ada (nip, nama, unit)."),
    "bad_nip": _l("NIP tidak sah."),
    "nip_as_number": _l(
        "NIP tersimpan sebagai angka sehingga digitnya hilang; format kolom NIP sebagai Teks."
    ),
    "duplicate_nip": _l("NIP sama dengan baris sebelumnya di berkas ini."),
    "unknown_unit": _l(
        "Unit tidak dikenal; tulis nama unit persis seperti di portal, atau nomor unitnya."
    ),
    "ambiguous_unit": _l("Ada beberapa unit dengan nama ini; tulis nomor unitnya."),
    "missing_name": _l("Nama kosong."),
    "too_long": _l("Nama atau jabatan lebih dari 160 karakter."),
    "bad_kind": _l("Jenis pegawai harus PNS atau PPPK."),
    "encoding": _l('Berkas bukan teks UTF-8. Simpan ulang sebagai "CSV UTF-8" atau unggah XLSX.'),
    "delimiter": _l("Kolom tidak terpisah koma, titik koma, atau tab."),
    "empty": _l("Berkas kosong."),
    "unreadable": _l("Berkas tidak dapat dibaca sebagai CSV atau XLSX."),
    "too_many_rows": _l("Terlalu banyak baris dalam satu berkas; bagi menjadi beberapa berkas."),
}


class EmployeeForm(FlaskForm):
    nip = StringField("NIP", validators=[DataRequired(_l("Isi NIP.")), Length(max=40)])
    name = StringField(
        _l("Nama lengkap dengan gelar"), validators=[DataRequired(_l("Isi nama.")), Length(max=160)]
    )
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=160)])
    unit = SelectField(_l("Unit"), coerce=str, validate_choice=False)
    kind = SelectField(_l("Jenis pegawai"), choices=KIND_CHOICES)


def _unit_choices():
    return [SelectChoice(str(u.id), u.name) for u in org.units(db.session)]


def _save(form: EmployeeForm, employee_id: int | None):
    try:
        values = dict(
            nip=form.nip.data,
            name=form.name.data,
            position=form.position.data,
            unit_id=int(form.unit.data or 0),
            kind=form.kind.data,
            by=current_user.username,
        )
        if employee_id is None:
            return employees.create(db.session, **values)
        return employees.update(db.session, employee_id, **values)
    except employees.Invalid as error:
        db.session.rollback()
        target = (
            form.nip if error.field.startswith("nip") else getattr(form, error.field, form.name)
        )
        target.errors = [*target.errors, FIELD_ERRORS.get(error.field, FIELD_ERRORS["name"])]
    except org.NotFound:
        db.session.rollback()
        form.unit.errors = [*form.unit.errors, _l("Pilih unit.")]
    return None


@bp.get("/pegawai")
def employees_page():
    text = request.args.get("q", "").strip()[:100]
    unit_id = request.args.get("unit", type=inputs.whole)
    number = max(1, request.args.get("hal", 1, type=inputs.whole))
    rows, more = employees.page(db.session, text, unit_id, number)
    return render_template(
        "admin/employees.html",
        rows=rows,
        q=text,
        unit_id=unit_id,
        number=number,
        more=more,
        units=org.units(db.session),
    )


@bp.route("/pegawai/baru", methods=["GET", "POST"])
def new_employee():
    form = EmployeeForm()
    form.unit.choices = _unit_choices()
    if request.method == "GET" and request.args.get("unit"):
        form.unit.data = request.args["unit"]
    if form.validate_on_submit():
        created = _save(form, None)
        if created is not None:
            db.session.commit()
            flash(_l("Pegawai %(name)s ditambahkan.", name=created.name))
            return redirect(url_for(".employee_page", employee_id=created.id))
    return render_template("admin/employee_form.html", form=form, employee=None), (
        400 if form.errors else 200
    )


@bp.route("/pegawai/<int:employee_id>", methods=["GET", "POST"])
def employee_page(employee_id: int):
    try:
        employee = employees.get(db.session, employee_id)
    except employees.NotFound:
        abort(404)
    form = EmployeeForm(obj=None if request.method == "POST" else employee)
    form.unit.choices = _unit_choices()
    if request.method == "GET":
        form.unit.data = str(employee.unit_id)
    if form.validate_on_submit() and _save(form, employee.id) is not None:
        db.session.commit()
        flash(_l("Data pegawai disimpan."))
        return redirect(url_for(".employee_page", employee_id=employee.id))
    return render_template("admin/employee_form.html", form=form, employee=employee), (
        400 if form.errors else 200
    )


@bp.post("/pegawai/<int:employee_id>/status")
def employee_status(employee_id: int):
    active = request.form.get("active") == "1"
    if not active and request.form.get("confirm") != "yes":
        flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
        return redirect(url_for(".employee_page", employee_id=employee_id))
    try:
        found = employees.set_active(db.session, employee_id, active, by=current_user.username)
    except employees.NotFound:
        abort(404)
    db.session.commit()
    flash(
        _l("Pegawai aktif kembali.")
        if active
        else _l("Pegawai dinonaktifkan; riwayat nilainya tetap.")
    )
    return redirect(url_for(".employee_page", employee_id=found.id))


@bp.get("/pegawai/impor")
def import_page():
    return render_template("admin/employee_import.html", plan=None, token=None, reasons=REASONS)


@bp.post("/pegawai/impor")
@csrf.exempt  # uploads.read_upload checks it, once the larger limit of this form applies
@inputs.takes_files
def import_dry_run():
    """Check an uploaded file and show what importing it would do; imports nothing."""
    upload = uploads.read_upload()
    if upload is None:
        flash(_l("Berkas lebih dari 10 MB."), "error")
        return redirect(url_for(".import_page"))
    data, name = upload
    try:
        plan = employee_import.plan(db.session, data, name)
    except employee_import.FileProblem as problem:
        flash(REASONS.get(problem.reason, REASONS["unreadable"]), "error")
        return render_template(
            "admin/employee_import.html",
            plan=None,
            token=None,
            reasons=REASONS,
            file_problem=problem,
        ), 400
    return render_template(
        "admin/employee_import.html",
        plan=plan,
        token=uploads.keep(data),
        reasons=REASONS,
        name=name,
    )


@bp.post("/pegawai/impor/<token>")
def import_confirm(token: str):
    """Import every good row of the checked file, in one transaction."""
    path = uploads.path(token)
    if request.form.get("confirm") != "yes":
        flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
        return redirect(url_for(".import_page"))
    if not path.exists():
        flash(_l("Berkas itu sudah diimpor atau kedaluwarsa; unggah lagi."), "error")
        return redirect(url_for(".import_page"))
    data = path.read_bytes()
    name = request.form.get("name", "pegawai")[:200]
    try:
        plan = employee_import.plan(db.session, data, name)
    except employee_import.FileProblem:
        abort(400)
    employee_import.apply(db.session, plan, by=current_user.username)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        _l(
            "Impor selesai: %(new)s pegawai baru, %(changed)s diperbarui, "
            "%(same)s tidak berubah, %(bad)s baris ditolak.",
            new=len(plan.new),
            changed=len(plan.changed),
            same=plan.unchanged,
            bad=len(plan.problems),
        )
    )
    return redirect(url_for(".employees_page"))


@bp.get("/pegawai/<int:employee_id>/kartu-<any(a4, a6):size>.pdf")
def employee_card(employee_id: int, size: str):
    """The employee's personal QR card: scanning it credits them directly."""
    try:
        employee = employees.get(db.session, employee_id)
    except employees.NotFound:
        abort(404)
    audit.record(
        db.session,
        actor=current_user.username,
        action="employee.print_card",
        target_type="employee",
        target_id=employee.id,
        label=employee.name,
        after={"card_version": employee.card_version},
    )
    db.session.commit()
    root = org.lineage(db.session, employee.unit)[0]
    card = posters.Poster(
        pemda=root.name if root.id != employee.unit_id else "",
        unit=employee.unit.name,
        counter=employee.name,
        url=links.card_survey_url(employee),
    )
    name = posters.filename(employee.unit.name, employee.name, size=size)
    return pdf_response(posters.render([card], size), name.replace("poster-", "kartu-", 1))


@bp.post("/pegawai/<int:employee_id>/tarik-kartu")
def revoke_employee_card(employee_id: int):
    if request.form.get("confirm") != "yes":
        flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
        return redirect(url_for(".employee_page", employee_id=employee_id))
    try:
        employees.revoke_card(db.session, employee_id, by=current_user.username)
    except employees.NotFound:
        abort(404)
    db.session.commit()
    flash(_l("Kartu QR lama pegawai ini tidak berlaku lagi. Cetak kartu yang baru."))
    return redirect(url_for(".employee_page", employee_id=employee_id))

"""Staff accounts for administrators: create with a role and scope, reset, deactivate.

A new account gets a temporary password shown once, which its owner must replace at the
first login; so does a reset. Deactivating ends every session of the user at its next
request (``portal.services.accounts.load``). API clients of the appraisal module are
listed on their own page, linked from here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal import inputs
from portal.admin.views import bp
from portal.extensions import db
from portal.models import Role
from portal.services import accounts, employees, org

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.LEADERSHIP: _l("Pimpinan Pemda (membaca seluruh Pemda)"),
    Role.UNIT_HEAD: _l("Kepala unit (unitnya dan di bawahnya)"),
    Role.EMPLOYEE: _l("Pegawai (hanya umpan baliknya sendiri)"),
}
ACCOUNT_ERRORS = {
    "username": _l("Nama pengguna: 2-80 huruf kecil, angka, titik, garis bawah atau tanda hubung."),
    "taken": _l("Nama pengguna ini sudah dipakai."),
    "role": _l("Pilih peran."),
    "unit": _l("Kepala unit perlu unit."),
    "employee": _l("Akun pegawai perlu data pegawai (NIP) yang sudah ada."),
}


class UserForm(FlaskForm):
    username = StringField(
        _l("Nama pengguna"), validators=[DataRequired(_l("Isi nama pengguna.")), Length(max=80)]
    )
    role = SelectField(_l("Peran"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])
    unit = SelectField(_l("Unit (untuk kepala unit)"), coerce=str, validate_choice=False)
    employee_nip = StringField(_l("NIP pegawai (untuk akun pegawai)"), validators=[Length(max=40)])


def _user_or_404(user_id: int):
    try:
        return accounts.get(db.session, user_id)
    except accounts.NotFound:
        abort(404)


@bp.get("/pengguna")
def users_page():
    text = request.args.get("q", "").strip()[:80]
    number = max(1, request.args.get("hal", 1, type=inputs.whole))
    rows, more = accounts.page(db.session, text, number)
    return render_template(
        "admin/users.html", rows=rows, q=text, number=number, more=more, roles=ROLE_LABELS
    )


@bp.route("/pengguna/baru", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    form.unit.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(u.id), u.name) for u in org.units(db.session)
    ]
    if form.validate_on_submit():
        employee_id = None
        if form.role.data == Role.EMPLOYEE:
            employee_id = employees.id_of_nip(db.session, form.employee_nip.data or "")
        try:
            user, temporary = accounts.create(
                db.session,
                username=form.username.data,
                role=form.role.data,
                unit_id=int(form.unit.data) if form.unit.data else None,
                employee_id=employee_id,
                by=current_user.username,
            )
        except accounts.InvalidAccount as error:
            db.session.rollback()
            field = {"unit": form.unit, "employee": form.employee_nip, "role": form.role}.get(
                str(error), form.username
            )
            field.errors = [*field.errors, ACCOUNT_ERRORS[str(error)]]
        else:
            db.session.commit()
            return render_template(
                "admin/user_created.html", user=user, password=temporary, roles=ROLE_LABELS
            ), 201
    return render_template("admin/user_form.html", form=form), 400 if form.errors else 200


@bp.post("/pengguna/<int:user_id>/reset")
def reset_user_password(user_id: int):
    user = _user_or_404(user_id)
    if request.form.get("confirm") != "yes":
        flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
        return redirect(url_for(".users_page"))
    user, temporary = accounts.reset_password(db.session, user.id, by=current_user.username)
    db.session.commit()
    return render_template(
        "admin/user_created.html", user=user, password=temporary, roles=ROLE_LABELS, reset=True
    )


@bp.post("/pengguna/<int:user_id>/status")
def user_status(user_id: int):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."), "error")
    elif active or request.form.get("confirm") == "yes":
        accounts.set_active(db.session, user.id, active, by=current_user.username)
        db.session.commit()
        flash(
            _l("Akun %(name)s aktif kembali.", name=user.username)
            if active
            else _l("Akun %(name)s dinonaktifkan; sesinya berakhir.", name=user.username)
        )
    else:
        flash(_l("Centang konfirmasi untuk melanjutkan."), "error")
    return redirect(url_for(".users_page"))

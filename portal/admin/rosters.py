"""Duty rosters for administrators: a unit's week as a grid, weekly patterns, absences,
and the board of who is on duty now. Changes go through ``portal.services.duty_roster``
(conflicts refused with a clear message, past days re-credited, everything audited)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import inputs
from portal.admin import uploads
from portal.admin.employees import REASONS as employee_reasons
from portal.admin.views import bp, unit_or_404
from portal.extensions import csrf, db
from portal.services import duty_roster, employee_import, org, roster_import
from surveys import calendar
from surveys.errors import NotFound

WEEKDAYS = (
    _l("Senin"),
    _l("Selasa"),
    _l("Rabu"),
    _l("Kamis"),
    _l("Jumat"),
    _l("Sabtu"),
    _l("Minggu"),
)


def _monday(values=None) -> dt.date:
    """The week asked for (``minggu``, in the form or the query), else this week."""
    values = request.values if values is None else values
    try:
        return duty_roster.monday_of(dt.date.fromisoformat(values.get("minggu", "")))
    except ValueError:
        return duty_roster.monday_of(dt.date.today())


def _back(unit_id: int, monday: dt.date):
    return redirect(url_for(".roster_week", unit_id=unit_id, minggu=monday.isoformat()))


def _time(name: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


def _int(name: str) -> int:
    try:
        return inputs.whole(request.form.get(name, ""))
    except ValueError:
        return 0


def _conflict_message(error: duty_roster.RosterConflict) -> str:
    other = error.conflicts[0].other
    when = f"{other.day:%d-%m-%Y} {other.starts:%H:%M}–{other.ends:%H:%M}"
    if error.conflicts[0].reason == "employee_busy":
        return str(
            _l(
                "Ditolak: pegawai itu sudah bertugas pada %(when)s "
                "(loket lain atau jam yang bertumpuk).",
                when=when,
            )
        )
    return str(
        _l(
            "Ditolak: loket itu sudah dijaga pegawai lain pada %(when)s; "
            "satu loket satu petugas pada satu waktu.",
            when=when,
        )
    )


@bp.get("/unit/<int:unit_id>/jadwal")
def roster_week(unit_id: int):
    unit = unit_or_404(unit_id)
    grid = duty_roster.week(db.session, unit.id, _monday())
    return render_template(
        "admin/roster_week.html",
        grid=grid,
        weekdays=WEEKDAYS,
        previous=grid.monday - dt.timedelta(days=7),
        following=grid.monday + dt.timedelta(days=7),
    )


@bp.post("/unit/<int:unit_id>/jadwal/shift")
def roster_add_shift(unit_id: int):
    unit = unit_or_404(unit_id)
    monday = _monday()
    starts, ends = _time("starts"), _time("ends")
    try:
        day = dt.date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        day = None
    counter_id = _int("counter")
    if (
        day is None
        or starts is None
        or ends is None
        or counter_id not in {c.id for c in org.counters_of_unit(db.session, unit.id)}
    ):
        flash(_l("Lengkapi loket, pegawai, tanggal, jam mulai dan jam selesai."), "error")
        return _back(unit.id, monday)
    try:
        duty_roster.add_shift(
            db.session,
            counter_id=counter_id,
            employee_id=_int("employee"),
            day=day,
            starts=starts,
            ends=ends,
            by=current_user.username,
        )
    except duty_roster.RosterConflict as conflict:
        db.session.rollback()
        flash(_conflict_message(conflict), "error")
    except duty_roster.InvalidShift:
        db.session.rollback()
        flash(_l("Pilih pegawai aktif."), "error")
    else:
        db.session.commit()
        flash(_l("Jadwal disimpan."))
    return _back(unit.id, monday)


@bp.post("/jadwal/shift/<int:shift_id>/hapus")
def roster_remove_shift(shift_id: int):
    try:
        shift = duty_roster.remove_shift(db.session, shift_id, by=current_user.username)
    except NotFound:
        abort(404)
    unit_id = shift.counter.unit_id
    db.session.commit()
    flash(_l("Jadwal dihapus."))
    return _back(unit_id, shift.day)


@bp.post("/unit/<int:unit_id>/jadwal/pola")
def roster_add_pattern(unit_id: int):
    unit = unit_or_404(unit_id)
    starts, ends = _time("starts"), _time("ends")
    counter_id = _int("counter")
    if (
        starts is None
        or ends is None
        or counter_id not in {c.id for c in org.counters_of_unit(db.session, unit.id)}
    ):
        flash(_l("Lengkapi loket, pegawai, hari, jam mulai dan jam selesai."), "error")
        return _back(unit.id, _monday())
    try:
        duty_roster.add_pattern(
            db.session,
            counter_id=counter_id,
            employee_id=_int("employee"),
            weekday=_int("weekday"),
            starts=starts,
            ends=ends,
            by=current_user.username,
        )
    except duty_roster.RosterConflict as conflict:
        db.session.rollback()
        flash(_conflict_message(conflict), "error")
    except duty_roster.InvalidShift:
        db.session.rollback()
        flash(_l("Pilih pegawai aktif dan hari."), "error")
    else:
        db.session.commit()
        flash(_l("Pola mingguan disimpan. Terbitkan minggu untuk memakainya."))
    return _back(unit.id, _monday())


@bp.post("/jadwal/pola/<int:pattern_id>/hapus")
def roster_remove_pattern(pattern_id: int):
    try:
        pattern = duty_roster.remove_pattern(db.session, pattern_id, by=current_user.username)
    except NotFound:
        abort(404)
    unit_id = pattern.counter.unit_id
    db.session.commit()
    flash(_l("Pola mingguan dihapus; jadwal yang sudah terbit tidak berubah."))
    return _back(unit_id, _monday())


@bp.post("/unit/<int:unit_id>/jadwal/terbitkan")
def roster_publish(unit_id: int):
    unit = unit_or_404(unit_id)
    monday = _monday()
    published = duty_roster.publish(db.session, unit.id, monday, by=current_user.username)
    db.session.commit()
    flash(
        _l(
            "%(n)s jadwal diterbitkan untuk minggu %(week)s.",
            n=published.added,
            week=monday.strftime("%d-%m-%Y"),
        )
    )
    if published.skipped:
        flash(
            _l(
                "%(n)s jadwal dari pola dilewati karena bertabrakan dengan jadwal yang ada.",
                n=len(published.skipped),
            ),
            "error",
        )
    return _back(unit.id, monday)


@bp.post("/unit/<int:unit_id>/jadwal/absen")
def roster_absence(unit_id: int):
    unit = unit_or_404(unit_id)
    monday = _monday()
    try:
        day = dt.date.fromisoformat(request.form.get("day", ""))
        duty_roster.add_absence(
            db.session, _int("employee"), day, request.form.get("note"), by=current_user.username
        )
    except (ValueError, NotFound):
        db.session.rollback()
        flash(_l("Pilih pegawai dan tanggal."), "error")
    else:
        db.session.commit()
        flash(_l("Ketidakhadiran dicatat; jadwal pegawai itu pada hari itu dihapus."))
    return _back(unit.id, monday)


@bp.get("/unit/<int:unit_id>/bertugas")
def duty_board(unit_id: int):
    unit = unit_or_404(unit_id)
    now = calendar.to_local(dt.datetime.now(dt.UTC).replace(tzinfo=None), unit.timezone)
    return render_template(
        "admin/duty_board.html", unit=unit, board=duty_roster.board(db.session, unit.id), now=now
    )


ROSTER_REASONS = {
    "unknown_counter": _l(
        "Loket tidak dikenal di unit ini; tulis nama loket persis seperti di portal."
    ),
    "unknown_nip": _l("Tidak ada pegawai aktif dengan NIP ini."),
    "bad_time": _l("Jam tidak sah; tulis seperti 08:00."),
    "bad_day": _l("Tulis tanggal (2026-11-02) atau hari (Senin ... Minggu)."),
    "employee_busy": _l("Bertabrakan: pegawai itu sudah bertugas pada jam itu."),
    "counter_taken": _l("Bertabrakan: loket itu sudah dijaga pegawai lain pada jam itu."),
}


@bp.post("/unit/<int:unit_id>/jadwal/impor")
@csrf.exempt  # uploads.read_upload checks it, once the larger limit of this form applies
@inputs.takes_files
def roster_import_dry_run(unit_id: int):
    """Check a roster file for the unit and list what it would add; adds nothing."""
    unit = unit_or_404(unit_id)
    upload = uploads.read_upload()
    if upload is None:
        flash(_l("Berkas lebih dari 10 MB."), "error")
        return _back(unit.id, _monday(request.args))  # the body was refused unread
    data, name = upload
    try:
        plan = roster_import.plan(db.session, unit.id, data)
    except employee_import.FileProblem as problem:
        flash(employee_reasons.get(problem.reason, employee_reasons["unreadable"]), "error")
        return _back(unit.id, _monday())
    return render_template(
        "admin/roster_import.html",
        unit=unit,
        plan=plan,
        token=uploads.keep(data),
        name=name,
        reasons={**employee_reasons, **ROSTER_REASONS},
    )


@bp.post("/unit/<int:unit_id>/jadwal/impor/<token>")
def roster_import_confirm(unit_id: int, token: str):
    unit = unit_or_404(unit_id)
    path = uploads.path(token)
    if request.form.get("confirm") != "yes" or not path.exists():
        flash(_l("Centang konfirmasi, atau unggah berkasnya lagi."), "error")
        return _back(unit.id, _monday())
    try:
        plan = roster_import.plan(db.session, unit.id, path.read_bytes())
        roster_import.apply(db.session, plan, by=current_user.username)
    except (employee_import.FileProblem, duty_roster.RosterConflict):
        db.session.rollback()
        flash(_l("Jadwal berubah sejak diperiksa; periksa berkasnya lagi."), "error")
        return _back(unit.id, _monday())
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        _l(
            "%(shifts)s jadwal dan %(patterns)s pola mingguan diimpor.",
            shifts=len(plan.shifts),
            patterns=len(plan.patterns),
        )
    )
    return _back(unit.id, _monday())

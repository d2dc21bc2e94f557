"""Results for the people who act on them: a unit's dashboard, and an employee's own.

Unit heads read their unit and everything below it, Pemda leadership and
administrators the whole tree; an employee reads only their own scores. Which of those
a reader may see is decided in the services (``portal.services.viewer``): an id edited
in a URL that the reader may not see is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import inputs, labels, pdf
from portal.auth import current_viewer, require_roles
from portal.errors import render_error
from portal.extensions import db
from portal.models import Role, utcnow
from portal.services import (
    appraisal,
    comments,
    exports,
    followup,
    integrity,
    org,
    population,
    profile,
    reports,
    skm_report,
    spreadsheets,
)
from surveys import calendar, periods
from surveys import integrity as surveys_integrity
from surveys.instruments import UNSUR_CODES
from surveys.integrity import Review
from surveys.periods import InvalidPeriod

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")
bp.before_request(require_roles(Role.ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.EMPLOYEE))

READERS = (Role.ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD)
WRITERS = (Role.ADMIN, Role.UNIT_HEAD)


def _unit_scope():
    """The unit asked for (``unit`` in the query or the form), else the reader's own,
    and its scope; org.NotFound (404) for an id that names no unit."""
    # Any whole number: org.unit answers NotFound (404) for one beyond the id range.
    unit_id = request.args.get("unit", type=int) or request.form.get("unit", type=int)
    unit = org.unit(db.session, unit_id) if unit_id else _home_unit()
    return unit, reports.Scope("unit", unit.id)


def _home_unit():
    """The unit a reader starts from: their own, or the top of the tree."""
    if current_user.unit is not None and current_user.role == Role.UNIT_HEAD:
        return current_user.unit
    roots = org.roots(db.session)
    if not roots:
        abort(404)
    return roots[0]


def _today(unit) -> dt.date:
    return calendar.to_local(utcnow(), unit.timezone).date()


def _chosen_period(viewer, scope, today: dt.date) -> periods.Period:
    """The period asked for (``periode``, or ``dari``/``sampai``), else this month, else
    the latest month with responses when this one has none."""
    text = request.args.get("periode", "").strip()
    start, end = request.args.get("dari", "").strip(), request.args.get("sampai", "").strip()
    if start and end:
        text = f"{start}..{end}"
    if text:
        try:
            return periods.parse(text)
        except InvalidPeriod:
            flash(_l("Periode tidak dikenal; yang ditampilkan periode terbaru."), "error")
    current = periods.month(today.year, today.month)
    latest = reports.latest_month(db.session, viewer, scope)
    if latest is not None and latest < current.start:
        return periods.month(latest.year, latest.month)
    return current


def _trend(viewer, scope, period):
    """The score per month over the 12 months ending with the period's last month."""
    window = periods.trailing_months(period)
    return reports.trend(db.session, viewer, scope, window, "month")


@bp.get("/")
def index():
    if current_user.role == Role.EMPLOYEE:
        return redirect(url_for(".mine"))
    viewer = current_viewer()
    unit, scope = _unit_scope()
    period = _chosen_period(viewer, scope, _today(unit))
    overall = population.unit_report(db.session, viewer, unit.id, period)
    lineage = [u for u in org.lineage(db.session, unit) if _may_see(viewer, u.id)]
    return render_template(
        "dashboard/index.html",
        may_write=current_user.role in WRITERS,
        unit=unit,
        lineage=lineage,
        period=period,
        last_day=period.end - dt.timedelta(days=1),
        choices=periods.recent(_today(unit)),
        overall=overall,
        unsur_names=appraisal.unsur_names(),
        trend=_trend(viewer, scope, period),
        children=_ranked(reports.breakdown(db.session, viewer, scope, period, "unit")),
        counters=reports.breakdown(db.session, viewer, scope, period, "counter"),
        employees=reports.breakdown(db.session, viewer, scope, period, "employee"),
        services=reports.breakdown(db.session, viewer, scope, period, "service_type"),
        profile=profile.profile(
            db.session, viewer, scope, period, minimum=current_app.config["PROFILE_MIN_CELL"]
        ),
        minimum=current_app.config["PROFILE_MIN_CELL"],
        flagged=integrity.summary(db.session, viewer, unit.id, period),
    )


def _ranked(rows):
    """Sub-units best first (leadership reads them as a ranking); no score last."""
    return sorted(rows, key=lambda r: (r.score.converted is None, -(r.score.converted or 0)))


def _may_see(viewer, unit_id: int) -> bool:
    try:
        reports.check(db.session, viewer, reports.Scope("unit", unit_id))
    except reports.ScopeNotFound:
        return False
    return True


@bp.get("/saya")
def mine():
    """An employee's own scores: the period, its unsur, and the last 12 months beside
    their unit's."""
    if current_user.employee is None:
        abort(404)
    employee = current_user.employee
    viewer = current_viewer()
    # The unit's overall score is about no one in particular: an employee may compare.
    return _slice_page(
        viewer,
        reports.Scope("employee", employee.id),
        employee,
        employee.unit,
        compare_viewer=viewer.system(viewer.policy),
    )


@bp.get("/pegawai/<int:employee_id>")
def employee_page(employee_id: int):
    """One employee's results, for the unit heads and leadership above them."""
    if current_user.role not in READERS:
        abort(404)
    viewer = current_viewer()
    scope = reports.Scope("employee", employee_id)
    employee = reports.subject(db.session, viewer, scope)
    return _slice_page(viewer, scope, employee, employee.unit, compare_viewer=viewer)


@bp.get("/loket/<int:counter_id>")
def counter_page(counter_id: int):
    """One counter's results: the bottom of the drill-down from the Pemda."""
    if current_user.role not in READERS:
        abort(404)
    viewer = current_viewer()
    scope = reports.Scope("counter", counter_id)
    counter = reports.subject(db.session, viewer, scope)
    return _slice_page(viewer, scope, counter, counter.unit, compare_viewer=viewer)


def _slice_page(viewer, scope, subject, unit, *, compare_viewer):
    """The page of one employee or counter: the chosen period's score and unsur, and
    the 12 months up to it beside the unit's own score."""
    period = _chosen_period(viewer, scope, _today(unit))
    own = _trend(viewer, scope, period)
    unit_trend = _trend(compare_viewer, reports.Scope("unit", unit.id), period)
    lineage = [u for u in org.lineage(db.session, unit) if _may_see(viewer, u.id)]
    return render_template(
        "dashboard/slice.html",
        subject=subject,
        kind=scope.kind,
        unit=unit,
        lineage=lineage,
        period=period,
        last_day=period.end - dt.timedelta(days=1),
        choices=periods.recent(_today(unit)),
        overall=reports.score_for(db.session, viewer, scope, period),
        rows=list(zip(reversed(own), reversed(unit_trend), strict=True)),
        unsur_names=appraisal.unsur_names(),
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=inputs.whole)
    return value if value is not None and value > 0 else None


def _score_arg(name: str) -> float | None:
    value = request.args.get(name, type=float)
    return value if value is not None and 25 <= value <= 100 else None


@bp.get("/komentar")
def comments_page():
    """Citizens' comments, newest first, searchable and filterable."""
    viewer = current_viewer()
    if current_user.role == Role.EMPLOYEE:
        if current_user.employee is None:
            abort(404)
        unit = current_user.employee.unit
        scope = reports.Scope("employee", current_user.employee_id)
    else:
        unit, scope = _unit_scope()
    period = _chosen_period(viewer, scope, _today(unit))
    filters = comments.Filters(
        text=request.args.get("q", "").strip()[: comments.SEARCH_MAX],
        counter_id=_int_arg("loket"),
        employee_id=_int_arg("pegawai"),
        service_type_id=_int_arg("layanan"),
        score_min=_score_arg("min"),
        score_max=_score_arg("maks"),
    )
    found = comments.search(
        db.session,
        viewer,
        scope,
        period,
        filters,
        page=request.args.get("hal", 1, type=inputs.whole),
    )
    options = {}
    if scope.kind == "unit":
        for kind in ("counter", "employee", "service_type"):
            options[kind] = reports.breakdown(db.session, viewer, scope, period, kind)
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "dashboard/comments.html",
        unit=unit,
        period=period,
        last_day=period.end - dt.timedelta(days=1),
        choices=periods.recent(_today(unit)),
        filters=filters,
        page=found,
        options=options,
        args=args,
        unsur_codes=UNSUR_CODES,
    )


@bp.get("/ekspor/<any(skor, responden):what>.<any(csv, xlsx):fmt>")
def export(what: str, fmt: str):
    """The dashboard's tables, or the anonymous responses, as CSV or XLSX."""
    if current_user.role not in READERS:
        abort(404)
    viewer = current_viewer()
    unit, scope = _unit_scope()
    period = _chosen_period(viewer, scope, _today(unit))
    build = exports.score_tables if what == "skor" else exports.respondents
    body = spreadsheets.render(build(db.session, viewer, scope, period), fmt)
    response = Response(body, mimetype=spreadsheets.MIMETYPES[fmt])
    name = exports.filename(unit.name, period, what, fmt)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/populasi")
def enter_population():
    """The unit head enters how many citizens the unit served in the period."""
    if current_user.role not in WRITERS:
        abort(404)
    viewer = current_viewer()
    unit, _scope = _unit_scope()
    try:
        period = periods.parse(request.form.get("periode", ""))
    except InvalidPeriod:
        abort(400)
    back = url_for(".index", unit=unit.id, periode=period.code)
    try:
        served = int(request.form.get("population", "").strip().replace(".", ""))
        population.enter(db.session, viewer, unit.id, period, served, by=current_user.username)
    except (ValueError, population.InvalidPopulation):
        db.session.rollback()
        flash(
            _l("Isi jumlah warga yang dilayani dengan bilangan bulat 1 sampai 10.000.000."), "error"
        )
        return redirect(back)
    db.session.commit()
    flash(_l("Jumlah warga yang dilayani disimpan."))
    return redirect(back)


def _report(*, for_pdf: bool):
    """The SKM report of the unit and period asked for, and its page (or the PDF's HTML)."""
    if current_user.role not in READERS:
        abort(404)
    viewer = current_viewer()
    unit, scope = _unit_scope()
    today = _today(unit)
    period = _chosen_period(viewer, scope, today)
    report = skm_report.build(
        db.session, viewer, unit.id, period, minimum_cell=current_app.config["PROFILE_MIN_CELL"]
    )
    html = render_template(
        "dashboard/report.html",
        layout="dashboard/_pdf_layout.html" if for_pdf else "base.html",
        pdf=for_pdf,
        report=report,
        choices=periods.recent(today),
        unsur_names=appraisal.unsur_names(),
        statuses=labels.ACTION_STATUS,
        printed=today,
    )
    return report, html


@bp.get("/laporan")
def report():
    """The SKM report, print-friendly: the browser's Print gives the paper copy."""
    return _report(for_pdf=False)[1]


@bp.get("/laporan.pdf")
def report_pdf():
    """The same report as a PDF file, named for the unit and period."""
    found, html = _report(for_pdf=True)
    try:
        body = pdf.render(html)
    except pdf.PdfUnavailable:
        current_app.logger.warning("PDF requested but WeasyPrint cannot run here")
        return render_error(
            503,
            title=_l("PDF belum tersedia"),
            message=_l(
                "Server ini belum dapat membuat PDF. Buka laporan lalu pakai menu Cetak "
                "peramban untuk mencetak atau menyimpannya sebagai PDF."
            ),
        )
    response = Response(body, mimetype="application/pdf")
    name = exports.filename(found.unit.name, found.period, "laporan", "pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _plan_target():
    viewer = current_viewer()
    unit, scope = _unit_scope()
    return viewer, unit, scope


@bp.get("/tindak-lanjut")
def follow_up():
    """The unit's follow-up plan for a period, against its weakest unsur."""
    if current_user.role not in READERS:
        abort(404)
    viewer, unit, scope = _plan_target()
    period = _chosen_period(viewer, scope, _today(unit))
    overall = reports.score_for(db.session, viewer, scope, period)
    return render_template(
        "dashboard/follow_up.html",
        unit=unit,
        period=period,
        choices=periods.recent(_today(unit)),
        overall=overall,
        actions=followup.plan(db.session, viewer, unit.id, period),
        unsur_names=appraisal.unsur_names(),
        statuses=labels.ACTION_STATUS,
        may_write=current_user.role in WRITERS,
    )


@bp.post("/tindak-lanjut")
def add_follow_up():
    if current_user.role not in WRITERS:
        abort(404)
    viewer, unit, scope = _plan_target()
    try:
        period = periods.parse(request.form.get("periode", ""))
        due = dt.date.fromisoformat(request.form.get("due", ""))
    except (InvalidPeriod, ValueError):
        period, due = None, None
    back = url_for(".follow_up", unit=unit.id, periode=period.code if period else None)
    if period is None:
        flash(_l("Periode atau tanggal target tidak sah."), "error")
        return redirect(back)
    draft = followup.Draft(
        unsur=request.form.get("unsur", ""),
        action=request.form.get("action", ""),
        owner=request.form.get("owner", ""),
        due=due,
    )
    try:
        followup.add(db.session, viewer, unit.id, period, draft, by=current_user.username)
    except followup.InvalidAction:
        db.session.rollback()
        flash(_l("Lengkapi unsur, tindakan, penanggung jawab dan tanggal target."), "error")
        return redirect(back)
    db.session.commit()
    flash(_l("Tindakan dicatat dalam rencana tindak lanjut."))
    return redirect(back)


@bp.post("/tindak-lanjut/<int:action_id>/status")
def follow_up_status(action_id: int):
    if current_user.role not in WRITERS:
        abort(404)
    try:
        action = followup.set_status(
            db.session,
            current_viewer(),
            action_id,
            request.form.get("status", ""),
            by=current_user.username,
        )
    except followup.InvalidAction:
        abort(400)
    db.session.commit()
    return redirect(url_for(".follow_up", unit=action.unit_id, periode=action.period))


# -- integrity review --------------------------------------------------------------------

DECISIONS = {"pastikan": Review.CONFIRMED, "sahkan": Review.CLEARED, "batalkan": None}


@bp.get("/integritas")
def integrity_page():
    """Responses the integrity rules flagged, with their reasons, for review."""
    if current_user.role not in READERS:
        abort(404)
    viewer = current_viewer()
    unit, scope = _unit_scope()
    period = _chosen_period(viewer, scope, _today(unit))
    status = request.args.get("status", "pending")
    if status not in integrity.STATUSES:
        status = "pending"
    filters = integrity.Filters(period, status)
    found = integrity.flagged(
        db.session, viewer, unit.id, filters, page=request.args.get("hal", 1, type=int)
    )
    return render_template(
        "dashboard/integrity.html",
        unit=unit,
        period=period,
        choices=periods.recent(_today(unit)),
        status=status,
        statuses=INTEGRITY_STATUSES,
        page=found,
        summary=integrity.summary(db.session, viewer, unit.id, period),
        may_review=current_user.role in WRITERS,
        flag_names=surveys_integrity.names,
        flag_labels=labels.FLAG,
        review_labels=labels.REVIEW,
        local_time=lambda r: calendar.to_local(r.submitted_at, r.unit.timezone),
        unsur_codes=UNSUR_CODES,
    )


INTEGRITY_STATUSES = {
    "pending": _l("Belum ditinjau"),
    "excluded": _l("Tidak dihitung"),
    "counted": _l("Tetap dihitung"),
    "reviewed": _l("Sudah ditinjau"),
    "all": _l("Semua"),
}


@bp.post("/integritas/<uuid:response_id>")
def review_response(response_id):
    """A unit head or an administrator confirms a flag, clears it, or undoes a decision."""
    if current_user.role not in WRITERS:
        abort(404)
    choice = request.form.get("keputusan", "")
    if choice not in DECISIONS:
        abort(400)
    response = integrity.review(
        db.session,
        current_viewer(),
        current_app.config["INTEGRITY_RULES"],
        response_id,
        DECISIONS[choice],
        by_user_id=current_user.id,
        actor=current_user.username,
    )
    db.session.commit()
    flash(
        _l(
            "Keputusan disimpan: penilaian %(code)s kini %(state)s.",
            code=response.receipt,
            state=_l("tidak dihitung") if response.excluded else _l("dihitung"),
        )
    )
    back = {k: v for k, v in request.form.items() if k in ("unit", "periode", "status", "hal")}
    return redirect(url_for(".integrity_page", **back))

"""Report cost against the number of stored responses: rollups versus a raw GROUP BY.

For each size N it generates N responses over one year across a Pemda (OPDs, service
units, counters, employees, service types), builds the rollups with the same rebuild
the CLI runs, and times in the same run:

  (a) the yearly score of the whole Pemda      -- reports.score_for, over rollups
  (b) its per-employee breakdown               -- reports.breakdown, over rollups
  (c) a naive GROUP BY over the raw responses giving the numbers of (a) and of (b)

and checks that (a)/(b) and (c) give identical statistics, hence identical scores.

    .venv/bin/python -m bench.aggregate --sizes 10000,100000,1000000
    DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test .venv/bin/python -m bench.aggregate

Without DATABASE_URL it uses a fresh SQLite file (WAL) in a temporary folder; with it,
it creates its tables in a schema of its own and drops them afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics as stats_module
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from surveys import scoring
from surveys.instruments import SCALE, UNSUR_CODES
from surveys.periods import parse
from surveys.statistics import MEAN_SCALE, Statistics, count_key

ZONE_OFFSET = dt.timedelta(hours=7)  # every generated unit is WIB


def build_org(session, rng, *, opds=10, units_per_opd=3, counters_per_unit=3, staff_per_unit=10):
    from portal.models import Counter, Employee, ServiceType, Unit
    from portal.services import instruments

    instrument = instruments.install(session)
    root = Unit(name="Pemerintah Kabupaten Contoh", kind="pemda", instrument=instrument)
    session.add(root)
    counters, staff, services = [], [], []
    serial = 0
    for o in range(opds):
        opd = Unit(name=f"OPD {o + 1:02d}", kind="opd", parent=root)
        for u in range(units_per_opd):
            unit = Unit(name=f"Unit {o + 1:02d}.{u + 1}", parent=opd)
            session.add(unit)
            unit_counters = [
                Counter(unit=unit, name=f"Loket {c + 1}") for c in range(counters_per_unit)
            ]
            unit_staff = []
            for _ in range(staff_per_unit):
                serial += 1
                nip = f"19850101201001{1 + serial % 2}{serial % 999 + 1:03d}"
                unit_staff.append(Employee(nip=nip, name=f"Pegawai {serial:04d}", unit=unit))
            unit_services = [ServiceType(unit=unit, name=f"Layanan {s + 1}") for s in range(4)]
            session.add_all(unit_counters + unit_staff + unit_services)
            counters.append(unit_counters)
            staff.append(unit_staff)
            services.append(unit_services)
    session.flush()
    units = [c[0].unit_id for c in counters]
    session.commit()
    return root, instrument, units, counters, staff, services


def generate(session, rng, n, org, *, batch=20_000):
    from portal.models import Response

    root, instrument, units, counters, staff, services = org
    start = dt.datetime(2026, 1, 1) - ZONE_OFFSET
    seconds = 365 * 24 * 3600
    table = Response.__table__
    rows = []
    for i in range(n):
        k = rng.randrange(len(units))
        skill = 2.6 + (k % 7) * 0.2
        answers = {
            code.lower(): max(1, min(4, round(rng.gauss(skill, 0.7)))) for code in UNSUR_CODES
        }
        if rng.random() < 0.05:
            answers[rng.choice(list(answers))] = None
        # As on a duty roster: each employee serves at one counter of the unit; 15% of
        # responses arrive when nobody (or more than one person) is on duty.
        c = rng.randrange(len(counters[k]))
        on_duty = staff[k][c :: len(counters[k])]
        employee = rng.choice(on_duty) if rng.random() < 0.85 else None
        submitted = start + dt.timedelta(seconds=rng.randrange(seconds))
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "opened_at": submitted,
                "submitted_at": submitted,
                "service_date": (submitted + ZONE_OFFSET).date(),
                "unit_id": units[k],
                "counter_id": counters[k][c].id,
                "employee_id": employee.id if employee else None,
                "attribution": "roster" if employee else "none",
                "service_type_id": rng.choice(services[k]).id if rng.random() < 0.8 else None,
                "instrument_id": instrument.id,
                "language": "id",
                "flags": 0,
                **answers,
            }
        )
        if len(rows) == batch or i == n - 1:
            session.execute(sa.insert(table), rows)
            rows = []
    session.commit()


def naive_columns(t) -> list:
    """The summed statistics as SQL over the raw response table ``t``, for GROUP BY."""
    answered = sum(
        (sa.case((t.c[c.lower()].is_not(None), 1), else_=0) for c in UNSUR_CODES), sa.literal(0)
    )
    total = sum((sa.func.coalesce(t.c[c.lower()], 0) for c in UNSUR_CODES), sa.literal(0))
    scaled_mean = sa.case((answered > 0, (total * MEAN_SCALE) / answered), else_=None)
    return [
        sa.func.sum(sa.case((answered > 0, 1), else_=0)).label("respondents"),
        sa.func.coalesce(sa.func.sum(scaled_mean), 0).label("mean_sum"),
        sa.func.coalesce(sa.func.sum(scaled_mean * scaled_mean), 0).label("mean_sq_sum"),
    ] + [
        sa.func.sum(sa.case((t.c[code.lower()] == value, 1), else_=0)).label(count_key(code, value))
        for code in UNSUR_CODES
        for value in SCALE
    ]


def naive_statistics(session, year_start, year_end, group_by_employee: bool):
    """The same additive statistics, straight from the raw responses with GROUP BY."""
    from portal.models import Response

    t = Response.__table__
    query = sa.select(*([t.c.employee_id] if group_by_employee else []), *naive_columns(t)).where(
        t.c.service_date >= year_start, t.c.service_date < year_end
    )
    if group_by_employee:
        query = query.where(t.c.employee_id.is_not(None)).group_by(t.c.employee_id)
        return {
            row.employee_id: Statistics.from_columns(row._mapping) for row in session.execute(query)
        }
    return Statistics.from_columns(session.execute(query).one()._mapping)


def detail(report) -> tuple:
    """Return everything a slice's report page shows, so lazy numbers are timed too."""
    score = report.score
    return (
        score.converted,
        score.grade,
        score.label,
        score.interval,
        score.weakest,
        score.nrr,
        [unsur.grade for unsur in score.unsur.values()],
    )


def row(report) -> tuple:
    """Return what one line of a per-employee table shows."""
    score = report.score
    personal = report.personal.converted if report.personal is not None else None
    return score.converted, score.grade, score.interval, personal, report.sufficient


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return result, stats_module.median(times)


def run_size(n: int, url: str, engine_options: dict, repeat: int) -> dict:
    from portal import create_app
    from portal.extensions import db
    from portal.services import reports, rollups
    from portal.services.viewer import Viewer
    from surveys.policy import ReportPolicy

    os.environ.setdefault("SECRET_KEY", "bench-aggregate")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        rng = random.Random(n)
        org = build_org(session, rng)
        t0 = time.perf_counter()
        # Inserted directly, then counted once, as the demo data is.
        generate(session, rng, n, org)
        generated = time.perf_counter() - t0
        t0 = time.perf_counter()
        bucket_rows = 0
        for group in rollups.rebuild_batches(session):
            bucket_rows += rollups.recount(session, group)
            session.commit()
        rebuilt = time.perf_counter() - t0
        monthly_rows = session.scalar(sa.select(sa.func.count()).select_from(rollups.MONTHLY.table))

        year = parse("2026")
        scope = reports.Scope("unit", org[0].id)
        viewer = Viewer.system(ReportPolicy())
        session.expire_all()

        def pemda():
            report = reports.score_for(session, viewer, scope, year)
            return report, detail(report)

        def per_employee():
            rows = reports.breakdown(session, viewer, scope, year, "employee")
            return rows, [row(report) for report in rows]

        (report_a, _), ms_a = timed(pemda, repeat)
        (report_b, _), ms_b = timed(per_employee, repeat)
        bounds = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
        naive_a, ms_ca = timed(
            lambda: naive_statistics(session, *bounds, False), max(1, repeat // 4)
        )
        naive_b, ms_cb = timed(
            lambda: naive_statistics(session, *bounds, True), max(1, repeat // 4)
        )

        identical = (
            report_a.statistics == naive_a
            and {r.scope.id: r.statistics for r in report_b} == naive_b
        )
        same_scores = report_a.score == scoring.from_statistics(naive_a) and all(
            r.score == scoring.from_statistics(naive_b[r.scope.id]) for r in report_b
        )
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return {
        "n": n,
        "generated_s": generated,
        "rebuild_s": rebuilt,
        "bucket_rows": bucket_rows,
        "monthly_rows": monthly_rows,
        "a_ms": ms_a,
        "b_ms": ms_b,
        "ca_ms": ms_ca,
        "cb_ms": ms_cb,
        "employees": len(report_b),
        "converted": report_a.score.converted,
        "identical": identical and same_scores,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions (median)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    workdir = None
    if url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        label = "PostgreSQL"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-aggregate-"))
        url, options, label = f"sqlite:///{workdir / 'bench.sqlite3'}", {}, "SQLite (WAL)"
    print(f"database: {label}; one year, 1 Pemda, 10 OPD, 30 units, 90 loket, 300 employees")
    header = (
        f"{'responses':>10} {'rollup rows':>11} {'(a) Pemda':>10} {'(b) per-emp':>12}"
        f" {'(c) naive a':>12} {'(c) naive b':>12} {'c/a':>6} {'c/b':>6}  identical"
    )
    print(header)
    results = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            r = run_size(n, url, options, args.repeat)
            results.append(r)
            print(
                f"{r['n']:>10,} {r['monthly_rows']:>11,} {r['a_ms']:>8.2f}ms {r['b_ms']:>10.2f}ms"
                f" {r['ca_ms']:>10.1f}ms {r['cb_ms']:>10.1f}ms {r['ca_ms'] / r['a_ms']:>5.0f}x"
                f" {r['cb_ms'] / r['b_ms']:>5.0f}x  {r['identical']}"
                f"   (IKM {r['converted']}, {r['employees']} employees; generated in"
                f" {r['generated_s']:.1f}s, rollups rebuilt in {r['rebuild_s']:.1f}s)"
            )
    finally:
        if workdir is None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"growth from {first['n']:,} to {last['n']:,} responses:"
            f" (a) x{last['a_ms'] / first['a_ms']:.2f}, (b) x{last['b_ms'] / first['b_ms']:.2f}"
        )
    if not all(r["identical"] for r in results):
        raise SystemExit("MISMATCH: rollup and naive numbers differ")


if __name__ == "__main__":
    main()

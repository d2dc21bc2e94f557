"""The appraisal API's paginated scores: /api/v1/scores against the same page from raw responses.

The budget (appraisal issue): at 10^6 stored responses and 2,000 employees, a 500-employee
page of ``/api/v1/scores`` under 100 ms p95 for a closed year and under 300 ms p95 for an
open one. This generates, in one Pemda of 2,000 employees (20 per service unit, on a duty
roster of 4 loket per unit), RESPONSES roster-realistic responses split evenly over 2025
and 2026 (``bench.aggregate.generate``: 15% credit nobody, 5% leave an unsur blank),
builds the rollups as ``flask rollups rebuild`` does, closes 2025 into its snapshot
(``snapshots.close``) and leaves 2026 open. Then it times, in the same run:

  ours  GET /api/v1/scores?period=YEAR&limit=LIMIT through Flask's test client with a
        Bearer key, walking every page (the first, then each next_cursor): the closed
        year answers from its snapshot, the open one from the rollups;
  raw   the same pages computed from the raw responses: the page's employees, one
        GROUP BY employee over the response table for the year's service dates and
        those employees' ids (the additive sums, as bench/aggregate.py's baseline), then
        ``surveys.scoring`` and the same score objects in Python. No HTTP, no JSON:
        that favours the baseline.

Every page of ours must equal the baseline's objects (checked on the first walk).

    .venv/bin/python -m bench.api                                   # 10^6, 2,000 employees
    .venv/bin/python -m bench.api --responses 5000 --employees 50 --limit 20 --repeat 2
    .venv/bin/python -m bench.api --database-url postgresql+psycopg://root@127.0.0.1:5432/test

Without --database-url it uses a fresh SQLite file (WAL) in a temporary folder and
deletes it; with one, it creates its tables in a schema of its own and drops them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import random
import shutil
import statistics as stats_module
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.aggregate import generate, naive_columns
from bench.national import make_nip

CLOSED_YEAR, OPEN_YEAR = "2025", "2026"
STAFF_PER_UNIT, COUNTERS_PER_UNIT, UNITS_PER_OPD = 20, 4, 5
YEAR_EARLIER = dt.timedelta(days=365)  # 2026-01-01 - 365 days = 2025-01-01


def build_org(session, employees: int):
    """Write a Pemda of ``employees`` employees, 20 to a unit, 4 loket a unit, 5 units an OPD.

    Returns what ``bench.aggregate.generate`` takes: (root, instrument, unit ids, loket
    per unit, staff per unit, service types per unit). Its own NIPs: those of
    ``bench.aggregate.build_org`` repeat after 1,998 employees.
    """
    from portal.models import Counter, Employee, ServiceType, Unit
    from portal.services import instruments

    instrument = instruments.install(session)
    root = Unit(name="Pemerintah Kabupaten Contoh", kind="pemda", instrument=instrument)
    session.add(root)
    unit_count = max(1, math.ceil(employees / STAFF_PER_UNIT))
    opds = [
        Unit(name=f"OPD {o + 1:02d}", kind="opd", parent=root)
        for o in range(math.ceil(unit_count / UNITS_PER_OPD))
    ]
    counters, staff, services = [], [], []
    serial = 0
    for u in range(unit_count):
        opd = opds[u // UNITS_PER_OPD]
        unit = Unit(name=f"Unit {u // UNITS_PER_OPD + 1:02d}.{u % UNITS_PER_OPD + 1}", parent=opd)
        session.add(unit)
        # As even as it goes: the first units take one more when it does not divide.
        headcount = employees // unit_count + (u < employees % unit_count)
        unit_counters = [
            Counter(unit=unit, name=f"Loket {c + 1}")
            for c in range(max(1, min(COUNTERS_PER_UNIT, headcount)))
        ]
        unit_staff = []
        for _ in range(headcount):
            serial += 1
            unit_staff.append(
                Employee(nip=make_nip(serial), name=f"Pegawai {serial:04d}", unit=unit)
            )
        unit_services = [ServiceType(unit=unit, name=f"Layanan {s + 1}") for s in range(4)]
        session.add_all(unit_counters + unit_staff + unit_services)
        counters.append(unit_counters)
        staff.append(unit_staff)
        services.append(unit_services)
    session.flush()
    units = [c[0].unit_id for c in counters]
    session.commit()
    return root, instrument, units, counters, staff, services


class _YearEarlier:
    """The session ``bench.aggregate.generate`` writes through, moving its responses
    (spread over 2026) back 365 days, into 2025, the same day of the week apart."""

    def __init__(self, session):
        self.session = session

    def execute(self, statement, rows):
        for row in rows:
            row["opened_at"] -= YEAR_EARLIER
            row["submitted_at"] -= YEAR_EARLIER
            row["service_date"] -= YEAR_EARLIER
        return self.session.execute(statement, rows)

    def commit(self):
        self.session.commit()


def naive_page(session, period, after, limit, settings, policy, *, status, snapshot_id):
    """Return the page's score objects computed from the raw responses, no rollups."""
    from portal.models import Employee, Response, Unit
    from portal.services import appraisal
    from portal.services.reports import Scope, SliceReport
    from surveys import scoring
    from surveys.statistics import Statistics

    query = sa.select(Employee).order_by(Employee.nip).limit(limit)
    if after is not None:
        query = query.where(Employee.nip > after)
    employees = list(session.scalars(query))
    t = Response.__table__
    grouped = (
        sa.select(t.c.employee_id, *naive_columns(t))
        .where(
            t.c.employee_id.in_([e.id for e in employees]),
            t.c.service_date >= period.start,
            t.c.service_date < period.end,
        )
        .group_by(t.c.employee_id)
    )
    found = {
        row.employee_id: Statistics.from_columns(row._mapping) for row in session.execute(grouped)
    }
    units = {
        u.id: u
        for u in session.scalars(sa.select(Unit).where(Unit.id.in_({e.unit_id for e in employees})))
    }
    objects = []
    for employee in employees:
        stats = found.get(employee.id, Statistics())
        report = SliceReport(
            scope=Scope("employee", employee.id),
            name=employee.name,
            period=period,
            statistics=stats,
            score=scoring.from_statistics(stats),
            policy=policy,
            adequacy=scoring.adequacy(stats.respondents, None),
            personal=scoring.personal(stats),
        )
        objects.append(
            appraisal.employee_object(
                report,
                employee,
                units[employee.unit_id],
                settings,
                status=status,
                snapshot_id=snapshot_id,
            )
        )
    return objects


def percentile(times: list[float], q: int) -> float:
    """Return the q-th percentile (inclusive method: between the nearest samples)."""
    if len(times) == 1:
        return times[0]
    return stats_module.quantiles(times, n=100, method="inclusive")[q - 1]


def walk(client, key: str, year: str, limit: int) -> list[tuple[str | None, float, dict, int]]:
    """GET every page of the year once; return (cursor NIP, ms, body, bytes) per page."""
    headers = {"Authorization": f"Bearer {key}"}
    pages, cursor, after = [], None, None
    while True:
        url = f"/api/v1/scores?period={year}&limit={limit}"
        if cursor is not None:
            url += f"&cursor={cursor}"
        t0 = time.perf_counter()
        response = client.get(url, headers=headers)
        ms = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.data[:300]}")
        body = response.get_json()
        pages.append((after, ms, body, len(response.data)))
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        after = body["items"][-1]["nip"]


def measure_year(app, client, key, year, args, settings, policy) -> dict:
    """Time ours and the raw baseline over every page of ``year``.

    The API is called outside any app context of ours, so each request gets its own
    context and database session, as under a server."""
    from portal.extensions import db
    from portal.services import appraisal, score_reads
    from portal.services.viewer import Viewer

    period = appraisal.parse_period(year)
    with app.app_context():
        src = score_reads.source(db.session, period)
        status = src.status
        snapshot_id = src.snapshot.id if src.snapshot is not None else None

    def raw(after):
        with app.app_context():
            return naive_page(
                db.session,
                period,
                after,
                args.limit,
                settings,
                policy,
                status=status,
                snapshot_id=snapshot_id,
            )

    def service(after):
        """Ours without HTTP, schema and JSON: what the view asks the services for."""
        with app.app_context():
            src = score_reads.source(db.session, period)
            viewer = Viewer.system(policy)
            return score_reads.employees(
                db.session, viewer, src, settings, after=after, limit=args.limit + 1
            )

    # One untimed walk each (warms caches for both), which is also the equality check.
    first = walk(client, key, year, args.limit)
    afters = [after for after, *_ in first]
    identical = all(
        body["items"] == json.loads(json.dumps(raw(after))) for after, _, body, _ in first
    )
    # As wsgi.py does once the app is built: long-lived objects out of the collector's
    # reach (the loading and the warm-up walk above made plenty of them).
    gc.collect()
    gc.freeze()
    ours = [ms for _ in range(args.repeat) for _, ms, _, _ in walk(client, key, year, args.limit)]
    inside = []
    for _ in range(args.repeat):
        for after in afters:
            t0 = time.perf_counter()
            service(after)
            inside.append((time.perf_counter() - t0) * 1000)
    naive = []
    for _ in range(args.naive_repeat):
        for after in afters:
            t0 = time.perf_counter()
            raw(after)
            naive.append((time.perf_counter() - t0) * 1000)
    return {
        "year": year,
        "status": status,
        "pages": len(first),
        "items": sum(len(body["items"]) for _, _, body, _ in first),
        "bytes": max(size for *_, size in first),
        "ours_p50": stats_module.median(ours),
        "ours_p95": percentile(ours, 95),
        "services_p50": stats_module.median(inside),
        "services_p95": percentile(inside, 95),
        "raw_p50": stats_module.median(naive),
        "raw_p95": percentile(naive, 95),
        "ours_n": len(ours),
        "raw_n": len(naive),
        "identical": identical,
    }


def run(args, url: str, engine_options: dict, label: str) -> list[dict]:
    from portal import create_app
    from portal.extensions import db
    from portal.models import Response
    from portal.services import api_clients, appraisal, rollups, snapshots

    os.environ.setdefault("SECRET_KEY", "bench-api")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "RATELIMIT_ENABLED": False,
            # Loading and recounting 10^6 responses takes longer than a request may.
            "DATABASE_STATEMENT_TIMEOUT_MS": 0,
        }
    )
    settings = appraisal.Settings(thresholds=app.config["APPRAISAL_THRESHOLDS"])
    policy = app.config["REPORT_POLICY"]
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        rng = random.Random(args.seed)
        org = build_org(session, args.employees)
        units, counters, staff = org[2], org[3], org[4]
        print(
            f"database: {label}; {CLOSED_YEAR} closed, {OPEN_YEAR} open; 1 Pemda,"
            f" {math.ceil(len(units) / UNITS_PER_OPD)} OPD, {len(units)} units,"
            f" {sum(map(len, counters))} loket, {sum(map(len, staff)):,} employees",
            flush=True,
        )
        t0 = time.perf_counter()
        earlier = args.responses // 2
        generate(_YearEarlier(session), rng, earlier, org)
        generate(session, rng, args.responses - earlier, org)
        generated_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for group in rollups.rebuild_batches(session):
            rollups.recount(session, group)
            session.commit()
        rebuilt_s = time.perf_counter() - t0
        stored = session.scalar(sa.select(sa.func.count()).select_from(Response.__table__))
        monthly = session.scalar(sa.select(sa.func.count()).select_from(rollups.MONTHLY.table))
        print(
            f"generated {stored:,} responses ({earlier:,} in {CLOSED_YEAR},"
            f" {args.responses - earlier:,} in {OPEN_YEAR}) in {generated_s:.1f} s;"
            f" rollups rebuilt in {rebuilt_s:.1f} s ({monthly:,} monthly rows)",
            flush=True,
        )

        t0 = time.perf_counter()
        closed = appraisal.parse_period(CLOSED_YEAR)
        grace_days = app.config["PERIOD_GRACE_DAYS"]
        snapshot = snapshots.close(
            session,
            closed,
            by="bench",
            settings=settings,
            policy=policy,
            grace_days=grace_days,
            now=snapshots.closable_from(session, closed, grace_days),
        )
        session.commit()
        print(f"{CLOSED_YEAR} closed in {time.perf_counter() - t0:.1f} s (snapshot {snapshot.id})")
        _, key = api_clients.create(session, "bench-api", by="bench")
        session.commit()

    client = app.test_client()
    load_before = os.getloadavg()[0]
    results = [
        measure_year(app, client, key, year, args, settings, policy)
        for year in (CLOSED_YEAR, OPEN_YEAR)
    ]
    # A shared machine: whatever else ran during the timing shows here.
    print(
        f"load average (1 min) at the start and end of the timing:"
        f" {load_before:.2f}, {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)"
    )
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return results


def report(results: list[dict], args) -> bool:
    r = results[0]
    print(
        f"\nGET /api/v1/scores?period=YEAR&limit={args.limit}, every page (the first, then each"
        f" next_cursor): {r['pages']} pages a walk, timed {args.repeat} walks (ours) and"
        f" {args.naive_repeat} (raw)"
    )
    print(
        f"{'period':<15} {'timed':>8} {'items':>6} {'ours p50':>10} {'ours p95':>10}"
        f" {'raw p50':>10} {'raw p95':>10} {'raw/ours p95':>13}  identical"
    )
    for r in results:
        period, timed = f"{r['year']} ({r['status']})", f"{r['ours_n']}/{r['raw_n']}"
        print(
            f"{period:<15} {timed:>8}"
            f" {r['items']:>6,}"
            f" {r['ours_p50']:>7.1f} ms {r['ours_p95']:>7.1f} ms"
            f" {r['raw_p50']:>7.1f} ms {r['raw_p95']:>7.1f} ms"
            f" {r['raw_p95'] / r['ours_p95']:>12.1f}x  {'yes' if r['identical'] else 'NO'}"
            f"   (largest page {r['bytes'] / 1024:,.0f} KiB)"
        )
    print(
        "of ours, the services alone (score_reads.employees, no HTTP, schema, JSON or ETag): "
        + "; ".join(
            f"{r['year']} p50 {r['services_p50']:.1f} ms, p95 {r['services_p95']:.1f} ms"
            for r in results
        )
    )
    closed, open_ = results
    met = closed["ours_p95"] < 100 and open_["ours_p95"] < 300
    print(
        f"budget: closed p95 {closed['ours_p95']:.1f} ms (under 100 ms), open p95"
        f" {open_['ours_p95']:.1f} ms (under 300 ms): {'met' if met else 'NOT MET'}"
    )
    return all(r["identical"] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000, help="over both years")
    parser.add_argument("--employees", type=int, default=2_000)
    parser.add_argument("--limit", type=int, default=500, help="employees a page")
    parser.add_argument("--repeat", type=int, default=30, help="timed walks over every page")
    parser.add_argument(
        "--naive-repeat", type=int, default=None, help="timed walks of the raw baseline"
    )
    parser.add_argument("--database-url", help="PostgreSQL (a schema of its own); else SQLite")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.naive_repeat is None:
        args.naive_repeat = max(1, args.repeat // 3)
    started = time.perf_counter()
    workdir = admin = None
    if args.database_url:
        url = args.database_url
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        label = "PostgreSQL"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
        url, options, label = f"sqlite:///{workdir / 'bench.sqlite3'}", {}, "SQLite (WAL)"
    try:
        results = run(args, url, options, label)
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    identical = report(results, args)
    print(f"total run time {time.perf_counter() - started:,.0f} s")
    if not identical:
        raise SystemExit("MISMATCH: the API's pages differ from the pages computed from raw")


if __name__ == "__main__":
    main()

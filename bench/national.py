"""Report latency at national scale: one month of 10^7 responses on PostgreSQL.

It creates a PostgreSQL database of its own, generates a national organisation (552
Pemda by default: 38 provinces and 514 kabupaten/kota in WIB, WITA and WIT, each with
OPDs, service units, loket, employees and service types, the biggest Pemda a province
capital with far more traffic than the rest) and one local month of roster-realistic
responses, written server-side with one INSERT ... SELECT over generate_series. It
builds the rollups as ``flask rollups rebuild`` does (``rollups.rebuild_batches``, one
``recount`` and commit per group), runs VACUUM ANALYZE, and times in the same process
(medians):

  - ``reports.score_for`` for the busiest service unit, the busiest OPD and the whole
    biggest Pemda, reading every number a report page shows, for the month and for a
    10-day range inside it (a range reads the daily rollups);
  - ``reports.breakdown(..., "employee")`` of that Pemda for both periods;
  - the baseline: a naive GROUP BY over the Pemda's raw responses of the period's local
    days (``service_date``), for both periods,

and checks that every report's statistics (and scores) equal the naive GROUP BY. The
database is dropped at the end unless --keep is given.

    .venv/bin/python -m bench.national --responses 200000      # smoke run, about a minute
    .venv/bin/python -m bench.national                         # 10^7 responses

BENCH_POSTGRES_URL names the server (default postgresql+psycopg://root@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.aggregate import detail, naive_columns, row, timed
from surveys import nip, scoring
from surveys.instruments import UNSUR_CODES
from surveys.periods import parse
from surveys.statistics import Statistics

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432")
# Offsets of the three Indonesian zones; none has had daylight saving since 1964.
ZONES = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
# How the 38 provinces and 514 kabupaten/kota split over WIB, WITA and WIT (about).
PROVINCES = {"Asia/Jakarta": 18, "Asia/Makassar": 12, "Asia/Jayapura": 8}
REGENCIES = {"Asia/Jakarta": 301, "Asia/Makassar": 150, "Asia/Jayapura": 63}
CITY_SHARE = 98 / 514  # kota among kabupaten/kota
ZIPF = 0.7  # Pemda load ~ rank^-ZIPF
EMPLOYEE_SHARE = 0.85  # responses crediting the employee on the roster
SERVICE_SHARE = 0.80  # responses naming a service type
BLANK_SHARE = 0.05  # responses leaving one unsur unanswered


@dataclass
class Pemda:
    index: int
    name: str
    zone: str
    weight: float
    unit_id: int = 0
    responses: int = 0
    opds: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)  # service units


@dataclass
class ServiceUnit:
    id: int
    opd_id: int
    pemda: Pemda
    counter0: int
    counters: int
    staff: int  # per counter: employee ids counter0 ... laid out counter by counter
    employee0: int
    service0: int
    services: int
    skill: float
    load: float
    responses: int = 0


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), summing exactly."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_org(rng: random.Random, pemda_count: int) -> list[Pemda]:
    """Return the Pemda: provinces and kabupaten/kota, zones, load weights (rank^-ZIPF)."""
    provinces = round(pemda_count * 38 / 552)
    zones_of = []
    for count, split in ((provinces, PROVINCES), (pemda_count - provinces, REGENCIES)):
        zones = [zone for zone, n in split.items() for _ in range(n)]
        zones_of.append([zones[round(i * len(zones) / count)] for i in range(count)])
    ranks = list(range(2, pemda_count + 1))
    rng.shuffle(ranks)
    result = []
    for i in range(pemda_count):
        if i < provinces:
            name, zone = f"Pemerintah Provinsi {i + 1:02d}", zones_of[0][i]
        else:
            k = i - provinces
            kind = "Kota" if i == provinces or rng.random() < CITY_SHARE else "Kabupaten"
            name, zone = f"Pemerintah {kind} {k + 1:03d}", zones_of[1][k]
        # The first kab/kota is the busiest Pemda: a province capital in WIB.
        rank = 1 if i == provinces else ranks.pop()
        result.append(Pemda(i, name, zone, rank**-ZIPF))
    return result


def build_org(session, rng: random.Random, pemdas: list[Pemda]) -> list[ServiceUnit]:
    """COPY the organisation in; return the service units with their id layout.

    Size grows with the Pemda's load: f = (load / busiest load)^0.35 in (0, 1]; OPDs
    12 + 28f, service units per OPD 1..3+4f, loket per unit 1..3+3f, 2..4 employees on
    the roster of each loket, 2..6 service types per unit.
    """
    from portal.services import instruments

    instrument = instruments.install(session)
    session.commit()
    now = dt.datetime(2026, 9, 1)
    top = max(p.weight for p in pemdas)
    units, counters, employees, services = [], [], [], []
    service_units: list[ServiceUnit] = []
    ids = {"unit": 0, "counter": 0, "employee": 0, "service": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    for pemda in pemdas:
        f = (pemda.weight / top) ** 0.35
        pemda.unit_id = next_id("unit")
        units.append((pemda.unit_id, None, pemda.name, "pemda", pemda.zone, instrument.id, now))
        for o in range(round(12 + 28 * f)):
            opd_id = next_id("unit")
            pemda.opds.append(opd_id)
            units.append((opd_id, pemda.unit_id, f"OPD {o + 1:02d}", "opd", pemda.zone, None, now))
            for u in range(rng.randint(1, round(3 + 4 * f))):
                unit_id = next_id("unit")
                name = f"Unit {o + 1:02d}.{u + 1}"
                units.append((unit_id, opd_id, name, "unit", pemda.zone, None, now))
                c_count, staff = rng.randint(1, round(3 + 3 * f)), rng.randint(2, 4)
                s_count = rng.randint(2, 6)
                unit = ServiceUnit(
                    id=unit_id,
                    opd_id=opd_id,
                    pemda=pemda,
                    counter0=ids["counter"] + 1,
                    counters=c_count,
                    staff=staff,
                    employee0=ids["employee"] + 1,
                    service0=ids["service"] + 1,
                    services=s_count,
                    skill=rng.uniform(2.6, 3.8),
                    load=rng.lognormvariate(0, 0.8) * c_count,
                )
                for c in range(c_count):
                    counters.append((next_id("counter"), unit_id, f"Loket {c + 1}", 1, True, now))
                for _ in range(c_count * staff):
                    serial = next_id("employee")
                    employees.append((serial, make_nip(serial), f"Pegawai {serial:06d}", unit_id))
                for s in range(s_count):
                    services.append((next_id("service"), unit_id, f"Layanan {s + 1}", True))
                pemda.units.append(unit_id)
                service_units.append(unit)
    copy_rows(
        session,
        "unit (id, parent_id, name, kind, timezone, instrument_id, created_at)",
        units,
    )
    copy_rows(session, "counter (id, unit_id, name, token_version, active, created_at)", counters)
    copy_rows(
        session,
        "employee (id, nip, name, unit_id, kind, active, card_version)",
        [(*e, "pns", True, 1) for e in employees],
    )
    copy_rows(session, "service_type (id, unit_id, name, active)", services)
    for table in ("unit", "counter", "employee", "service_type"):
        session.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        )
    session.commit()
    return service_units


def make_nip(serial: int) -> str:
    """Return a valid, unique PNS NIP for employee number ``serial``."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=serial // 998)
    appointed = f"{birth.year + 25}{serial % 12 + 1:02d}"
    value = f"{birth:%Y%m%d}{appointed}{1 + serial % 2}{serial % 998 + 1:03d}"
    assert nip.is_valid(value), value
    return value


def copy_rows(session, target: str, rows: list[tuple]) -> None:
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)


def generate(session, units: list[ServiceUnit], month, instrument_id: int) -> None:
    """Insert the month's responses in one INSERT ... SELECT, in submission order.

    Each unit's count is fixed beforehand; inside a unit a response picks a loket
    uniformly, then (85%) one of the employees on that loket's roster, (80%) one of the
    unit's service types, a local day of the month uniformly and a local time (90% in
    07:30-16:30, the rest at any hour): that local day is its ``service_date``, the
    time in UTC its ``submitted_at`` and ``opened_at``. Answers: the unit's skill level,
    a per-employee offset and a per-respondent normal (sd 0.45), plus per-unsur noise
    (sd 0.55), rounded into 1..4; 5% of responses leave one unsur blank. The table's
    secondary indexes are dropped during the load and created again after it, as the
    models define them.
    """
    from portal.models import Response

    session.execute(
        sa.text(
            "CREATE TEMP TABLE bench_plan (unit_id int, n int, offset_h int, skill float8,"
            " counter0 int, counters int, staff int, employee0 int, service0 int,"
            " services int)"
        )
    )
    copy_rows(
        session,
        "bench_plan",
        [
            (u.id, u.responses, ZONES[u.pemda.zone], u.skill, u.counter0, u.counters)
            + (u.staff, u.employee0, u.service0, u.services)
            for u in units
            if u.responses
        ],
    )
    indexes = list(Response.__table__.indexes)
    connection = session.connection()
    for index in indexes:
        index.drop(connection)
    normal = "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())"
    columns = ", ".join(code.lower() for code in UNSUR_CODES)
    answers = ",\n  ".join(
        f"CASE WHEN r.blank = {k + 1} THEN NULL"
        f" ELSE least(4, greatest(1, round(r.level + 0.55 * {normal})))::smallint END"
        for k in range(len(UNSUR_CODES))
    )
    sql = f"""
INSERT INTO response (id, opened_at, submitted_at, service_date, unit_id, counter_id,
                      employee_id, attribution, service_type_id, instrument_id, language,
                      flags, {columns})
SELECT gen_random_uuid(), r.submitted_at, r.submitted_at, r.service_date, r.unit_id,
  r.counter_id, r.employee_id,
  CASE WHEN r.employee_id IS NULL THEN 'none' ELSE 'roster' END,
  r.service_type_id, {instrument_id}, 'id', 0,
  {answers}
FROM (
  SELECT d.unit_id, d.local_at - make_interval(hours => d.offset_h) AS submitted_at,
    d.local_at::date AS service_date, d.blank,
    d.counter0 + d.c AS counter_id,
    CASE WHEN d.r_employee < {EMPLOYEE_SHARE} THEN d.employee0 + d.c * d.staff + d.j END
      AS employee_id,
    CASE WHEN d.r_service < {SERVICE_SHARE} THEN d.service0 + d.s END AS service_type_id,
    d.skill + d.mood + CASE WHEN d.r_employee < {EMPLOYEE_SHARE}
      THEN ((d.employee0 + d.c * d.staff + d.j) % 7 - 3) * 0.08 ELSE 0 END AS level
  FROM (
    SELECT p.*,
      floor(random() * p.counters)::int AS c,
      floor(random() * p.staff)::int AS j,
      floor(random() * p.services)::int AS s,
      random() AS r_employee,
      random() AS r_service,
      CASE WHEN random() < {BLANK_SHARE} THEN 1 + floor(random() * 9)::int ELSE 0 END AS blank,
      0.45 * {normal} AS mood,
      timestamp '{month.start.isoformat()}'
        + make_interval(days => floor(random() * {month.days})::int,
                        secs => CASE WHEN random() < 0.9 THEN 27000 + random() * 32400
                                     ELSE random() * 86400 END) AS local_at
    FROM bench_plan AS p CROSS JOIN LATERAL generate_series(1, p.n) AS i
  ) AS d
) AS r
ORDER BY r.submitted_at
"""
    session.execute(sa.text("SET LOCAL work_mem = '512MB'"))
    session.execute(sa.text(sql))
    session.execute(sa.text("SET LOCAL maintenance_work_mem = '1GB'"))
    for index in indexes:
        index.create(connection)
    session.execute(sa.text("DROP TABLE bench_plan"))
    session.commit()


def naive(session, unit_ids, start, end, by_employee: bool = False):
    """The same statistics, straight from the raw responses with GROUP BY: those of the
    local days ``start`` (included) to ``end`` (excluded), as the rollups count them."""
    from portal.models import Response

    t = Response.__table__
    columns = naive_columns(t)
    query = sa.select(*([t.c.employee_id] if by_employee else []), *columns).where(
        t.c.unit_id.in_(unit_ids), t.c.service_date >= start, t.c.service_date < end
    )
    if by_employee:
        query = query.where(t.c.employee_id.is_not(None)).group_by(t.c.employee_id)
        return {
            row.employee_id: Statistics.from_columns(row._mapping) for row in session.execute(query)
        }
    return Statistics.from_columns(session.execute(query).one()._mapping)


class SqlClock:
    """Add up the time spent in cursor executes (the database's share of a report)."""

    def __init__(self, engine):
        self.total = 0.0
        self.statements: list[tuple[str, dict]] = []
        self.record = False
        sa.event.listen(engine, "before_cursor_execute", self.before)
        sa.event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()
        if self.record:
            self.statements.append((statement, parameters))

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.total += time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())


def sizes(session) -> list[tuple[str, int, int, int]]:
    tables = ("response", "rollup", "rollup_day", "rollup_service", "rollup_service_day")
    result = []
    for table in tables:
        count, heap, index = session.execute(
            sa.text(
                f"SELECT count(*), pg_table_size('{table}'), pg_indexes_size('{table}')"
                f" FROM {table}"
            )
        ).one()
        result.append((table, count, heap, index))
    return result


def code_version() -> str:
    """Return the commit measured, and whether the portal's code differs from it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def git(*command: str) -> str:
        return subprocess.run(
            ["git", *command], cwd=root, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = git("status", "--porcelain", "--", "portal", "surveys")
    return f"commit {git('rev-parse', '--short', 'HEAD') or '?'}" + (
        " + local changes in portal/surveys" if changed else ""
    )


def server_version(engine) -> str:
    with engine.connect() as conn:
        version = conn.scalar(sa.text("SHOW server_version"))
        settings = [
            f"{name} {conn.scalar(sa.text(f'SHOW {name}'))}"
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        ]
    return f"PostgreSQL {version} ({', '.join(settings)})"


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def report_org(pemdas: list[Pemda], units: list[ServiceUnit], args, month) -> None:
    """Print the generated organisation and how the load is spread over it."""
    provinces = sum(p.name.startswith("Pemerintah Provinsi") for p in pemdas)
    cities = sum(p.name.startswith("Pemerintah Kota") for p in pemdas)
    zones = {z: sum(p.zone == z for p in pemdas) for z in ZONES}
    counters = sum(u.counters for u in units)
    staff = sum(u.counters * u.staff for u in units)
    services = sum(u.services for u in units)
    ranked = sorted(pemdas, key=lambda p: p.responses, reverse=True)
    top = ranked[0]
    mine = [u for u in units if u.pemda is top]
    print(
        f"organisation: {len(pemdas)} Pemda ({provinces} provinces, {len(pemdas) - provinces}"
        f" kabupaten/kota of which {cities} kota; WIB {zones['Asia/Jakarta']}, WITA"
        f" {zones['Asia/Makassar']}, WIT {zones['Asia/Jayapura']}),"
        f" {sum(len(p.opds) for p in pemdas):,} OPD, {len(units):,} service units,"
        f" {counters:,} loket, {staff:,} employees (2-4 on each loket's roster),"
        f" {services:,} service types"
    )
    print(
        "sizes grow with load, f = (load/biggest)^0.35: 12+28f OPD, 1..3+4f units per OPD,"
        " 1..3+3f loket per unit, 2..4 employees per loket, 2..6 service types per unit"
    )
    print(
        f"load: {args.responses:,} responses in {month} (local time); Pemda load ~"
        f" rank^-{ZIPF}, units by lognormal(0, 0.8) x loket; {EMPLOYEE_SHARE:.0%} credit the"
        f" rostered employee, {SERVICE_SHARE:.0%} name a service type,"
        f" {BLANK_SHARE:.0%} leave one unsur blank"
    )
    print(
        f"biggest Pemda: {top.name} ({top.zone}), {top.responses:,} responses"
        f" ({top.responses / args.responses:.1%}), {len(top.opds)} OPD, {len(mine)} units,"
        f" {sum(u.counters for u in mine)} loket,"
        f" {sum(u.counters * u.staff for u in mine)} employees; median Pemda"
        f" {ranked[len(ranked) // 2].responses:,}, smallest {ranked[-1].responses:,}",
        flush=True,
    )


def measure(session, engine, pemdas, units, args, month, days) -> bool:
    """Time the reports, compare them with the naive GROUP BY; return whether all agree."""
    from portal.services import reports
    from portal.services.org import subtree_ids
    from portal.services.viewer import Viewer
    from surveys.policy import ReportPolicy

    top = max(pemdas, key=lambda p: p.responses)
    mine = [u for u in units if u.pemda is top]
    unit = max(mine, key=lambda u: u.responses)
    per_opd: dict[int, int] = {}
    for u in mine:
        per_opd[u.opd_id] = per_opd.get(u.opd_id, 0) + u.responses
    opd = max(per_opd, key=per_opd.get)
    scopes = [
        ("service unit", reports.Scope("unit", unit.id), unit.responses),
        ("OPD", reports.Scope("unit", opd), per_opd[opd]),
        ("Pemda", reports.Scope("unit", top.unit_id), top.responses),
    ]

    viewer = Viewer.system(ReportPolicy())
    clock = SqlClock(engine)
    session.expire_all()
    lines, slow, identical = [], [], True
    print(
        f"\nscopes, all in {top.name}: busiest service unit id {unit.id} ({unit.responses:,}"
        f" responses in the month), busiest OPD id {opd} ({per_opd[opd]:,}), the Pemda"
        f" id {top.unit_id} ({top.responses:,})",
        flush=True,
    )

    def run(label, period, fn, expected, *, repeat=args.repeat):
        nonlocal identical
        clock.total = 0.0
        result, ms = timed(fn, repeat)
        sql_ms = clock.total / repeat * 1000
        same = expected(result[0]) if expected else None
        identical = identical and same is not False
        lines.append((label, str(period), ms, sql_ms, same))
        if ms > 100:
            slow.append((label, period, fn))
        print(f"  measured {label} {period}: {ms:,.1f} ms", flush=True)
        return result

    ids_ms = timed(lambda: subtree_ids(session, top.unit_id), args.repeat)[1]
    for period in (month, days):
        start, end = period.start, period.end
        for label, scope, _ in scopes:
            members = subtree_ids(session, scope.id)
            truth = naive(session, members, start, end)

            def one(scope=scope, period=period):
                report = reports.score_for(session, viewer, scope, period)
                return report, detail(report)

            run(
                f"score_for {label}",
                period,
                one,
                lambda r, truth=truth: (
                    r.statistics == truth and r.score == scoring.from_statistics(truth)
                ),
            )
        pemda_scope = scopes[-1][1]
        members = subtree_ids(session, top.unit_id)
        truth = naive(session, members, start, end, by_employee=True)

        def per_employee(period=period, pemda_scope=pemda_scope):
            rows = reports.breakdown(session, viewer, pemda_scope, period, "employee")
            return rows, [row(r) for r in rows]

        run(
            f"breakdown employee Pemda ({len(truth):,} employees)",
            period,
            per_employee,
            lambda rs, truth=truth: (
                {r.scope.id: r.statistics for r in rs} == truth
                and all(r.score == scoring.from_statistics(truth[r.scope.id]) for r in rs)
            ),
        )
        run(
            "naive GROUP BY Pemda",
            period,
            lambda start=start, end=end, members=members: (naive(session, members, start, end),),
            None,
            repeat=args.naive_repeat,
        )
        run(
            "naive GROUP BY Pemda per employee",
            period,
            lambda start=start, end=end, members=members: (
                naive(session, members, start, end, by_employee=True),
            ),
            None,
            repeat=args.naive_repeat,
        )

    title = f"report (median of {args.repeat}; naive of {args.naive_repeat})"
    print(f"\n{title:<52} {'period':<22} {'total':>10} {'in SQL':>10}  equals naive")
    for label, period, ms, sql_ms, same in lines:
        verdict = "-" if same is None else ("yes" if same else "NO")
        print(f"{label:<52} {period:<22} {ms:>8.1f}ms {sql_ms:>8.1f}ms  {verdict}")
    print(f"(subtree_ids of the Pemda, read by every unit report: {ids_ms:.1f} ms median)")
    if args.explain:
        for label, period, fn in slow:
            if label.startswith("naive"):
                continue
            clock.statements, clock.record = [], True
            fn()
            clock.record = False
            print(f"\nEXPLAIN ANALYZE of the statements of {label} {period}:")
            for statement, parameters in clock.statements:
                plan = session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
                print("  " + statement.split("\n")[0][:120])
                for (line,) in plan:
                    print("    " + (line if len(line) < 160 else line[:150] + " ..."))
    return identical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--pemda", type=int, default=552, help="Pemda roots (38/552 provinces)")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--range-days", type=int, default=10, help="days of the range report")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions (median)")
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the SQL of reports over 100 ms"
    )
    args = parser.parse_args()

    from portal import create_app
    from portal.extensions import db
    from portal.services import rollups

    month = parse(args.month)
    if month.kind != "month":
        raise SystemExit("--month takes a month, e.g. 2026-10")
    last = month.start + dt.timedelta(days=args.range_days - 1)
    days = parse(f"{month.start}..{last}")
    rng = random.Random(args.seed)
    pemdas = plan_org(rng, args.pemda)

    admin = sa.create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{args.database}"'))
    url = f"{SERVER}/{args.database}"
    os.environ.setdefault("SECRET_KEY", "bench-national")
    # Without the statement timeout: loading and indexing 10^7 responses takes minutes.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_STATEMENT_TIMEOUT_MS": 0})
    started = time.perf_counter()
    print(f"code: {code_version()}; server: {server_version(admin)}")
    try:
        with app.app_context():
            db.create_all()
            session = db.session
            t0 = time.perf_counter()
            units = build_org(session, rng, pemdas)
            weights = [p.weight for p in pemdas]
            by_pemda: dict[int, list[ServiceUnit]] = {}
            for unit in units:
                by_pemda.setdefault(unit.pemda.index, []).append(unit)
            for pemda, n in zip(pemdas, apportion(args.responses, weights), strict=True):
                pemda.responses = n
                mine = by_pemda[pemda.index]
                for unit, k in zip(mine, apportion(n, [u.load for u in mine]), strict=True):
                    unit.responses = k
            report_org(pemdas, units, args, month)
            print(f"organisation written in {time.perf_counter() - t0:,.1f} s", flush=True)

            instrument_id = session.scalar(sa.text("SELECT id FROM instrument"))
            t0 = time.perf_counter()
            generate(session, units, month, instrument_id)
            generated_s = time.perf_counter() - t0
            print(f"generated {args.responses:,} responses in {generated_s:,.1f} s", flush=True)

            t0 = time.perf_counter()
            written = groups = 0
            # As `flask rollups rebuild`: one short transaction per group of unit-months.
            for group in rollups.rebuild_batches(session):
                written += rollups.recount(session, group)
                session.commit()
                groups += len(group)
            rebuild_s = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
            print(
                f"rollups rebuilt: {groups:,} unit-months recounted, {written:,} rows written"
                f" in {rebuild_s:,.1f} s (peak RSS of this process so far {peak:.2f} GiB)",
                flush=True,
            )
            t0 = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM (ANALYZE)"))
            print(f"VACUUM (ANALYZE) in {time.perf_counter() - t0:,.1f} s", flush=True)

            print(f"\n{'table':<18} {'rows':>12} {'heap':>11} {'indexes':>11} {'total':>11}")
            for table, count, heap, index in sizes(session):
                print(
                    f"{table:<18} {count:>12,} {mib(heap):>11} {mib(index):>11}"
                    f" {mib(heap + index):>11}"
                )
            identical = measure(session, db.engine, pemdas, units, args, month, days)
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
    if args.keep:
        print(f"kept database {args.database}: {url}")
    print(f"total run time {time.perf_counter() - started:,.0f} s")
    if not identical:
        raise SystemExit("MISMATCH: rollup and naive numbers differ")


if __name__ == "__main__":
    main()

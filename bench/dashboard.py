"""Dashboard and report pages at 10^6 stored responses, beside the same numbers from raw rows.

The budget (issue): any dashboard or report page renders in under 300 ms at 10^6 stored
responses. This generates SIZE responses over 2026 for one Pemda with
``bench.aggregate`` (10 OPD, 30 service units, 90 loket, 300 employees on a duty
roster), adds the respondent profile to 70% of them and a comment to 15% as the demo
data does, builds the rollups as ``flask rollups rebuild`` does, and creates an
administrator, a leadership user and the head of one service unit. Each logs in through
the real ``/masuk`` form (CSRF token and all); then, in the same run, it times:

  page      GET of the full page through Flask's test client (the whole app: session,
            login, Babel, the services, the template, compression as a browser asks
            for it), 2 warm-ups then REPEAT timed requests: median and p95, status 200;
  baseline  the numbers that page shows computed from the raw responses instead: one
            naive GROUP BY over the response table per table of the page (overall, per
            sub-unit, per loket, per employee, per service type, 12-month trend; as
            bench/aggregate.py's baseline), for the same unit and period, NAIVE_REPEAT
            times (median). No template and no HTTP: that favours the baseline.

"identical" checks that every baseline table equals the statistics the services
(``portal.services.reports``) give for it, and that the score CSV's overall line holds
the baseline's respondents and score. A page answering 404 (one not built yet) is
reported as not available. For every page over budget it makes one more request with
each SQL statement timed and prints the statements that dominate.

    .venv/bin/python -m bench.dashboard                      # 10^6 (~2.5 min to generate)
    .venv/bin/python -m bench.dashboard --size 100000 --repeat 5
    DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test .venv/bin/python -m bench.dashboard

Without DATABASE_URL it uses a fresh SQLite file (WAL) in a temporary folder and
deletes it; with it, it creates its tables in a schema of its own and drops them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import os
import random
import re
import shutil
import statistics as stats_module
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.aggregate import build_org, generate, naive_columns
from surveys import periods, scoring
from surveys.statistics import Statistics

BUDGET_MS = 300
QUARTER, YEAR = "2026-Q3", "2026"
PASSWORD = "bench-dashboard-2026"
SEARCH = "antrean"  # in one of the demo's comments
TREND_MONTHS = 12
# What a phone or desktop browser sends: compression is part of a page's cost.
HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "id"}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# One table of a page: (scope kind, scope id, grouped by, period code). ``by`` is None
# for the slice's own score, a breakdown ("unit", "counter", "employee", "service_type")
# or "month" for the 12-month trend ending with the period's last month.
Question = tuple[str, int, str | None, str]


@dataclass
class Page:
    name: str
    user: str  # a key of the logged-in clients, or "public"
    url: str
    questions: tuple[Question, ...]
    median: float | None = None
    p95: float | None = None
    status: int | None = None
    baseline: float | None = None
    body: bytes = b""


class _WithProfile:
    """The session ``bench.aggregate.generate`` writes through, adding what the demo
    data has and its generator does not: a respondent profile (70%) and a comment (15%).
    Its own random numbers, so the answers are those of bench.aggregate at the same size."""

    def __init__(self, session, rng: random.Random):
        from portal.services.demo import COMMENTS

        self.session, self.rng, self.comments = session, rng, COMMENTS

    def execute(self, statement, rows):
        rng = self.rng
        for row in rows:
            if rng.random() < 0.7:
                row["sex"] = rng.choice("LP")
                row["age"] = rng.randint(18, 70)
                row["education"] = rng.choice(["SD", "SMP", "SMA", "SMA", "D3", "S1", "S1", "S2"])
                row["occupation"] = rng.choice(["PNS", "Swasta", "Wirausaha", "Pelajar", "Lainnya"])
            else:
                row.update(sex=None, age=None, education=None, occupation=None)
            row["comment"] = rng.choice(self.comments) if rng.random() < 0.15 else None
        return self.session.execute(statement, rows)

    def commit(self):
        self.session.commit()


def trend_window(period: periods.Period) -> periods.Period:
    """The 12 months ending with the period's last month, as the dashboard's trend."""
    last = period.end - dt.timedelta(days=1)
    first = last.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return periods.parse(f"{first.isoformat()}..{last.isoformat()}")


def _nonempty(found: dict) -> dict:
    return {k: v for k, v in found.items() if v.respondents}


def naive(session, question: Question) -> dict:
    """One table of a page from the raw responses: statistics per group, by GROUP BY."""
    from portal.models import Response, Unit
    from portal.services.org import subtree_ids

    kind, scope_id, by, code = question
    period = periods.parse(code)
    if by == "month":
        period = trend_window(period)
    t = Response.__table__
    if kind == "unit":
        where = [t.c.unit_id.in_(subtree_ids(session, scope_id))]
    else:
        where = [t.c[f"{kind}_id"] == scope_id]
    where += [t.c.service_date >= period.start, t.c.service_date < period.end]
    if by is None:
        row = session.execute(sa.select(*naive_columns(t)).where(*where)).one()
        return _nonempty({None: Statistics.from_columns(row._mapping)})
    if by == "month":
        keys = [sa.extract("year", t.c.service_date), sa.extract("month", t.c.service_date)]
    else:
        keys = [t.c[f"{by}_id"]]
        where.append(keys[0].is_not(None))
    query = sa.select(*keys, *naive_columns(t)).where(*where).group_by(*keys)
    rows = session.execute(query).all()
    if by == "month":
        return _nonempty(
            {dt.date(int(r[0]), int(r[1]), 1): Statistics.from_columns(r._mapping) for r in rows}
        )
    found = {r[0]: Statistics.from_columns(r._mapping) for r in rows}
    if by != "unit":
        return _nonempty(found)
    children = session.scalars(sa.select(Unit.id).where(Unit.parent_id == scope_id)).all()
    return _nonempty(
        {
            child: sum((found[u] for u in subtree_ids(session, child) if u in found), Statistics())
            for child in children
        }
    )


def served(session, viewer, question: Question) -> dict:
    """The same table from the services the pages use (over the rollups)."""
    from portal.services import reports

    kind, scope_id, by, code = question
    period = periods.parse(code)
    scope = reports.Scope(kind, scope_id)
    if by is None:
        return _nonempty({None: reports.score_for(session, viewer, scope, period).statistics})
    if by == "month":
        found = reports.trend(session, viewer, scope, trend_window(period), "month")
        return _nonempty({r.period.start: r.statistics for r in found})
    found = reports.breakdown(session, viewer, scope, period, by)
    return _nonempty({r.scope.id: r.statistics for r in found})


def percentile(times: list[float], q: int) -> float:
    """Return the q-th percentile (inclusive method: between the nearest samples)."""
    if len(times) == 1:
        return times[0]
    return stats_module.quantiles(times, n=100, method="inclusive")[q - 1]


def login(client, username: str) -> None:
    page = client.get("/masuk")
    match = _CSRF.search(page.get_data(as_text=True))
    if match is None:
        raise SystemExit("no CSRF token on /masuk")
    answer = client.post(
        "/masuk",
        data={"username": username, "password": PASSWORD, "csrf_token": match[1] or match[2]},
    )
    if answer.status_code != 302 or "/masuk" in answer.headers.get("Location", ""):
        raise SystemExit(f"login as {username} failed: {answer.status_code}")


def build_pages(org, employee_id: int, counter_id: int, opd_id: int) -> list[Page]:
    root, _, units, *_ = org
    pemda, unit = root.id, units[0]
    children = ("unit", "counter", "employee", "service_type")

    def dashboard(scope_id, code):
        tables = [("unit", scope_id, None, code)]
        tables += [("unit", scope_id, by, code) for by in children]
        return (*tables, ("unit", scope_id, "month", code))

    def options(scope_id, code):
        return tuple(("unit", scope_id, by, code) for by in ("counter", "employee", "service_type"))

    def single(kind, scope_id, code):
        return (
            (kind, scope_id, None, code),
            (kind, scope_id, "month", code),
            ("unit", unit, "month", code),
        )

    pages = []
    for label, scope_id, user in (
        ("Pemda", pemda, "leadership"),
        ("OPD", opd_id, "admin"),
        ("unit", unit, "unit_head"),
    ):
        for code in (QUARTER, YEAR):
            pages.append(
                Page(
                    f"dasbor {label} {code}",
                    user,
                    f"/dasbor/?unit={scope_id}&periode={code}",
                    dashboard(scope_id, code),
                )
            )
    for label, scope_id, user, code in (
        ("Pemda", pemda, "leadership", YEAR),
        ("unit", unit, "unit_head", QUARTER),
    ):
        base = f"/dasbor/komentar?unit={scope_id}&periode={code}"
        pages.append(Page(f"komentar {label} {code}", user, base, options(scope_id, code)))
        pages.append(
            Page(
                f"komentar {label} {code} q={SEARCH}",
                user,
                f"{base}&q={SEARCH}",
                options(scope_id, code),
            )
        )
    for label, scope_id, code in (("Pemda", pemda, YEAR), ("unit", unit, QUARTER)):
        pages.append(
            Page(
                f"hasil {label} {code} (public)",
                "public",
                f"/hasil/{scope_id}?periode={code}",
                (("unit", scope_id, None, code), ("unit", scope_id, "unit", code)),
            )
        )
    for label, scope_id, user, code in (
        ("Pemda", pemda, "leadership", YEAR),
        ("unit", unit, "unit_head", QUARTER),
    ):
        pages.append(
            Page(
                f"ekspor skor.csv {label} {code}",
                user,
                f"/dasbor/ekspor/skor.csv?unit={scope_id}&periode={code}",
                (("unit", scope_id, None, code), *(("unit", scope_id, b, code) for b in children)),
            )
        )
    # Being built: picked up once they answer 200 (the SKM report taken as the dashboard's
    # tables; an employee's and a loket's page: own score, own trend, the unit's trend).
    for label, scope_id, user, code in (
        ("Pemda", pemda, "leadership", YEAR),
        ("unit", unit, "unit_head", QUARTER),
    ):
        pages.append(
            Page(
                f"laporan {label} {code}",
                user,
                f"/dasbor/laporan?unit={scope_id}&periode={code}",
                dashboard(scope_id, code),
            )
        )
    pages.append(
        Page(
            f"pegawai {YEAR}",
            "unit_head",
            f"/dasbor/pegawai/{employee_id}?periode={YEAR}",
            single("employee", employee_id, YEAR),
        )
    )
    pages.append(
        Page(
            f"loket {YEAR}",
            "unit_head",
            f"/dasbor/loket/{counter_id}?periode={YEAR}",
            single("counter", counter_id, YEAR),
        )
    )
    return pages


def time_page(client, page: Page, warmup: int, repeat: int) -> None:
    for _ in range(warmup):
        answer = client.get(page.url, headers=HEADERS)
        page.status = answer.status_code
        if page.status == 404:
            return
        if page.status != 200:
            raise SystemExit(f"GET {page.url} answered {page.status}: {answer.data[:300]!r}")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = client.get(page.url, headers=HEADERS)
        times.append((time.perf_counter() - t0) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"GET {page.url} answered {answer.status_code}")
    page.status, page.body = 200, answer.data
    page.median, page.p95 = stats_module.median(times), percentile(times, 95)


def time_baseline(app, questions, repeat: int) -> float:
    from portal.extensions import db

    times = []
    for _ in range(repeat):
        with app.app_context():
            t0 = time.perf_counter()
            for question in questions:
                naive(db.session, question)
            times.append((time.perf_counter() - t0) * 1000)
    return stats_module.median(times)


def check_identical(app, pages: list[Page]) -> list[str]:
    """Return what differs between the baseline and the services (and the score CSV)."""
    from portal.extensions import db
    from portal.services.viewer import Viewer

    differences = []
    with app.app_context():
        viewer = Viewer.system(app.config["REPORT_POLICY"])
        questions = sorted({q for p in pages if p.status == 200 for q in p.questions}, key=str)
        raw = {q: naive(db.session, q) for q in questions}
        for question in questions:
            if raw[question] != served(db.session, viewer, question):
                differences.append(f"table {question}")
    for page in pages:
        if page.status != 200 or not page.url.startswith("/dasbor/ekspor/skor.csv"):
            continue
        rows = list(csv.DictReader(io.StringIO(page.body.decode("utf-8-sig"))))
        total = next(r for r in rows if r["kind"] == "total")
        stats = raw[page.questions[0]].get(None, Statistics())
        score = scoring.from_statistics(stats)
        if int(total["respondents"]) != stats.respondents or total["score"] != str(score.converted):
            differences.append(f"{page.name}: CSV {total['score']} vs raw {score.converted}")
    return differences


def explain_slow(app, client, page: Page) -> list[str]:
    """One more request with every SQL statement timed: where the page's time goes."""
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []
    started = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - started.pop(id(cursor))) * 1000
        caller = "?"
        frame = sys._getframe(1)
        while frame is not None:
            path = frame.f_code.co_filename
            if "/portal/" in path and not path.endswith("portal/database.py"):
                caller = f"{Path(path).parent.name}/{Path(path).name}:{frame.f_code.co_name}"
                break
            frame = frame.f_back
        statements.append((ms, caller, " ".join(statement.split())))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        t0 = time.perf_counter()
        client.get(page.url, headers=HEADERS)
        total = (time.perf_counter() - t0) * 1000
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    sql = sum(ms for ms, *_ in statements)
    by_caller: dict[str, list[float]] = {}
    for ms, caller, _ in statements:
        by_caller.setdefault(caller, []).append(ms)
    lines = [
        f"{page.name}: {total:,.0f} ms in one profiled request; {len(statements)} SQL"
        f" statements took {sql:,.0f} ms, everything else (Python, template) {total - sql:,.0f} ms"
    ]
    for caller, times in sorted(by_caller.items(), key=lambda kv: -sum(kv[1]))[:4]:
        lines.append(f"    {sum(times):>8,.0f} ms in {len(times):>3} statements from {caller}")
    for ms, caller, text in sorted(statements, reverse=True)[:3]:
        lines.append(f"    slowest {ms:,.0f} ms ({caller}): {text[:160]}")
    return lines


def run(args, url: str, engine_options: dict, label: str) -> int:
    from portal import create_app
    from portal.extensions import db
    from portal.models import Response, Role, Unit, User, access
    from portal.services import rollups

    # As the test suite does: a production-strength hash costs a quarter second a login.
    access.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    app = create_app(
        {
            "SECRET_KEY": "bench-dashboard",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_BASE_URL": "http://survey.test",
            # Loading and recounting 10^6 responses takes longer than a request may.
            "DATABASE_STATEMENT_TIMEOUT_MS": 0,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        rng = random.Random(args.size)  # as bench.aggregate: the same responses
        org = build_org(session, rng)
        root, _, units, counters, staff, _ = org
        t0 = time.perf_counter()
        generate(_WithProfile(session, random.Random(args.size + 1)), rng, args.size, org)
        generated_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for group in rollups.rebuild_batches(session):
            rollups.recount(session, group)
            session.commit()
        rebuilt_s = time.perf_counter() - t0
        stored = session.scalar(sa.select(sa.func.count()).select_from(Response.__table__))
        monthly = session.scalar(sa.select(sa.func.count()).select_from(rollups.MONTHLY.table))
        opd_id = session.get(Unit, units[0]).parent_id
        for username, role, unit_id in (
            ("bench.admin", Role.ADMIN, None),
            ("bench.leadership", Role.LEADERSHIP, None),
            ("bench.unit_head", Role.UNIT_HEAD, units[0]),
        ):
            user = User(username=username, role=role, unit_id=unit_id)
            user.set_password(PASSWORD)
            session.add(user)
        session.commit()
        employee_id, counter_id = staff[0][0].id, counters[0][0].id
        pages = build_pages(org, employee_id, counter_id, opd_id)
    print(
        f"database: {label}; 1 Pemda, 10 OPD, 30 units, 90 loket, 300 employees;"
        f" {stored:,} responses in 2026 generated in {generated_s:.1f} s, rollups rebuilt in"
        f" {rebuilt_s:.1f} s ({monthly:,} monthly rows)",
        flush=True,
    )

    clients = {"public": app.test_client()}
    for user in ("admin", "leadership", "unit_head"):
        clients[user] = app.test_client()
        login(clients[user], f"bench.{user}")
    # As wsgi.py does once the app is built.
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()[0]
    baselines: dict[tuple, float] = {}
    for page in pages:
        time_page(clients[page.user], page, args.warmup, args.repeat)
        if page.status == 200:
            if page.questions not in baselines:
                baselines[page.questions] = time_baseline(app, page.questions, args.naive_repeat)
            page.baseline = baselines[page.questions]
        print(f"  timed {page.name}", file=sys.stderr, flush=True)
    load_after = os.getloadavg()[0]
    differences = check_identical(app, pages)

    print(
        f"\n{args.repeat} timed GETs a page after {args.warmup} warm-ups (median, p95);"
        f" baseline: the page's tables from raw rows, median of {args.naive_repeat}"
    )
    print(f"{'page':<34} {'median':>10} {'p95':>10} {'baseline':>11} {'ratio':>7}")
    for page in pages:
        if page.status != 200:
            print(f"{page.name:<34} {'not available (404)':>41}")
            continue
        print(
            f"{page.name:<34} {page.median:>7,.1f} ms {page.p95:>7,.1f} ms"
            f" {page.baseline:>8,.0f} ms {page.baseline / page.median:>6,.1f}x"
        )
    print(
        f"load average (1 min) at the start and end of the timing:"
        f" {load_before:.2f}, {load_after:.2f} ({os.cpu_count()} CPUs)"
    )
    print(f"identical: {'no' if differences else 'yes'}")
    for difference in differences:
        print(f"  differs: {difference}")
    slow = [p for p in pages if p.status == 200 and p.p95 >= BUDGET_MS]
    verdict = (
        "NOT MET (" + "; ".join(f"{p.name} p95 {p.p95:,.0f} ms" for p in slow) + ")"
        if slow
        else "met"
    )
    print(f"budget: every page under {BUDGET_MS} ms at {stored:,} responses: {verdict}")
    if slow:
        print("\nwhere the time goes (one more request each):")
        for page in slow:
            for line in explain_slow(app, clients[page.user], page):
                print(f"  {line}")
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="responses stored")
    parser.add_argument("--repeat", type=int, default=20, help="timed GETs a page")
    parser.add_argument("--warmup", type=int, default=2, help="untimed GETs a page first")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed baseline runs")
    args = parser.parse_args()
    started = time.perf_counter()
    url = os.environ.get("DATABASE_URL")
    workdir = admin = None
    if url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        label = "PostgreSQL"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
        url, options, label = f"sqlite:///{workdir / 'bench.sqlite3'}", {}, "SQLite (WAL)"
    try:
        status = run(args, url, options, label)
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"total run time {time.perf_counter() - started:,.0f} s")
    if status:
        raise SystemExit("MISMATCH: the pages' numbers differ from those computed from raw rows")


if __name__ == "__main__":
    main()

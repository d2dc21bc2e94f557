"""Closed-loop load on the citizen's submit path: the portal against a bare insert.

For each database it starts, on loopback and under the same gunicorn.conf.py:

  ours  the portal in the production profile (PORTAL_ENV=production, Redis limits when
        Redis answers), migrated, with the demo Pemda loaded;
  bare  bench/bare_app.py: Flask + SQLAlchemy, one INSERT per POST, nothing else;

then drives each in turn with CONCURRENCY clients for DURATION seconds. Every client
loops: GET a counter's survey page, POST the form back with the hidden fields the page
carried (CSRF token, submission id) and nine answers, expect 303. Latencies are those
of the POST (the submission); the first WARMUP seconds are not counted. At the end the
rows in each database are counted and must equal the accepted submissions.

It also prints the CPU each counted submission cost, over the measured window: the
app's gunicorn processes, PostgreSQL's server processes, and the whole machine (which
includes the load generator). At saturation throughput is the cores divided by the
whole machine's figure, so this says where the ratio between the two apps comes from.

    .venv/bin/python -m bench.load                       # SQLite, and PostgreSQL if it answers
    .venv/bin/python -m bench.load --databases postgresql --concurrency 32 --duration 30

The load generator runs on the same machine as the servers and takes CPU from them;
both apps pay that equally. The portal's submission limit is lifted for the run (every
client comes from 127.0.0.1); nothing else is changed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import random
import re
import runpy
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')
SURVEY_LINE = re.compile(r"^survey: http://[^/]+(/s/\S+)", re.M)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


# -- the load -------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, counted POSTs only
    cycles: list[float] = field(default_factory=list)  # GET + POST, counted only
    accepted: int = 0  # every 303, warm-up included (checked against the database)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.cycles += other.cycles
        self.accepted += other.accepted
        for kind, n in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + n


def _client(port, paths, start, warm, end, seed, tally: Tally, lock) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookies: dict[str, str] = {}  # a phone's browser: the session and the device cookie

    def keep(response) -> None:
        for header in response.msg.get_all("Set-Cookie") or ():
            name, _, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value

    mine = Tally()
    while time.perf_counter() < end:
        path = rng.choice(paths)
        headers = {"Accept-Language": "id", "User-Agent": f"bench-load/{seed}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            page = conn.getresponse()
            html = page.read().decode()
            keep(page)
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            if page.status != 200:
                mine.error(f"GET {page.status}")
                continue
            form = {
                **hidden_fields(html),
                **{f"U{n}": str(rng.choice((2, 3, 3, 4, 4))) for n in range(1, 10)},
            }
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            t1 = time.perf_counter()
            conn.request("POST", path, body=urllib.parse.urlencode(form), headers=headers)
            answer = conn.getresponse()
            answer.read()
            t2 = time.perf_counter()
            keep(answer)
        except (OSError, http.client.HTTPException) as exc:
            # gunicorn closes idle keep-alive connections and restarts workers
            # (max_requests); a client reconnects, as a browser would.
            mine.error(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if answer.status != 303:
            mine.error(f"POST {answer.status}")
            continue
        mine.accepted += 1
        if t0 >= warm:
            mine.latencies.append(t2 - t1)
            mine.cycles.append(t2 - t0)
    conn.close()
    with lock:
        tally.merge(mine)


def _process(port, paths, start, warm, end, threads, seed, queue) -> None:
    tally, lock = Tally(), threading.Lock()
    workers = [
        threading.Thread(
            target=_client, args=(port, paths, start, warm, end, seed * 1000 + i, tally, lock)
        )
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(tally)


def drive(port: int, paths: list[str], concurrency: int, duration: float, warmup: float) -> Tally:
    """Run ``concurrency`` closed-loop clients, spread over a few processes (the GIL)."""
    processes = min(4, concurrency)
    share = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.perf_counter() + 0.5
    warm, end = start + warmup, start + warmup + duration
    children = [
        context.Process(target=_process, args=(port, paths, start, warm, end, n, i + 1, queue))
        for i, n in enumerate(share)
    ]
    for child in children:
        child.start()
    while time.perf_counter() < start:
        time.sleep(0.01)
    total = Tally()
    for _ in children:
        total.merge(queue.get())
    for child in children:
        child.join()
    return total


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# -- where the CPU goes -----------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int | str, *, reaped_children: bool = False) -> int:
    """utime + stime of a process (and of its children it has reaped), in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11 : 15 if reaped_children else 13])


def app_cpu(master: int) -> float:
    """CPU seconds used so far by a gunicorn master and its workers, replaced ones too."""
    total = _ticks(master, reaped_children=True)
    for worker in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError):
            total += _ticks(worker)
    return total / TICK


def postgres_cpu() -> dict[str, int]:
    """Ticks used so far by each PostgreSQL server process (the benchmark's connections
    are pooled, so the same backends serve the whole measured window)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                found[stat.parent.name] = _ticks(stat.parent.name)
    return found


def machine_busy() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


@dataclass
class CpuSample:
    app: float
    postgres: dict[str, int]
    machine: float

    @classmethod
    def take(cls, master: int) -> CpuSample:
        return cls(app_cpu(master), postgres_cpu(), machine_busy())

    def until(self, later: CpuSample) -> tuple[float, float, float]:
        """Return CPU seconds of the app, PostgreSQL and the whole machine in between."""
        postgres = sum(t - self.postgres.get(pid, 0) for pid, t in later.postgres.items())
        return later.app - self.app, postgres / TICK, later.machine - self.machine


# -- the servers ----------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def postgres_answers() -> bool:
    try:
        engine = sa.create_engine(
            f"{POSTGRES_SERVER}/postgres", connect_args={"connect_timeout": 2}
        )
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def gunicorn(app_path: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app_path],
        cwd=ROOT,
        env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app_path} did not start; see {log}")


def stop(process: subprocess.Popen) -> None:
    # SIGINT: gunicorn's quick shutdown. SIGTERM would wait for the load generator's
    # keep-alive connections to time out first.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def add_counters(env: dict[str, str], n: int, *, spread: bool = True) -> list[str]:
    """Add ``n`` loket, each with one employee on duty around the clock; with ``spread``
    each in a service unit of its own (under the demo's OPDs), else in the demo's units.

    A loket serves one citizen at a time, so at most a few submissions a minute come from
    each, and a service unit from a handful of loket; 32 clients on the demo's 5 loket
    would instead all queue on the same few rollup rows. A unit's rollup rows take every
    submission made there (by month and by day, per service type), so 32 clients on the
    demo's 3 units would queue on those, at some 60 submissions a second per unit where a
    real unit sees a few a minute. Returns the survey paths of the new loket.
    """
    import datetime as dt

    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        from portal import create_app, links
        from portal.extensions import db
        from portal.models import Counter, DutyShift, Employee, Unit
        from surveys import calendar

        app = create_app()
        with app.app_context():
            session = db.session
            units = session.scalars(sa.select(Unit).where(Unit.counters.any())).all()
            counters = []
            for i in range(n):
                unit = units[i % len(units)]
                if spread:
                    unit = Unit(
                        name=f"Unit uji beban {i + 1}", timezone=unit.timezone, parent=unit.parent
                    )
                counter = Counter(unit=unit, name=f"Loket uji beban {i + 1}")
                person = Employee(
                    nip=f"19900101202001{1 + i % 2}{i + 1:03d}", name=f"Uji {i}", unit=unit
                )
                today = calendar.to_local(dt.datetime.now(dt.UTC), unit.timezone).date()
                session.add_all([counter, person])
                for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)):
                    session.add(
                        DutyShift(
                            employee=person,
                            counter=counter,
                            day=day,
                            starts=dt.time(0),
                            ends=dt.time(0),
                        )
                    )
                counters.append(counter)
            session.commit()
            paths = [links.survey_path(links.counter_token(c)) for c in counters]
            db.engine.dispose()
        return paths
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def count_rows(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))
    engine.dispose()
    return n


@dataclass
class Database:
    label: str
    ours_url: str
    bare_url: str
    cleanup: list = field(default_factory=list)


def sqlite_databases(workdir: Path) -> Database:
    return Database(
        "SQLite (WAL)",
        f"sqlite:///{workdir / 'ours.sqlite3'}",
        f"sqlite:///{workdir / 'bare.sqlite3'}",
    )


def postgres_databases() -> Database:
    suffix = secrets.token_hex(4)
    names = [f"bench_load_ours_{suffix}", f"bench_load_bare_{suffix}"]
    server = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with server.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return Database("PostgreSQL", *(f"{POSTGRES_SERVER}/{name}" for name in names), cleanup=[drop])


@dataclass
class Result:
    app: str
    tally: Tally
    duration: float
    stored: int
    cpu: tuple[float, float, float] | None = None  # app, PostgreSQL, machine; seconds

    @property
    def per_second(self) -> float:
        return len(self.tally.latencies) / self.duration

    def line(self) -> str:
        ms = [x * 1000 for x in self.tally.latencies]
        errors = ", ".join(f"{k} {v}" for k, v in sorted(self.tally.errors.items())) or "none"
        check = "ok" if self.stored == self.tally.accepted else "MISMATCH"
        return (
            f"  {self.app:<5} {self.per_second:>8.1f}/s"
            f"  p50 {percentile(ms, 50):>6.1f} ms  p95 {percentile(ms, 95):>6.1f} ms"
            f"  p99 {percentile(ms, 99):>6.1f} ms  max {max(ms, default=0):>6.0f} ms"
            f"  (rows {self.stored:,} = accepted {self.tally.accepted:,}: {check};"
            f" errors: {errors})"
        )

    @property
    def cpu_per_submission(self) -> float | None:
        """Whole-machine CPU seconds per counted submission, if measured."""
        if not self.cpu or not self.tally.latencies:
            return None
        return self.cpu[2] / len(self.tally.latencies)

    def cpu_line(self) -> str:
        """CPU per counted submission: what each cycle costs, whatever the throughput."""
        if not self.cpu or not self.tally.latencies:
            return f"  {self.app:<5} CPU per submission: not measured"
        n = len(self.tally.latencies)
        app, postgres, machine = (1000 * seconds / n for seconds in self.cpu)
        return (
            f"  {self.app:<5} CPU per submission: app (gunicorn) {app:.2f} ms,"
            f" PostgreSQL {postgres:.2f} ms, whole machine {machine:.2f} ms"
        )


def production_threads(database_url: str) -> int:
    """Return the threads per worker gunicorn.conf.py gives an app on ``database_url``."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]
    finally:
        if previous is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = previous


def run(database: Database, args, workdir: Path) -> tuple[Result, Result]:
    redis = redis_answers(REDIS_URL)
    # Both apps get the portal's production setting for this database.
    threads = args.threads or production_threads(database.ours_url)
    common = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(threads)}
    ours_env = {
        **common,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CLIENT_HASH_SECRET": secrets.token_urlsafe(32),
        "DATABASE_URL": database.ours_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL if redis else "memory://",
        "RATELIMIT_KEY_PREFIX": f"bench-load-{secrets.token_hex(4)}",
        # Every client is 127.0.0.1 and the clients loop over 64 loket: lift the three
        # submission limits (device x counter, counter, address) for the run.
        "SURVEY_DEVICE_LIMIT": "1000000 per minute",
        "SURVEY_COUNTER_LIMIT": "1000000 per minute",
        "SURVEY_ADDRESS_LIMIT": "1000000 per minute",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    flask(ours_env, "db", "upgrade")
    flask({**ours_env, "DEMO_DATA": "1"}, "demo-data")  # the production profile asks
    paths = SURVEY_LINE.findall(flask(ours_env, "demo-info"))
    if args.counters > len(paths):
        paths += add_counters(ours_env, args.counters - len(paths), spread=not args.demo_units)
    before = count_rows(database.ours_url, "response")

    from bench.bare_app import metadata

    engine = sa.create_engine(database.bare_url)
    metadata.create_all(engine)
    engine.dispose()

    results = []
    for app, app_path, env, url, table, offset in (
        ("ours", "wsgi:app", ours_env, database.ours_url, "response", before),
        (
            "bare",
            "bench.bare_app:app",
            {**common, "BARE_DATABASE_URL": database.bare_url},
            database.bare_url,
            "bare_response",
            0,
        ),
    ):
        port = free_port()
        server = gunicorn(app_path, port, env, workdir / f"{app}-{database.label[:6]}.log")
        samples = []
        # The first sample when the warm-up ends (drive starts its clock 0.5 s from now).
        timer = threading.Timer(
            0.5 + args.warmup,
            lambda into, pid: into.append(CpuSample.take(pid)),
            args=(samples, server.pid),
        )
        try:
            timer.start()
            tally = drive(port, paths, args.concurrency, args.duration, args.warmup)
            cpu = samples[0].until(CpuSample.take(server.pid)) if samples else None
        finally:
            timer.cancel()
            stop(server)
        result = Result(app, tally, args.duration, count_rows(url, table) - offset, cpu)
        results.append(result)
    print(
        f"{database.label}: {args.concurrency} clients, {args.duration:.0f} s (+{args.warmup:.0f} s"
        f" warm-up), gunicorn {args.workers} workers x {threads} threads,"
        f" limits in {'Redis' if redis else 'memory'}, {len(paths)} loket"
    )
    for result in results:
        print(result.line())
    for result in results:
        print(result.cpu_line())
    ours, bare = results
    print(f"  ours / bare: {ours.per_second / bare.per_second:.2f}")
    if ours.cpu_per_submission and bare.cpu_per_submission:
        ratio = ours.cpu_per_submission / bare.cpu_per_submission
        p99 = percentile([x * 1000 for x in ours.tally.latencies], 99)
        print(
            f"  budget: whole-machine CPU per submission ours / bare {ratio:.2f}x (at most 4x),"
            f" ours p99 {p99:.0f} ms (under 250 ms):"
            f" {'met' if ratio <= 4 and p99 < 250 else 'NOT MET'}"
        )
    return ours, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--counters", type=int, default=64, help="loket the clients spread over (demo has 5)"
    )
    parser.add_argument(
        "--demo-units",
        action="store_true",
        help="put the extra loket in the demo's 3 units instead of a unit each",
    )
    # gunicorn.conf.py's own defaults, so both apps run as production would.
    cpus = os.cpu_count() or 1
    workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cpus + 1))
    parser.add_argument("--workers", type=int, default=workers)
    parser.add_argument(
        "--threads", type=int, help="per worker; default: gunicorn.conf.py's for the database"
    )
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"machine: {cpus} CPUs, Python {python}; the load generator runs on it too")
    failed = False
    for kind in args.databases.split(","):
        if kind == "postgresql" and not postgres_answers():
            print(f"PostgreSQL: skipped, no server at {POSTGRES_SERVER}")
            continue
        workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
        database = sqlite_databases(workdir) if kind == "sqlite" else postgres_databases()
        try:
            ours, bare = run(database, args, workdir)
            failed |= ours.stored != ours.tally.accepted or bare.stored != bare.tally.accepted
        finally:
            for cleanup in database.cleanup:
                cleanup()
    if failed:
        raise SystemExit("MISMATCH: stored rows differ from accepted submissions")


if __name__ == "__main__":
    main()

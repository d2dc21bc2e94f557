"""CPU one survey cycle costs inside the app: the portal against a bare insert, no HTTP.

bench/load.py measures whole requests under gunicorn, where HTTP, gunicorn and the load
generator share the machine with the app. This isolates the apps themselves: both are
driven through Flask's test client in this process, one cycle after another (GET a
loket's survey page, POST it back with its hidden fields and nine answers), and it
prints the process CPU time per cycle, best of ROUNDS rounds of CYCLES cycles, and on
PostgreSQL the server's CPU per cycle in that round. The apps are set up as in
bench/load.py: the portal in the production profile (rate limits in Redis when Redis
answers) with the demo Pemda and extra loket; bench/bare_app.py with its one INSERT.

    .venv/bin/python -m bench.request_cost                      # SQLite, and PostgreSQL
    .venv/bin/python -m bench.request_cost --databases sqlite --rounds 3

The test client adds the same fixed cost to both apps (about 0.1 ms per request here).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.load import (
    REDIS_URL,
    SURVEY_LINE,
    TICK,
    add_counters,
    flask,
    hidden_fields,
    postgres_answers,
    postgres_cpu,
    postgres_databases,
    redis_answers,
    sqlite_databases,
)

ANSWERS = (2, 3, 3, 4, 4)


def cycles_of(client, paths: list[str], seed: int = 1) -> Callable[[], None]:
    rng = random.Random(seed)
    headers = {"Accept-Language": "id", "User-Agent": "bench-request-cost"}

    def cycle() -> None:
        path = rng.choice(paths)
        page = client.get(path, headers=headers)
        form = {
            **hidden_fields(page.get_data(as_text=True)),
            **{f"U{n}": str(rng.choice(ANSWERS)) for n in range(1, 10)},
        }
        answer = client.post(path, data=form, headers=headers)
        if answer.status_code != 303:
            raise SystemExit(f"POST {path} answered {answer.status_code}, not 303")

    return cycle


def measure(cycle: Callable[[], None], rounds: int, cycles: int) -> tuple[float, float]:
    """Return (app CPU ms, PostgreSQL CPU ms) per cycle in the round with the least app CPU."""
    for _ in range(min(cycles, 200)):
        cycle()
    best = (float("inf"), 0.0)
    for _ in range(rounds):
        server = postgres_cpu()
        started = time.process_time()
        for _ in range(cycles):
            cycle()
        app = 1000 * (time.process_time() - started) / cycles
        after = postgres_cpu()
        spent = sum(t - server.get(pid, 0) for pid, t in after.items()) / TICK
        best = min(best, (app, 1000 * spent / cycles))
    return best


def ours(url: str, counters: int) -> Callable[[], None]:
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CLIENT_HASH_SECRET": secrets.token_urlsafe(32),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": REDIS_URL if redis_answers(REDIS_URL) else "memory://",
        "RATELIMIT_KEY_PREFIX": f"bench-cost-{secrets.token_hex(4)}",
        "SURVEY_DEVICE_LIMIT": "1000000 per minute",
        "SURVEY_COUNTER_LIMIT": "1000000 per minute",
        "SURVEY_ADDRESS_LIMIT": "1000000 per minute",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    flask(env, "db", "upgrade")
    flask({**env, "DEMO_DATA": "1"}, "demo-data")  # the production profile asks
    paths = SURVEY_LINE.findall(flask(env, "demo-info"))
    paths += add_counters(env, max(0, counters - len(paths)))
    os.environ.update(env)
    from portal import create_app

    return cycles_of(create_app().test_client(), paths)


def bare(url: str) -> Callable[[], None]:
    from bench.bare_app import create_app, metadata

    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return cycles_of(create_app(url).test_client(), ["/s/bare"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--cycles", type=int, default=300, help="GET + POST cycles per round")
    parser.add_argument("--counters", type=int, default=64)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        if kind == "postgresql" and not postgres_answers():
            print("PostgreSQL: skipped, no server answers")
            continue
        workdir = Path(tempfile.mkdtemp(prefix="bench-cost-"))
        database = sqlite_databases(workdir) if kind == "sqlite" else postgres_databases()
        try:
            results = {
                "ours": measure(ours(database.ours_url, args.counters), args.rounds, args.cycles),
                "bare": measure(bare(database.bare_url), args.rounds, args.cycles),
            }
        finally:
            for cleanup in database.cleanup:
                cleanup()
        print(f"{database.label}: CPU per GET + POST, best of {args.rounds} x {args.cycles}")
        for name, (app, server) in results.items():
            print(f"  {name:<5} app {app:.2f} ms, PostgreSQL {server:.2f} ms")
        print(f"  ours / bare (app): {results['ours'][0] / results['bare'][0]:.1f}x")


if __name__ == "__main__":
    main()

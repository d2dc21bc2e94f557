"""The benchmarks still run: seconds of `make bench-load` and `make bench-cost`, no figures.

The figures themselves are not checked here (benchmarks are not timed tests); what is
checked is that both servers start, the clients complete submissions against each, and
the harness's own cross-check (stored rows = accepted submissions) holds.
"""

import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import TEST_DATABASE_URL
from tests.servers import ROOT

pytestmark = pytest.mark.slow  # subprocesses: left out of make test-fast


def _bench(module: str, *args: str, env: dict | None = None, timeout: int = 120):
    """Run ``python -m bench.<module> args`` from the checkout; it must exit 0."""
    run = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def test_the_load_benchmark_drives_both_apps_and_checks_the_stored_rows():
    run = _bench(
        "load",
        "--databases=sqlite",
        "--duration=1.5",
        "--warmup=0.5",
        "--concurrency=2",
        "--workers=1",
        "--counters=5",
    )
    line = re.compile(r"^\s+(ours|bare)\s+([\d.]+)/s.*: (ok);", re.M)
    lines = {m[0]: m for m in line.findall(run.stdout)}
    assert set(lines) == {"ours", "bare"}, run.stdout
    assert all(float(rate) > 0 for _, rate, _ in lines.values()), run.stdout
    assert re.search(r"ours / bare: \d+\.\d\d", run.stdout)
    assert "gunicorn 1 workers x 1 threads" in run.stdout  # gunicorn.conf.py's default
    assert re.search(r"budget: whole-machine CPU per submission ours / bare \d+\.\d\dx", run.stdout)
    cpu = re.compile(r"^\s+(ours|bare)\s+CPU per submission: app \(gunicorn\) ([\d.]+) ms", re.M)
    assert {app for app, ms in cpu.findall(run.stdout) if float(ms) > 0} == {"ours", "bare"}


def test_the_request_cost_benchmark_prints_both_apps_cpu_per_cycle():
    run = _bench("request_cost", "--databases=sqlite", "--rounds=1", "--cycles=3", "--counters=5")
    line = re.compile(r"^\s+(ours|bare)\s+app ([\d.]+) ms, PostgreSQL ([\d.]+) ms$", re.M)
    found = {app: float(ms) for app, ms, _ in line.findall(run.stdout)}
    assert set(found) == {"ours", "bare"} and all(ms > 0 for ms in found.values()), run.stdout
    assert re.search(r"ours / bare \(app\): \d+\.\dx", run.stdout)


@pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set: national benchmark skipped"
)
def test_the_national_benchmark_runs_and_its_reports_equal_the_naive_group_by():
    server = TEST_DATABASE_URL.rsplit("/", 1)[0]  # the benchmark makes its own database
    run = _bench(
        "national",
        "--responses=5000",
        "--pemda=10",
        "--repeat=1",
        "--naive-repeat=1",
        f"--database=bench_national_{secrets.token_hex(4)}",
        env={"BENCH_POSTGRES_URL": server},
        timeout=300,
    )
    reports = re.findall(r"^(?:score_for|breakdown) .*\s(yes|no)$", run.stdout, re.M)
    assert len(reports) == 8 and set(reports) == {"yes"}, run.stdout


def test_the_api_benchmark_pages_both_years_and_they_equal_the_raw_pages():
    run = _bench(
        "api", "--responses=5000", "--employees=50", "--limit=20", "--repeat=2", timeout=60
    )
    line = re.compile(
        r"^(2025 \(closed\)|2026 \(open\))\s+6/3\s+50\s+([\d.]+) ms.*\s(yes|NO)", re.M
    )
    found = {period: (float(ms), same) for period, ms, same in line.findall(run.stdout)}
    assert set(found) == {"2025 (closed)", "2026 (open)"}, run.stdout
    assert all(ms > 0 and same == "yes" for ms, same in found.values()), run.stdout
    budget = (
        r"^budget: closed p95 [\d.]+ ms \(under 100 ms\),"
        r" open p95 [\d.]+ ms \(under 300 ms\): (met|NOT MET)$"
    )
    assert re.search(budget, run.stdout, re.M), run.stdout

"""The benchmarks still run: a few seconds of `make bench-load`, to catch a broken harness.

The figures themselves are not checked here (benchmarks are not timed tests); what is
checked is that both servers start, the clients complete submissions against each, and
the harness's own cross-check (stored rows = accepted submissions) holds.
"""

import re
import subprocess
import sys

from tests.servers import ROOT


def test_the_load_benchmark_drives_both_apps_and_checks_the_stored_rows():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--databases=sqlite",
            "--duration=1.5",
            "--warmup=0.5",
            "--concurrency=2",
            "--workers=1",
            "--threads=2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    line = re.compile(r"^\s+(ours|bare)\s+([\d.]+)/s.*: (ok);", re.M)
    lines = {m[0]: m for m in line.findall(run.stdout)}
    assert set(lines) == {"ours", "bare"}, run.stdout
    assert all(float(rate) > 0 for _, rate, _ in lines.values()), run.stdout
    assert re.search(r"ours / bare: \d+\.\d\d", run.stdout)

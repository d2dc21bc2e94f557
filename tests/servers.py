"""Start the portal under gunicorn, as production does, for tests that need real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    port: int, env: dict[str, str], *, capture: bool = False, wait: bool = True
) -> subprocess.Popen:
    """Start gunicorn with gunicorn.conf.py on ``port``; unless ``wait`` is false, wait
    until /healthz answers (``wait_until_ready`` does that later)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", **env},
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
    )
    if wait:
        wait_until_ready(process, port)
    return process


def wait_until_ready(process: subprocess.Popen, port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("gunicorn did not start")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """Stop gunicorn at once: SIGINT is its quick shutdown (SIGTERM would wait for
    keep-alive connections to close, up to gunicorn.conf.py's keepalive)."""
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)

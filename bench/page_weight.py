"""What a citizen's phone downloads to open the survey, against an uncompressed baseline.

Serves the portal with the demo data on loopback, opens a counter's survey in Debian's
Chromium with a 360x740 phone viewport and an empty cache, and counts requests and
transferred bytes (headers + bodies as sent) with the DevTools protocol:

- ours:      the survey as served (compressed, inline icon, deferred script);
- baseline:  the same page with compression refused (Accept-Encoding: identity);
- repeat:    a second visit with the cache warm (static files are immutable).

    .venv/bin/python -m bench.page_weight
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

# The same browser, flags and phone as the browser tests.
from tests.browser.conftest import CHROMIUM, PHONE  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS as ARGS  # noqa: E402

BUDGET = (3, 25 * 1024)


def serve(workdir: Path):
    from flask_migrate import upgrade

    from portal import MIGRATIONS_DIR, create_app

    os.environ.setdefault("SECRET_KEY", "bench-page-weight")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}"})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    app.test_cli_runner().invoke(args=["demo-data"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    output = app.test_cli_runner().invoke(args=["demo-info"]).output
    url = re.search(r"^survey: (\S+)  .+ / Loket 1", output, re.M).group(1)
    return server, url


def measure(browser, url: str, *, language: str, headers: dict | None = None, repeat=False):
    context = browser.new_context(**PHONE, locale=language, extra_http_headers=headers or {})
    page = context.new_page()
    if repeat:
        page.goto(url, wait_until="networkidle")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    cdp.on("Network.requestServedFromCache", lambda e: sizes.__setitem__(e["requestId"], 0))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    context.close()
    fetched = [size for size in sizes.values() if size]
    return len(fetched), sum(fetched)


def main() -> None:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench-weight-"))
    server, url = serve(workdir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            requests, size = BUDGET
            print(f"survey page, cold load, 360x740 phone (budget: {requests} requests, {size} B)")
            print(f"{'case':<36}{'requests':>9}{'bytes':>9}")
            for language in ("id", "en"):
                ours = measure(browser, url, language=language)
                base = measure(
                    browser, url, language=language, headers={"Accept-Encoding": "identity"}
                )
                warm = measure(browser, url, language=language, repeat=True)
                print(f"{'ours (' + language + ')':<36}{ours[0]:>9}{ours[1]:>9}")
                print(f"{'baseline: uncompressed (' + language + ')':<36}{base[0]:>9}{base[1]:>9}")
                print(
                    f"{'repeat visit, warm cache (' + language + ')':<36}{warm[0]:>9}{warm[1]:>9}"
                )
                print(f"{'ours / baseline':<36}{'':>9}{ours[1] / base[1]:>9.2f}")
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The survey page's weight on a cold load: at most 25 KB transferred in 3 requests."""

from tests.browser.conftest import PHONE, printed_survey_url

BUDGET_BYTES = 25 * 1024
BUDGET_REQUESTS = 3


def test_a_cold_survey_load_stays_within_budget(live_portal, browser):
    app, base_url = live_portal
    url = printed_survey_url(app, "Loket 1 — KTP-el")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requested, transferred = [], {}
    cdp.on("Network.requestWillBeSent", lambda e: requested.append(e["request"]["url"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    app.request_log.clear()

    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)  # a browser's own favicon request comes after load
    context.close()

    served = app.request_log.entries
    total = sum(transferred.values())
    report = f"{len(requested)} requests, {total} bytes: {requested}; server saw {served}"
    assert len(requested) <= BUDGET_REQUESTS, report
    assert len(served) <= BUDGET_REQUESTS, report
    assert total <= BUDGET_BYTES, report
    assert sum(size for _, size in served) <= BUDGET_BYTES, report
    assert not any(path.endswith("favicon.ico") for path, _ in served), report
    # No third party: everything came from the portal itself.
    assert all(u.startswith(base_url) or u.startswith("data:") for u in requested), report


def test_repeat_visits_take_static_files_from_the_cache(live_portal, browser):
    app, _ = live_portal
    url = printed_survey_url(app, "Loket 1 — KTP-el")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    app.request_log.clear()
    page.goto(url, wait_until="networkidle")
    context.close()
    assert [path for path, _ in app.request_log.entries if path.startswith("/static/")] == []


def test_pages_are_compressed(live_portal, browser):
    app, _ = live_portal
    url = printed_survey_url(app, "Loket 1 — KTP-el")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    encodings = {}
    page.on("response", lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding")))
    page.goto(url, wait_until="networkidle")
    context.close()
    assert encodings and all(encodings.values()), encodings

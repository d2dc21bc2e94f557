"""A dropped connection on submit loses nothing and stores nothing twice.

The retry timers run on Playwright's fake clock: the test moves time on instead of
waiting for it.
"""

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests.browser.conftest import printed_survey_url, screenshot

ANSWERS = {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 2}
SURVEY_PATH = re.compile(r"/s/[^/]+$")


def answer(phone):
    for code, value in ANSWERS.items():
        phone.locator(f"input[name='{code}'][value='{value}']").check()
    phone.locator("textarea").fill("Mohon ruang tunggu diperluas.")


@pytest.fixture
def survey(live_portal, browser):
    app, _ = live_portal
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        reduced_motion="reduce",
    )
    phone = context.new_page()
    phone.clock.install()
    phone.goto(printed_survey_url(app, "Loket 3 — Akta"))
    answer(phone)
    try:
        yield app, phone
    finally:
        context.close()


def _stored(app, submission_id: str) -> list[Response]:
    with app.app_context():
        return [r for r in db.session.scalars(select(Response)) if str(r.id) == submission_id]


def _notice_says(phone, words: str) -> None:
    phone.wait_for_function(
        "words => document.querySelector('[data-notice]').textContent.includes(words)", arg=words
    )


def test_answers_survive_a_dropped_network_and_are_sent_when_it_returns(survey):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    phone.context.set_offline(True)
    phone.locator("button.submit").click()
    _notice_says(phone, "terputus")
    assert "akan dikirim otomatis" in phone.locator("[data-notice]").inner_text()
    pending = phone.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('suara-layanan:pending:'))"
    )
    assert len(pending) == 1
    screenshot(phone, "survey-offline-360x740.png")
    phone.clock.run_for(60_000)  # retries while offline fail and are kept
    assert _stored(app, submission_id) == []

    phone.context.set_offline(False)  # the browser fires "online"; the script resends
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    [response] = _stored(app, submission_id)
    assert response.answers == ANSWERS
    assert response.comment == "Mohon ruang tunggu diperluas."
    assert phone.evaluate("() => Object.keys(localStorage).length") == 0


def test_a_lost_answer_is_retried_with_the_same_submission_id_and_stored_once(survey):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    posts = []

    def deliver_then_drop(route):
        # The server receives and stores the response, but the answer never arrives.
        posts.append(route.request.post_data)
        route.fetch()
        route.abort("connectionreset")

    phone.route(
        SURVEY_PATH,
        lambda route: (
            deliver_then_drop(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    phone.locator("button.submit").click()
    _notice_says(phone, "terputus")
    assert len(_stored(app, submission_id)) == 1

    phone.unroute(SURVEY_PATH)
    phone.clock.run_for(5_000)  # the first retry is due after five seconds
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    assert len(_stored(app, submission_id)) == 1
    assert len(posts) == 1 and f"submission_id={submission_id}" in posts[0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_keeps_the_answers_and_resends_them(survey, status):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    refused = []

    def fail_once(route):
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data)
            route.fulfill(status=status, content_type="text/html", body=f"<h1>{status}</h1>")
        else:
            route.continue_()

    phone.route(SURVEY_PATH, fail_once)
    phone.locator("button.submit").click()
    _notice_says(phone, "sibuk")
    assert f"<h1>{status}</h1>" not in phone.content()  # the citizen never sees that page
    assert _stored(app, submission_id) == []
    phone.clock.run_for(5_000)
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    [response] = _stored(app, submission_id)
    assert response.answers == ANSWERS and len(refused) == 1


def test_a_limit_keeps_the_answers_and_waits_as_long_as_the_server_says(survey):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    refused = []

    def limited_once(route):
        if route.request.method == "POST" and not refused:
            refused.append(1)
            route.fulfill(
                status=429,
                headers={"Retry-After": "40"},
                content_type="application/json",
                body='{"kept": true, "retry_after": 40}',
            )
        else:
            route.continue_()

    phone.route(SURVEY_PATH, limited_once)
    phone.locator("button.submit").click()
    _notice_says(phone, "40 detik")
    phone.clock.run_for(39_000)
    assert _stored(app, submission_id) == []  # not before the server said
    phone.clock.run_for(1_000)
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    assert len(_stored(app, submission_id)) == 1


def test_pending_answers_are_restored_and_sent_after_a_reload(survey):
    app, phone = survey
    old_id = phone.locator("input[name='submission_id']").input_value()
    phone.route(SURVEY_PATH, lambda r: r.abort() if r.request.method == "POST" else r.continue_())
    phone.locator("button.submit").click()
    _notice_says(phone, "terputus")

    # The citizen reloads while the network is still failing for posts...
    phone.reload()
    assert phone.locator("input[name='submission_id']").input_value() == old_id  # restored
    assert phone.locator("input[name='U9'][value='2']").is_checked()
    assert _stored(app, old_id) == []

    # ...and once it works again, the restored answers go out under the original id.
    phone.unroute(SURVEY_PATH)
    phone.clock.run_for(5_000)
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    [response] = _stored(app, old_id)
    assert response.answers == ANSWERS
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).where(Response.comment == "Mohon ruang tunggu diperluas.")
            )
            == 1
        )


def test_answers_refused_for_good_are_shown_with_the_reason_and_forgotten(survey):
    app, phone = survey
    phone.locator("input[name='submission_id']").evaluate("el => el.value = 'not-an-id'")
    phone.locator("button.submit").click()
    phone.locator(".error-summary").wait_for()
    assert "Formulir ini tidak utuh" in phone.locator(".error-summary").inner_text()
    assert phone.locator("input[name='U9'][value='2']").is_checked()  # answers still there
    assert phone.evaluate("() => Object.keys(localStorage).length") == 0

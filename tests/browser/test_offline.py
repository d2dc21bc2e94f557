"""A dropped connection on submit loses nothing and stores nothing twice."""

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests.browser.conftest import printed_survey_url, screenshot

ANSWERS = {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 2}


@pytest.fixture
def survey(live_portal, phone):
    app, _ = live_portal
    phone.goto(printed_survey_url(app, "Loket 3 — Akta"))
    for code, value in ANSWERS.items():
        phone.locator(f"label:has(input[name='{code}'][value='{value}'])").click()
    phone.locator("textarea").fill("Mohon ruang tunggu diperluas.")
    return app, phone


def _stored(app, submission_id: str) -> list[Response]:
    with app.app_context():
        return [r for r in db.session.scalars(select(Response)) if str(r.id) == submission_id]


def test_answers_survive_a_dropped_network_and_are_sent_when_it_returns(survey):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    phone.context.set_offline(True)
    phone.locator("button.submit").click()

    notice = phone.locator("[data-notice]")
    notice.wait_for(state="visible")
    phone.wait_for_function(
        "() => document.querySelector('[data-notice]').textContent.includes('terputus')"
    )
    assert "akan dikirim otomatis" in notice.inner_text()
    pending = phone.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('suara-layanan:pending:'))"
    )
    assert len(pending) == 1
    screenshot(phone, "survey-offline-360x740.png")
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
        re.compile(r"/s/[^/]+$"),
        lambda route: (
            deliver_then_drop(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    phone.locator("button.submit").click()
    phone.locator("[data-notice]").wait_for(state="visible")
    phone.wait_for_function(
        "() => document.querySelector('[data-notice]').textContent.includes('terputus')"
    )
    assert len(_stored(app, submission_id)) == 1

    phone.unroute(re.compile(r"/s/[^/]+$"))
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)  # the timed retry
    assert len(_stored(app, submission_id)) == 1
    assert len(posts) == 1 and f"submission_id={submission_id}" in posts[0]


def test_a_portal_restarting_behind_its_proxy_keeps_the_answers_and_resends_them(survey):
    app, phone = survey
    submission_id = phone.locator("input[name='submission_id']").input_value()
    refused = []

    def gateway_error_once(route):
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data)
            route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
        else:
            route.continue_()

    phone.route(re.compile(r"/s/[^/]+$"), gateway_error_once)
    phone.locator("button.submit").click()
    phone.wait_for_function(
        "() => document.querySelector('[data-notice]').textContent.includes('terputus')"
    )
    assert "Bad Gateway" not in phone.content()  # the citizen never sees the proxy's page
    assert _stored(app, submission_id) == []
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)  # the timed retry
    [response] = _stored(app, submission_id)
    assert response.answers == ANSWERS and len(refused) == 1


def test_pending_answers_are_restored_and_sent_after_a_reload(survey):
    app, phone = survey
    old_id = phone.locator("input[name='submission_id']").input_value()
    survey_path = re.compile(r"/s/[^/]+$")
    phone.route(survey_path, lambda r: r.abort() if r.request.method == "POST" else r.continue_())
    phone.locator("button.submit").click()
    phone.wait_for_function(
        "() => document.querySelector('[data-notice]').textContent.includes('terputus')"
    )

    # The citizen reloads while the network is still failing for posts...
    phone.reload()
    assert phone.locator("input[name='submission_id']").input_value() == old_id  # restored
    assert phone.locator("input[name='U9'][value='2']").is_checked()
    assert "dipulihkan" in phone.locator("[data-notice]").inner_text() or phone.locator(
        "[data-notice]"
    ).inner_text().startswith("Koneksi terputus")
    assert _stored(app, old_id) == []

    # ...and once it works again, the restored answers go out under the original id.
    phone.unroute(survey_path)
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

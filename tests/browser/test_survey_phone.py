"""A citizen answers a printed survey link on a phone-sized screen, by tapping."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Attribution, Response
from tests.browser.conftest import screenshot

ANSWERS = {"U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 2, "U9": 3}


def _printed_survey_url(app, counter_name: str) -> str:
    output = app.test_cli_runner().invoke(args=["demo-info"]).output
    match = re.search(rf"^survey: (\S+)  .+ / {re.escape(counter_name)}$", output, re.M)
    assert match, output
    return match.group(1)


def test_a_citizen_answers_the_survey_by_tapping_and_is_thanked(live_portal, phone):
    app, base_url = live_portal
    url = _printed_survey_url(app, "Loket UGD 24 Jam")
    assert url.startswith(base_url + "/s/")

    phone.goto(url)
    assert phone.locator("h1").inner_text() == "Loket UGD 24 Jam"
    serving = phone.locator(".serving strong").inner_text()
    assert serving  # the 24-hour counter always has someone on duty
    assert phone.locator("fieldset.question").count() == 9
    screenshot(phone, "survey-phone-360x740.png")

    for code, value in ANSWERS.items():
        choice = phone.locator(f"label:has(input[name='{code}'][value='{value}'])")
        choice.scroll_into_view_if_needed()
        box = choice.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 300, (code, box)
        choice.tap()
        assert phone.locator(f"input[name='{code}'][value='{value}']").is_checked()

    phone.locator("button.submit").tap()
    phone.wait_for_url(re.compile(r"/terima-kasih\?kode="))
    assert "Terima kasih!" in phone.locator("h1").inner_text()
    receipt = phone.locator(".receipt strong").inner_text()
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", receipt)
    screenshot(phone, "survey-phone-thanks.png")

    with app.app_context():
        [response] = [r for r in db.session.scalars(select(Response)) if r.receipt == receipt]
        assert response.answers == ANSWERS
        assert response.attribution == Attribution.ROSTER
        assert response.employee.name == serving
        assert response.counter.name == "Loket UGD 24 Jam"

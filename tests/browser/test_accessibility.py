"""What a person sees, checked for WCAG 2.1 AA with axe-core, by keyboard, narrow and zoomed."""

import re

import pytest
from sqlalchemy import select

from tests.browser import accessibility
from tests.browser.conftest import PHONE, printed_survey_url, screenshot

ANSWER_ALL = {f"U{n}": 3 for n in range(1, 10)}


@pytest.fixture
def survey_url(live_portal):
    app, _ = live_portal
    return printed_survey_url(app, "Loket 2 — Kartu Keluarga")


def _answer(page, answers):
    for code, value in answers.items():
        page.locator(f"label:has(input[name='{code}'][value='{value}'])").click()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_survey_has_no_axe_violations_in_either_language(browser, survey_url, language):
    context = browser.new_context(**PHONE, bypass_csp=True, locale=language)
    page = context.new_page()
    page.goto(survey_url, wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, f"survey-360x740-{language}.png")
    assert accessibility.violations(page) == []
    page.locator("details.profile summary").click()
    assert accessibility.violations(page) == []
    context.close()


def test_the_survey_with_errors_has_no_axe_violations(phone, survey_url):
    phone.goto(survey_url)
    phone.locator("textarea").fill("x" * 1001)
    phone.evaluate("() => document.querySelector('textarea').removeAttribute('maxlength')")
    phone.locator("textarea").fill("x" * 1001)
    phone.locator("button.submit").click()
    phone.wait_for_selector(".error-summary")
    assert "1000" in phone.locator(".error-summary").inner_text()
    screenshot(phone, "survey-errors-360x740.png")
    assert accessibility.violations(phone) == []


@pytest.mark.parametrize("dissatisfied", [False, True])
def test_the_thank_you_page_has_no_axe_violations(phone, survey_url, dissatisfied):
    phone.goto(survey_url)
    _answer(phone, {**ANSWER_ALL, "U3": 1} if dissatisfied else ANSWER_ALL)
    phone.locator("button.submit").click()
    phone.wait_for_url(re.compile("terima-kasih"))
    complaint = phone.locator(".complaint")
    if dissatisfied:
        assert complaint.is_visible()
        assert complaint.locator("a").get_attribute("href") == "https://www.lapor.go.id"
        screenshot(phone, "thanks-dissatisfied-360x740.png")
    else:
        assert complaint.count() == 0
    assert accessibility.violations(phone) == []


@pytest.mark.parametrize("path", ["/s/tidak-ada", "/halaman-yang-tidak-ada", "/masuk", "/"])
def test_error_and_public_pages_have_no_axe_violations(phone, live_portal, path):
    _, base_url = live_portal
    phone.goto(base_url + path)
    assert accessibility.violations(phone) == []


def test_a_revoked_link_page_has_no_axe_violations(phone, live_portal, survey_url):
    app, _ = live_portal
    from portal.extensions import db
    from portal.models import Counter

    with app.app_context():
        for counter in db.session.scalars(
            select(Counter).where(Counter.name == "Loket 2 — Kartu Keluarga")
        ):
            counter.token_version += 1
        db.session.commit()
    response = phone.goto(survey_url)
    assert response.status == 410
    screenshot(phone, "revoked-360x740.png")
    assert accessibility.violations(phone) == []


def _tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_survey_can_be_completed_with_the_keyboard_alone(browser, live_portal, survey_url):
    app, _ = live_portal
    context = browser.new_context(viewport={"width": 1024, "height": 768}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(survey_url)
    answers = {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 1, "U9": 2}
    for code, value in answers.items():
        _tab_to(page, f"input[name='{code}']")
        page.keyboard.press("Space")  # selects the first answer of the group
        for _ in range(value - 1):
            page.keyboard.press("ArrowDown")  # moves to, and selects, the next answer
        assert page.locator(f"input[name='{code}'][value='{value}']").is_checked(), code
        outline = page.evaluate(
            "() => getComputedStyle(document.activeElement.closest('label')).outlineStyle"
        )
        assert outline != "none", "the focused answer must show where the focus is"
    _tab_to(page, "textarea")
    page.keyboard.type("Pelayanan cepat.")
    _tab_to(page, "button.submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("terima-kasih"))
    receipt = page.locator(".receipt strong").inner_text()
    context.close()

    from portal.extensions import db
    from portal.models import Response

    with app.app_context():
        [stored] = [r for r in db.session.scalars(select(Response)) if r.receipt == receipt]
        assert stored.answers == answers
        assert stored.comment == "Pelayanan cepat."


@pytest.mark.parametrize(
    ("name", "viewport", "root_font"),
    [
        ("320px", {"width": 320, "height": 640}, None),
        ("zoom-200", {"width": 640, "height": 400}, None),  # a 1280-px window at 200%
        ("text-200", {"width": 360, "height": 740}, "200%"),
    ],
)
def test_the_survey_reflows_without_sideways_scrolling(
    browser, survey_url, name, viewport, root_font
):
    context = browser.new_context(viewport=viewport, bypass_csp=True, reduced_motion="reduce")
    page = context.new_page()
    page.goto(survey_url)
    if root_font:
        page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", root_font)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px of sideways scrolling"
    _answer(page, ANSWER_ALL)
    submit = page.locator("button.submit")
    submit.scroll_into_view_if_needed()
    assert submit.is_visible()
    screenshot(page, f"survey-{name}.png")
    context.close()

"""Rendered survey pages, kept per process while they are blank.

Rendering nine radio groups and the profile fields through WTForms is most of the cost
of opening a survey, yet a blank questionnaire depends only on the instrument, the
language, the comment limit and the unit's service types. The page around it adds the
loket, who is on duty and some twenty translated strings and URLs, which cost as much
again and change as rarely. So a blank page is rendered once per process with two
holes, the CSRF token and the submission id, the only parts that differ per citizen,
and later visitors get a copy with their own values filled in.
A form that was posted back shows answers and errors, so it is always rendered live.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable

from flask import render_template
from markupsafe import Markup

from portal.citizen.forms import SurveyForm

TEMPLATE = "citizen/_questions.html"
# One entry per unit service-type list and language: a Pemda has a few hundred units.
MAX_ENTRIES = 1024

# Survey pages: one per loket (or card), language and employee on duty; a page is ~15 KB.
MAX_PAGES = 512
# Stand-ins for the per-citizen values; random, so no page text can ever contain them.
CSRF_HOLE = f"csrf-{secrets.token_hex(8)}"
SUBMISSION_HOLE = f"submission-{secrets.token_hex(8)}"

_blank: dict[tuple, Markup] = {}
_pages: dict[Hashable, tuple[str, str, str]] = {}


def blank_page(
    key: Hashable, render: Callable[[str, str], str], csrf_token: str, submission_id: str
) -> str:
    """Return the blank survey page for ``key`` with this citizen's values filled in.

    ``key`` must name everything the page shows; ``render(csrf_token, submission_id)``
    renders it, and is called only when this process has no copy for ``key`` yet.
    """
    parts = _pages.get(key)
    if parts is None:
        html = render(CSRF_HOLE, SUBMISSION_HOLE)
        before, rest = html.split(CSRF_HOLE)
        between, after = rest.split(SUBMISSION_HOLE)
        if len(_pages) >= MAX_PAGES:
            _pages.clear()
        parts = _pages[key] = (before, between, after)
    return "".join((parts[0], csrf_token, parts[1], submission_id, parts[2]))


def questions(
    form: SurveyForm | None,
    target,
    language: str,
    comment_max: int,
    make_form: Callable[[], SurveyForm],
) -> Markup:
    """Return the questionnaire: ``form`` as posted back, or the blank one.

    ``make_form`` builds a blank form only when this process has not rendered the
    blank questionnaire for this key yet.
    """
    if form is not None and form.is_submitted():
        return Markup(render_template(TEMPLATE, form=form, target=target))
    key = (
        target.instrument.code,
        target.instrument.version,
        language,
        comment_max,
        tuple((s.id, s.name) for s in target.service_types),
    )
    html = _blank.get(key)
    if html is None:
        if len(_blank) >= MAX_ENTRIES:
            _blank.clear()
        html = _blank[key] = Markup(render_template(TEMPLATE, form=make_form(), target=target))
    return html

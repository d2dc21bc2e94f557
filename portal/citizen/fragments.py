"""The blank questionnaire, rendered once per process and kept.

Rendering nine radio groups and the profile fields through WTForms is most of the cost
of opening a survey, yet a blank questionnaire depends only on the instrument, the
language, the comment limit and the unit's service types, which are the key it is kept
under: it can never be stale. A form that was posted back shows answers and errors, so
it is always rendered live.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from markupsafe import Markup

from portal.citizen.forms import SurveyForm

TEMPLATE = "citizen/_questions.html"
# One entry per unit service-type list and language: a Pemda has a few hundred units.
MAX_ENTRIES = 1024

_blank: dict[tuple, Markup] = {}


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

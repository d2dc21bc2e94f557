"""Languages: Bahasa Indonesia first, English available, chosen once and remembered.

Message ids are Indonesian (docs/decisions/0001), so a string without a translation
still shows in the default language.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, request, session
from flask_babel import format_decimal, get_locale

from portal.extensions import babel
from surveys.scoring import half_up

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"


def select_locale() -> str:
    """Return the language the visitor chose, else the best match for their browser."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def format_score(value: Decimal | float | None) -> str:
    """Return a score with two decimals in the reader's notation: 88,31 or 88.31."""
    if value is None:
        return "–"
    # Babel rounds half-even; published scores follow the rule in surveys.scoring.
    return format_decimal(half_up(Decimal(value)), format="#,##0.00")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["score"] = format_score

    @app.context_processor
    def language_context():
        query = request.query_string.decode("utf-8", "replace")
        here = request.path + (f"?{query}" if query else "")
        return {"lang": current_language(), "languages": LANGUAGES, "here": here}

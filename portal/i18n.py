"""Languages: Bahasa Indonesia first, English available, chosen once and remembered.

Message ids are Indonesian (docs/decisions/0001), so a string without a translation
still shows in the default language. The choice lives in a cookie of its own, holding
nothing but the language code: a staff session ending (logout, timeout) or being
cleared at login does not lose it, and it never carries anything of the session.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, Response, request
from flask_babel import get_locale

from portal.extensions import babel

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
LANGUAGE_COOKIE = "lang"
# A visitor's choice is remembered for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """Return the language the visitor chose, else the best match for their browser."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def remember_language(response: Response, code: str, *, secure: bool) -> Response:
    """Set the language cookie on ``response``: the code only, not readable by scripts."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    return response


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


@cache
def _separators(locale: str) -> dict[int, str]:
    """How the locale writes Python's "," and "." (grouping, decimal): 1.234,50 or 1,234.50.

    Asked of Babel once per locale: a dashboard prints thousands of numbers, and Babel's
    own formatting looks the locale's pattern up each time (a seventh of a page's time).
    """
    return {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}


def format_score(value: Decimal | None, places: int = 2) -> str:
    """Return a published score (already rounded to 0.01, or to ``places``) in the
    reader's notation: 88,31 or 88.31.

    Rounding belongs to ``surveys.scoring``, once, from the exact value; a number with
    more places here would be rounded a second time, so it is refused.
    """
    if value is None:
        return "–"
    if not isinstance(value, Decimal) or value.as_tuple().exponent < -places:
        raise ValueError(f"format_score takes a Decimal rounded to {places} places, not {value!r}")
    return f"{value:,.{places}f}".translate(_separators(str(get_locale())))


def format_count(value: int) -> str:
    """Return a whole number with the reader's grouping: 1.612 or 1,612."""
    return f"{value:,d}".translate(_separators(str(get_locale())))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.filters["number"] = format_count

    @app.context_processor
    def language_context():
        query = request.query_string.decode("utf-8", "replace")
        here = request.path + (f"?{query}" if query else "")
        return {"lang": current_language(), "languages": LANGUAGES, "here": here}

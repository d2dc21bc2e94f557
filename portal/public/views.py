"""Pages that need no login and no survey link: home, language choice, favicon."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from portal.i18n import LANGUAGES
from portal.navigation import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/bahasa/<code>")
def language(code: str):
    """Remember the visitor's language; a plain link, so it works without JavaScript."""
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    session.permanent = True
    return redirect(safe_next(request.args.get("next")) or url_for(".home"))


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)

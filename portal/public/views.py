"""Pages that need no login and no survey link: home, language choice, health checks."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from portal.extensions import db, limiter
from portal.i18n import LANGUAGES
from portal.navigation import safe_next
from portal.services import health

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


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. Touches nothing else, so it never flaps."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Readiness: the database and the rate-limit storage answer."""
    checks = [health.database(db.session), health.rate_limit_storage(limiter)]
    ready = all(c.ok for c in checks)
    body = {"status": "ok" if ready else "unavailable", **{c.name: c.detail for c in checks}}
    return body, 200 if ready else 503

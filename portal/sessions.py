"""Staff sessions: a fresh session at login, an idle timeout and an absolute lifetime,
and no cache keeping what a logged-in user was shown.

Flask's session is a signed cookie held by the browser. At login it is emptied before
the user is put in it, so whatever a cookie carried before (one planted by someone else,
a form token they know) is gone. The session holds the user's id with their session
version (``User.get_id``), the login time and the last-seen time; the two times are
checked on every request, so an ended session needs no database write. A session past
either limit is emptied and the next staff page asks for a login again.

Flask-Login's remember-me cookie is never issued. Should one arrive anyway, it opens
nothing: a user is only loaded from a session that carries valid login times.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, g, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_url, login_user, logout_user

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# The last-seen time is renewed at most once a minute: a page's burst of requests does
# not rewrite the cookie each time, and idleness is measured to the minute anyway.
TOUCH_SECONDS = 60

SESSION_ENDED = _l("Sesi Anda telah berakhir. Silakan masuk lagi.")


def now() -> int:
    """The clock sessions are measured by (seconds; tests move it)."""
    return int(time.time())


def start(user) -> None:
    """Begin a new session for ``user``: nothing from before the login survives."""
    session.clear()
    login_user(user)
    moment = now()
    session[LOGIN_AT] = moment
    session[SEEN_AT] = moment


def end() -> None:
    """End this browser's session entirely (the language cookie is not part of it)."""
    logout_user()
    session.clear()


def _limits() -> tuple[int, int]:
    return (
        current_app.config["SESSION_IDLE_MINUTES"] * 60,
        current_app.config["SESSION_MAX_HOURS"] * 3600,
    )


def alive() -> bool:
    """Whether this session was opened by a login and is within both limits."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    idle, lifetime = _limits()
    moment = now()
    return moment - seen_at <= idle and moment - login_at <= lifetime


def _staff_request() -> bool:
    # Static files and the token-authenticated API never use the staff session.
    return request.endpoint != "static" and request.blueprint != "api"


def _check_session() -> None:
    if not _staff_request() or "_user_id" not in session:
        return
    if not alive():
        end()
        flash(SESSION_ENDED, "info")
        g.session_ended = True
        return
    if now() - session[SEEN_AT] >= TOUCH_SECONDS:
        session[SEEN_AT] = now()


def _never_stored(response: Response) -> Response:
    """Nothing shown to a logged-in user (scores, comments, personal data, keys, exports)
    is kept by the browser's or any proxy's cache."""
    if _staff_request() and "_user_id" in session:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask, manager: LoginManager) -> None:
    app.before_request(_check_session)
    app.after_request(_never_stored)

    @manager.unauthorized_handler
    def unauthorized():
        # An ended session already said so; one message is enough.
        if not g.get("session_ended"):
            flash(manager.login_message, manager.login_message_category)
        return redirect(login_url(manager.login_view, next_url=request.url))

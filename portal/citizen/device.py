"""A first-party device cookie: lets the limits tell one phone from another.

Citizens behind one address (office Wi-Fi, a carrier's NAT) must not share a limit, and
one phone stuffing a counter must be stopped whatever its address. The cookie holds a
random id and nothing else: no name, no address, no history; it is sent only to survey
pages (``/s/``), HttpOnly, and Secure in production. A browser that refuses cookies is
still recognised for one page's submission: the page's signed opening record carries the
id it was given (``portal.openings``).
"""

from __future__ import annotations

import re
import secrets

from flask import Response, current_app, g, request

COOKIE = "perangkat"
PATH = "/s/"
MAX_AGE = 365 * 24 * 3600
_VALID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def from_cookie() -> str | None:
    """Return the device id the browser sent, if it is one of ours in shape."""
    value = request.cookies.get(COOKIE, "")
    return value if _VALID.match(value) else None


def current() -> str:
    """Return this browser's device id, issuing one (set on the response) if it has none."""
    if "device" not in g:
        known = from_cookie()
        g.device, g.device_is_new = (known, False) if known else (secrets.token_urlsafe(16), True)
    return g.device


def renew() -> str:
    """Give this browser a new device id (set on the response by ``remember``).

    A staff login does this, so the survey pages will know the browser by an id the
    login has recorded as a staff device (``portal.services.integrity``): the old id
    was sent only to survey pages, so the login could not read it.
    """
    g.device, g.device_is_new = secrets.token_urlsafe(16), True
    return g.device


def remember(response: Response) -> Response:
    """Set the cookie on ``response`` when this request issued a new device id."""
    if g.get("device_is_new"):
        response.set_cookie(
            COOKIE,
            g.device,
            max_age=MAX_AGE,
            path=PATH,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["PRODUCTION"],
        )
    return response


def is_valid(value: str | None) -> bool:
    return bool(value and _VALID.match(value))

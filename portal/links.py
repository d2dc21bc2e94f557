"""Absolute survey links, as printed on posters and cards.

The link a QR code holds must work from a citizen's phone, so it is built from
``PUBLIC_BASE_URL`` when that is set, from the current request otherwise.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

from portal import tokens
from portal.models import Counter, Employee

FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def _path(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    # CLI commands (QR export, make run's banner) have no request to borrow a host from.
    return current_app.url_map.bind("localhost").build(endpoint, values)


LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")
WILDCARD = ("0.0.0.0", "::", "[::]")


def base_url_problem() -> str | None:
    """Say why printed codes would not work from a citizen's phone: "unset" (links then
    follow whatever host the admin's browser used), "loopback" (127.0.0.1, localhost:
    this machine only) or "wildcard" (0.0.0.0: an address to listen on, not to visit).
    None when ``PUBLIC_BASE_URL`` names a real host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return "unset"
    host = (urlsplit(base).hostname or "").lower()
    if host in LOOPBACK or host.startswith("127."):
        return "loopback"
    if host in WILDCARD or host in ("", "0.0.0.0"):
        return "wildcard"
    return None


def public_base() -> str:
    """The address printed links start with."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        base = request.host_url if has_request_context() else FALLBACK_BASE_URL
    return base.rstrip("/")


def _absolute(path: str) -> str:
    return public_base() + path


def counter_token(counter: Counter) -> str:
    return tokens.sign(tokens.COUNTER, counter.id, counter.token_version)


def card_token(employee: Employee) -> str:
    return tokens.sign(tokens.CARD, employee.id, employee.card_version)


def survey_path(token: str) -> str:
    return _path("citizen.survey", token=token)


def counter_survey_url(counter: Counter) -> str:
    return _absolute(survey_path(counter_token(counter)))


def card_survey_url(employee: Employee) -> str:
    return _absolute(survey_path(card_token(employee)))


def login_url() -> str:
    return _absolute(_path("auth.login"))

"""Log records without client addresses (UU 27/2022: the portal keeps no IP address).

gunicorn's access log leaves the address out by its format (``gunicorn.conf.py``). The
development server (``flask run``, i.e. ``make run``) cannot be given a format: werkzeug
writes ``<address> - - [<time>] "GET / HTTP/1.1" 200 -`` to the ``werkzeug`` logger.
A filter on that logger replaces the address before any handler sees the record.
"""

from __future__ import annotations

import logging
import re
import traceback

# werkzeug's request line: the address (IPv4, IPv6, "<local>"), two dashes, the time.
_REQUEST_LINE = re.compile(r"^\S+( - - \[)")
MASK = "-"


class HideClientAddress(logging.Filter):
    """Replace the client address that starts a werkzeug request log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _REQUEST_LINE.sub(MASK + r"\1", record.msg, count=1)
        return True


def init_app() -> None:
    """Install the filter on the development server's logger, once per process."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, HideClientAddress) for f in logger.filters):
        logger.addFilter(HideClientAddress())


def database_error(error: BaseException) -> str:
    """Describe a database error for the log without any value it was about.

    ``hide_parameters`` keeps a statement's values out of SQLAlchemy's message, but
    PostgreSQL's own text adds a DETAIL line quoting them (``Failing row contains
    (..., <comment>, <client hash>, ...)``, ``Key (id)=(...) already exists``). This
    keeps the error's classes, PostgreSQL's primary message (a constraint, a column),
    the statement with its placeholders, and where it was raised; never the DETAIL.
    """
    orig = getattr(error, "orig", None) or error
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(orig).split("\n", 1)[0]
    statement = getattr(error, "statement", None)
    where = "".join(traceback.format_tb(error.__traceback__))
    return (
        f"{type(error).__name__} ({type(orig).__module__}.{type(orig).__name__}): {primary}"
        + (f"\n[SQL: {statement}]" if statement else "")
        + f"\nTraceback (most recent call last, messages left out):\n{where}"
    )

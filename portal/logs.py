"""Log records without client addresses (UU 27/2022: the portal keeps no IP address).

gunicorn's access log leaves the address out by its format (``gunicorn.conf.py``). The
development server (``flask run``, i.e. ``make run``) cannot be given a format: werkzeug
writes ``<address> - - [<time>] "GET / HTTP/1.1" 200 -`` to the ``werkzeug`` logger.
A filter on that logger replaces the address before any handler sees the record.
"""

from __future__ import annotations

import logging
import re

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

"""What the portal reads from a request, and what it refuses before any view runs.

- Text: every query argument and form field (name and value) arrives without control
  characters other than tab, line feed and carriage return. A browser never sends them;
  a NUL would be stored by SQLite and make PostgreSQL fail the statement.
- Bodies: HTML routes read form bodies only (``multipart/form-data`` where the view takes
  a file, see :func:`takes_files`); any other body is 415. The API (``/api/``) reads no
  bodies at all and keeps its own answers.
- Ids: an ``int`` in a URL is a whole number a database integer column can hold, and a
  path value holds no control character; anything else is not a page (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Request, abort, current_app, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter

# C0 controls and DEL, but tab, LF and CR, which multi-line text may hold.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest value of an SQL INTEGER (PostgreSQL's int4), which every id column is.
ID_MAX = 2**31 - 1
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def clean(text: str) -> str:
    """Return ``text`` without the control characters a form field may not hold."""
    return CONTROL.sub("", text)


def _clean(value):
    return clean(value) if isinstance(value, str) else value


class CleanParameters(ImmutableMultiDict):
    """Query arguments and form fields, their names and text values cleaned on arrival.

    Uploaded files (``request.files``) come through the same class and are left as they
    are; their names are cleaned where they are read (``portal.admin.uploads``).
    """

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
        else:
            super().__init__([(_clean(k), _clean(v)) for k, v in iter_multi_items(mapping)])


class PortalRequest(Request):
    parameter_storage_class = CleanParameters


class IdConverter(IntegerConverter):
    """``<int:...>``: a positive id of at most ten digits that an INTEGER column can hold.

    Werkzeug's own converter takes any number of digits: a twenty-digit id overflowed
    SQLite's binding, and five thousand digits made ``int()`` itself refuse.
    """

    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def whole(text: str) -> int:
    """Parse a whole-number query argument an INTEGER column can be compared with; for
    ``request.args.get(name, type=whole)``, which turns the ValueError into the default."""
    text = text.strip()
    if len(text) > 12:
        raise ValueError("too many digits")
    value = int(text)
    if not -ID_MAX <= value <= ID_MAX:
        raise ValueError(text)
    return value


def takes_files(view: Callable) -> Callable:
    """Mark a view that reads a file upload: it may be posted ``multipart/form-data``."""
    view.takes_files = True
    return view


def _accepted_types() -> tuple[str, ...]:
    view = current_app.view_functions.get(request.endpoint)
    return (FORM, MULTIPART) if getattr(view, "takes_files", False) else (FORM,)


def refuse_unusable_input():
    """Refuse a body that is not a form (415) and a path value with a control character
    (404); let everything else through to the view."""
    if request.url_rule is None:
        return None  # not routed: 404 or 405 follows
    if any(isinstance(v, str) and CONTROL.search(v) for v in (request.view_args or {}).values()):
        abort(404)  # the API's too: PostgreSQL fails a statement on a NUL (a NIP)
    if request.method not in BODY_METHODS or request.path.startswith("/api/"):
        return None  # the API reads no bodies and answers for itself
    if not request.mimetype and not request.content_length:
        return None  # no body at all: a button that posts nothing
    if request.mimetype not in _accepted_types():
        abort(415)  # portal.errors: "this page only takes ordinary form entries"
    return None


def init_app(app: Flask) -> None:
    """Install the request class and the id converter, and refuse what no view can use.

    Call before the blueprints (their rules bind the converter) and before CSRF
    protection (a JSON body is 415, not a missing token).
    """
    app.request_class = PortalRequest
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unusable_input)

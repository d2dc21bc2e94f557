"""Static files with content-hashed URLs, so browsers may cache them for a year.

``url_for('static', filename='css/app.css')`` gains ``?v=<hash of the file>``; a
request that carries the current hash is served as immutable. Changing the file
changes the hash and therefore the URL, so no stale copy is ever used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    static_root = Path(app.static_folder)
    hashes: dict[str, str] = {}

    def version_of(filename: str) -> str | None:
        if filename not in hashes:
            path = (static_root / filename).resolve()
            if not path.is_file() or static_root.resolve() not in path.parents:
                return None
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return hashes[filename]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = version_of(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        # The files are a few KB: read them now so they are compressed (and the file
        # closed) like any page, instead of through Flask-Compress's streaming path.
        response.direct_passthrough = False
        response.make_sequence()
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == version_of(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response

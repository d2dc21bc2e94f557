"""The appraisal API: ``/api/v1`` and its OpenAPI 3.1 document (flask-smorest).

flask-smorest registers a JSON handler for every HTTP error of the whole app; the
portal's pages keep their own HTML errors, so that is switched off here and the API
blueprint renders its errors as problem+json itself (``portal.api.problems``).
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from portal.api import schemas


class _Api(Api):
    ERROR_SCHEMA = schemas.Problem

    def _register_error_handlers(self):
        """Leave the app's error pages alone (see the module docstring)."""


SPEC = {
    "API_TITLE": "Suara Layanan appraisal API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Per-employee (by NIP) and per-unit SKM scores for a period. "
            "See docs/api.md for what each field means and must not be used for."
        },
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    },
}

api = _Api()


def init_app(app: Flask) -> None:
    from portal.api.views import bp

    for name, value in SPEC.items():
        app.config.setdefault(name, value)
    api.init_app(app)
    api.register_blueprint(bp)

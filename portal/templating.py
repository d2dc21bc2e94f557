"""What every template may use."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale


def init_app(app: Flask) -> None:
    @app.context_processor
    def language():
        return {"lang": str(get_locale() or "id")}

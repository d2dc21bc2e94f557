"""The Suara Layanan Flask application."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config, logs
from portal.extensions import compress, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Create the portal; ``test_config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.derive(app.config)
    register_logging(app)
    register_inputs(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_commands(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)
    return app


def register_logging(app: Flask) -> None:
    """Give log records a time, level and origin wherever the portal runs.

    Under gunicorn and in ``flask`` commands nothing configures the root logger, and
    Python's last-resort handler prints bare warnings and drops INFO. Where something
    already did (a test runner, an operator's own logging setup) it is left alone.
    No line carries a client address (``portal.logs``).
    """
    logging.basicConfig(format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    logging.getLogger("portal").setLevel(app.config["LOG_LEVEL"])
    # The development server logs each request with the client's address: mask it.
    logs.init_app()


def register_inputs(app: Flask) -> None:
    """What a request may carry; before the blueprints (the id converter) and CSRF."""
    from portal import inputs

    inputs.init_app(app)


def register_extensions(app: Flask) -> None:
    from portal import assets, auth, database, i18n, labels  # noqa: F401 - database: SQLite settings

    db.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    # Batch mode lets later migrations alter SQLite tables, which lack most ALTER forms.
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    auth.init_login(app, login_manager)
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)


def register_blueprints(app: Flask) -> None:
    from portal import api
    from portal.admin import appraisal as _appraisal_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import audit as _audit_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import employees as _employees_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import logins as _logins_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import rosters as _rosters_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import units as _units_admin  # noqa: F401 - routes on admin_bp
    from portal.admin import users as _users_admin  # noqa: F401 - routes on admin_bp
    from portal.admin.views import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.citizen.views import bp as citizen_bp
    from portal.dashboard.views import bp as dashboard_bp
    from portal.public.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(citizen_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(admin_bp)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from portal import errors

    errors.init_app(app)


def register_security(app: Flask) -> None:
    from portal import security

    security.init_app(app)


def register_commands(app: Flask) -> None:
    from portal import cli

    cli.init_app(app)

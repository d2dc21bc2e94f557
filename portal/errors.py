"""Friendly error pages: never a stack trace, always a translated explanation."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from portal import database, logs
from portal.database import UNAVAILABLE, is_unavailable
from portal.extensions import db
from surveys.errors import SurveyError

log = logging.getLogger(__name__)

# Indonesian msgids: Bahasa Indonesia is the default language and the fallback.
MESSAGES = {
    400: (
        _l("Permintaan tidak valid"),
        _l("Permintaan Anda tidak dapat diproses. Silakan coba lagi."),
    ),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki izin untuk membuka halaman ini.")),
    404: (
        _l("Halaman tidak ditemukan"),
        _l("Alamat yang Anda buka tidak dikenal. Periksa kembali tautan atau kode QR."),
    ),
    405: (_l("Metode tidak diizinkan"), _l("Halaman ini tidak menerima permintaan seperti itu.")),
    410: (
        _l("Tautan sudah tidak berlaku"),
        _l("Tautan atau kode QR ini sudah ditarik oleh unit layanan."),
    ),
    415: (
        _l("Jenis data tidak didukung"),
        _l("Halaman ini hanya menerima isian formulir biasa."),
    ),
    422: (
        _l("Isian tidak dapat diterima"),
        _l("Isian Anda tidak sesuai dengan formulir. Periksa kembali lalu coba lagi."),
    ),
    413: (
        _l("Isian terlalu besar"),
        _l("Data yang Anda kirim terlalu besar. Persingkat isian Anda lalu coba lagi."),
    ),
    429: (
        _l("Terlalu banyak permintaan"),
        _l(
            "Anda mengirim terlalu banyak permintaan dalam waktu singkat. "
            "Tunggu sebentar lalu coba lagi."
        ),
    ),
    503: (
        _l("Layanan sementara tidak tersedia"),
        _l("Layanan sedang gangguan. Silakan coba lagi beberapa saat lagi."),
    ),
    500: (
        _l("Terjadi kesalahan"),
        _l("Maaf, terjadi kesalahan di sisi kami. Silakan coba lagi beberapa saat lagi."),
    ),
}


def _for_api() -> bool:
    """Whether the request is the API's: it gets problem+json, never a page."""
    return request.path == "/api" or request.path.startswith("/api/")


def render_error(code: int, message: str | None = None, title: str | None = None):
    """Return the translated error page for ``code`` and the status itself."""
    if _for_api():
        from portal.api.problems import problem

        return problem(code), code
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
        ),
        code,
    )


def retry_after() -> dict[str, str]:
    """Return the header telling a client when to try again after a database failure."""
    return {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}


def database_unavailable(error: Exception):
    """Answer 503 when the database cannot serve the request now (locked, down, slow).

    The session is rolled back so the next request on this connection starts clean; the
    log names the error's class only, never the statement or its parameters, which may
    hold a citizen's answers.
    """
    database.reset(db.session)
    log.warning("Database unavailable: %s", error.__class__.__name__)
    return (*render_error(503), retry_after())


def home_url() -> str:
    """Where "back home" leads: a signed-in reader's own start page, else the public one."""
    from flask_login import current_user

    from portal.auth import home_for

    try:
        if current_user.is_authenticated:
            return home_for(current_user)
    except Exception:  # noqa: BLE001 - an error page must render even if the user cannot load
        pass
    return url_for("public.home")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["home_url"] = home_url

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            title=_l("Formulir kedaluwarsa"),
            message=_l(
                "Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."
            ),
        )

    @app.errorhandler(SurveyError)
    def domain_error(error: SurveyError):
        # Each domain error carries its HTTP meaning (surveys.errors); the page explains
        # it in the reader's language rather than showing the domain's English message.
        log.info("Refused by a domain rule: %s: %s", error.__class__.__name__, error)
        return render_error(error.http_status)

    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in MESSAGES:
            response = render_error(error.code)
            if error.code == 405 and error.valid_methods:
                return (*response, {"Allow": ", ".join(error.valid_methods)})
            return response
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if is_unavailable(error):
            return database_unavailable(error)
        # A failed transaction must not poison the next request on this connection.
        database.reset(db.session)
        if isinstance(error, DBAPIError):
            # Neither the parameters (hide_parameters in portal.config) nor PostgreSQL's
            # DETAIL (the failing row): a failed INSERT would log a citizen's answers.
            log.error("Unhandled error: %s", logs.database_error(error))
        else:
            log.exception("Unhandled error")
        return render_error(500)

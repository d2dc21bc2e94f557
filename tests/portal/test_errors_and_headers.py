"""Errors are friendly pages, never stack traces; every response carries security headers."""

import pytest

from portal.extensions import db


@pytest.fixture
def broken_route(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return "/boom"


def test_an_unexpected_error_is_a_friendly_500_without_internals(client, broken_route):
    page = client.get(broken_route)
    html = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "Terjadi kesalahan" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_a_domain_error_is_a_friendly_400(app, client):
    from surveys.periods import parse

    @app.get("/period/<text>")
    def period(text):
        return str(parse(text))

    page = client.get("/period/2026-13")
    assert page.status_code == 400
    assert "Permintaan tidak valid" in page.get_data(as_text=True)
    assert client.get("/period/2026-07").get_data(as_text=True) == "2026-07"


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        ("ScopeNotFound", 404, "Halaman tidak ditemukan"),
        ("LinkRevoked", 410, "Tautan sudah tidak berlaku"),
        ("InvalidAnswers", 422, "Isian tidak dapat diterima"),
        ("InvalidNIP", 400, "Permintaan tidak valid"),
        ("InstrumentMissing", 503, "Layanan sementara tidak tersedia"),
    ],
)
def test_each_domain_error_carries_its_http_meaning(app, client, error, status, title):
    from portal.services import feedback, instruments, reports
    from surveys import errors

    kinds = {
        "ScopeNotFound": reports.ScopeNotFound,
        "LinkRevoked": feedback.LinkRevoked,
        "InvalidAnswers": errors.InvalidAnswers,
        "InvalidNIP": errors.InvalidNIP,
        "InstrumentMissing": instruments.InstrumentMissing,
    }

    @app.get("/refuse")
    def refuse():
        raise kinds[error]("internal detail in English")

    page = client.get("/refuse")
    html = page.get_data(as_text=True)
    assert page.status_code == status
    assert title in html and "internal detail" not in html


def test_a_database_that_cannot_answer_is_a_503_with_retry_after(app, client):
    from sqlalchemy.exc import OperationalError

    @app.get("/locked")
    def locked():
        raise OperationalError("UPDATE response ...", {"comment": "a citizen's words"}, None)

    page = client.get("/locked")
    assert page.status_code == 503 and page.headers["Retry-After"] == "15"
    assert "a citizen's words" not in page.get_data(as_text=True)


def test_the_session_still_works_after_an_error(client, broken_route):
    client.get(broken_route)
    assert db.session.is_active
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("path", "method", "status", "text"),
    [
        ("/tidak-ada", "get", 404, "Halaman tidak ditemukan"),
        ("/keluar", "get", 405, "Metode tidak diizinkan"),
    ],
)
def test_http_errors_are_translated_pages(client, path, method, status, text):
    page = getattr(client, method)(path)
    assert page.status_code == status
    assert text in page.get_data(as_text=True)


def test_an_oversized_post_is_a_friendly_413(client):
    page = client.post("/masuk", data={"username": "x" * 70_000})
    assert page.status_code == 413
    assert "Isian terlalu besar" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Content-Security-Policy", "default-src 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=()"),
    ],
)
def test_security_headers_are_set(client, header, expected):
    assert expected in client.get("/").headers[header]


def test_the_session_cookie_is_httponly_and_samesite(client):
    from tests.conftest import hidden_fields

    client.get("/masuk")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert hidden_fields(client.get("/masuk").get_data(as_text=True))["csrf_token"]

"""Settings come from the environment; production refuses to guess a secret."""

import os
import re
import subprocess
import sys

import pytest

from portal import config
from tests.servers import ROOT


def test_the_embedded_default_generates_and_keeps_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CLIENT_HASH_SECRET", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    first = config.from_environment(str(tmp_path))
    second = config.from_environment(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert first["RATELIMIT_STORAGE_URI"] == "memory://"
    # A second, separate secret keys the client hashes; it rotates every 30 days.
    assert first["CLIENT_HASH_SECRET"] == second["CLIENT_HASH_SECRET"] != first["SECRET_KEY"]
    assert (tmp_path / "client_hash_secret").stat().st_mode & 0o077 == 0
    assert first["CLIENT_HASH_ROTATION_DAYS"] == 30
    assert first["RETENTION_DAYS"] == 365


def test_production_needs_an_explicit_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.from_environment(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.delenv("CLIENT_HASH_SECRET", raising=False)
    with pytest.raises(config.ConfigError, match="CLIENT_HASH_SECRET"):
        config.from_environment(str(tmp_path))
    monkeypatch.setenv("CLIENT_HASH_SECRET", "another")
    settings = config.from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "client_hash_secret").exists()


@pytest.mark.parametrize("name", ["CLIENT_HASH_ROTATION_DAYS", "RETENTION_DAYS"])
def test_periods_of_days_must_be_positive(tmp_path, monkeypatch, name):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv(name, "0")
    with pytest.raises(config.ConfigError, match=name):
        config.from_environment(str(tmp_path))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_urls_name_the_psycopg_driver(tmp_path, monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert config.from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == expected


def test_a_malformed_number_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("COMMENT_MAX_LENGTH", "banyak")
    with pytest.raises(config.ConfigError, match="COMMENT_MAX_LENGTH"):
        config.from_environment(str(tmp_path))


def test_public_base_url_loses_its_trailing_slash(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://skm.lampungselatankab.go.id/")
    assert (
        config.from_environment(str(tmp_path))["PUBLIC_BASE_URL"]
        == "https://skm.lampungselatankab.go.id"
    )


def test_a_portal_log_line_says_when_what_and_where_under_a_bare_server(tmp_path):
    script = (
        "import logging; from portal import create_app; create_app();"
        " logging.getLogger('portal.services.health').info('database back')"
    )
    env = {**os.environ, "LOG_LEVEL": "info", "DATABASE_URL": f"sqlite:///{tmp_path}/l.db"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert re.search(
        r"^\d{4}-\d\d-\d\d [\d:,]+ INFO \[portal.services.health\] database back$", run.stderr, re.M
    ), run.stderr


def test_an_unknown_log_level_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(config.ConfigError, match="LOG_LEVEL"):
        config.from_environment(str(tmp_path))


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql+psycopg:///suara_layanan"])
def test_sql_errors_never_quote_their_parameters(url):
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3, "connect_args": {"options": "-c x=1"}},
        "DATABASE_LOCK_TIMEOUT_MS": 1,
        "DATABASE_STATEMENT_TIMEOUT_MS": 1,
        "DATABASE_CONNECT_TIMEOUT_S": 1,
    }
    config.derive(settings)
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 3

"""Staff sessions: a new one at each login, an idle timeout, an absolute lifetime, no
cache of what a logged-in user sees, and a language choice kept outside the session."""

import pytest
from flask_login.utils import encode_cookie

from portal import config, sessions
from portal.models import User
from tests import factories
from tests.conftest import hidden_fields, login

START = 1_800_000_000  # seconds; the clock sessions read is moved by the tests


@pytest.fixture
def staff(session):
    unit = factories.unit("Dinas Kependudukan dan Pencatatan Sipil")
    factories.user("admin")
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()


@pytest.fixture
def clock(monkeypatch):
    now = [START]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def _minutes(clock, minutes: float) -> None:
    clock[0] += int(minutes * 60)


def _ended(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_a_login_starts_a_new_session_bound_to_the_session_version(client, session, staff):
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
        planted["csrf_token"] = "a token someone else knows"
    login(client, "admin", factories.PASSWORD)
    client.get("/admin/")  # a page with a form makes the new session's token
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh["csrf_token"] != "a token someone else knows"
        admin = session.query(User).filter_by(username="admin").one()
        assert fresh["_user_id"] == f"{admin.id}:{admin.session_version}"
        assert isinstance(fresh[sessions.LOGIN_AT], int)


def test_an_idle_session_ends_and_the_login_page_says_so(client, staff, clock):
    login(client, "admin", factories.PASSWORD)
    _minutes(clock, 29)
    assert client.get("/admin/").status_code == 200
    _minutes(clock, 29)  # 58 minutes after the login, but never idle for 30
    assert client.get("/admin/").status_code == 200
    _minutes(clock, 31)
    ended = client.get("/admin/")
    assert _ended(ended)
    page = client.get(ended.headers["Location"]).get_data(as_text=True)
    assert "Sesi Anda telah berakhir" in page
    assert "Silakan masuk untuk membuka" not in page  # one message, not two
    assert _ended(client.get("/admin/"))  # and it stays ended
    with client.session_transaction() as emptied:
        assert "_user_id" not in emptied and sessions.LOGIN_AT not in emptied


def test_a_session_ends_after_its_lifetime_however_active(client, staff, clock):
    login(client, "kepala", factories.PASSWORD)
    for _ in range(12 * 3):
        _minutes(clock, 20)
        assert client.get("/dasbor/").status_code == 200
    _minutes(clock, 1)  # 12 hours and a minute after the login
    assert _ended(client.get("/dasbor/"))


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 5, "SESSION_MAX_HOURS": 1}])
def test_the_limits_are_settings(client, staff, clock, app_config):
    login(client, "admin", factories.PASSWORD)
    _minutes(clock, 6)
    assert _ended(client.get("/admin/"))
    login(client, "admin", factories.PASSWORD)
    for _ in range(15):
        _minutes(clock, 4)
        assert client.get("/admin/").status_code == 200
    _minutes(clock, 1)  # an hour and a minute after the second login
    assert _ended(client.get("/admin/"))


def test_the_limits_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("SESSION_MAX_HOURS", "8")
    settings = config.from_environment(str(tmp_path))
    assert (settings["SESSION_IDLE_MINUTES"], settings["SESSION_MAX_HOURS"]) == (15, 8)
    monkeypatch.delenv("SESSION_IDLE_MINUTES")
    monkeypatch.delenv("SESSION_MAX_HOURS")
    settings = config.from_environment(str(tmp_path))
    assert (settings["SESSION_IDLE_MINUTES"], settings["SESSION_MAX_HOURS"]) == (30, 12)


def test_a_remember_me_cookie_opens_nothing(app, client, session, staff):
    admin = session.query(User).filter_by(username="admin").one()
    with app.test_request_context():
        cookie = encode_cookie(admin.get_id())
    client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), cookie)
    assert _ended(client.get("/admin/"))


@pytest.mark.parametrize(
    "username, url",
    [
        ("admin", "/admin/"),
        ("admin", "/admin/audit"),
        ("admin", "/admin/audit.csv"),
        ("admin", "/admin/pengguna"),
        ("kepala", "/dasbor/"),
        ("kepala", "/dasbor/komentar"),
        ("kepala", "/dasbor/ekspor/skor.csv"),
        ("kepala", "/dasbor/ekspor/responden.xlsx"),
        ("kepala", "/akun/kata-sandi"),
        ("kepala", "/"),  # even a public page, while logged in
    ],
)
def test_nothing_a_logged_in_user_sees_is_cached(client, staff, username, url):
    login(client, username, factories.PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_pages_are_not_marked_no_store(client, staff):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_the_language_survives_logout_and_timeout(client, staff, clock):
    client.get("/bahasa/en")
    login(client, "admin", factories.PASSWORD)
    assert '<html lang="en">' in client.get("/admin/").get_data(as_text=True)
    token = hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]
    client.post("/keluar", data={"csrf_token": token})
    assert client.get_cookie("lang").value == "en"
    assert '<html lang="en">' in client.get("/masuk").get_data(as_text=True)
    login(client, "admin", factories.PASSWORD)
    _minutes(clock, 31)
    ended = client.get("/admin/")
    assert _ended(ended)
    page = client.get(ended.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page and "Your session has ended" in page

"""Login defence: a lockout per account name whatever the address, the same answer for
names that are no account, and a log of every attempt that only administrators read."""

import re
import uuid

import pytest
from limits.storage import MemoryStorage
from sqlalchemy import select

from portal import clients
from portal.models import LoginEvent, LoginOutcome, User
from portal.services import logins
from tests import factories
from tests.conftest import CLIENT_HASH_SECRET, TEST_REDIS_URL, hidden_fields, login

BROWSER = "Mozilla/5.0 (test)"
FLASH = re.compile(r'<p class="flash error" role="alert">([^<]*)</p>')


def _limits(storage: str) -> dict:
    if storage == "redis" and not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: Redis lockout skipped")
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL if storage == "redis" else "memory://",
        # A key prefix of the test's own: counts in a shared Redis start from nothing.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }


@pytest.fixture(params=["memory", "redis"])
def app_config(request):
    """The limits on, in memory and (when TEST_REDIS_URL is set) in Redis."""
    return _limits(request.param)


@pytest.fixture
def staff(session):
    factories.user("admin")
    factories.user("kepala", role="unit_head", unit_=factories.unit("Disdukcapil"))
    session.commit()


def _attempt(client, username: str, password: str, address: str):
    token = hidden_fields(client.get("/masuk").get_data(as_text=True))["csrf_token"]
    return client.post(
        "/masuk",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers={"User-Agent": BROWSER},
    )


def _message(response) -> str:
    return FLASH.findall(response.get_data(as_text=True))[0]


def _outcomes(session) -> list[str]:
    return list(session.scalars(select(LoginEvent.outcome).order_by(LoginEvent.id)))


def test_five_failures_from_anywhere_lock_the_account_even_for_the_right_password(
    app, session, staff
):
    client = app.test_client()
    for n in range(1, 6):
        wrong = _attempt(client, "kepala", "not the password", f"10.0.0.{n}")
        assert wrong.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in _message(wrong)
    for n in range(6, 11):
        locked = _attempt(client, "kepala", factories.PASSWORD, f"10.0.0.{n}")
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan masuk yang gagal" in _message(locked)
        assert "15 menit" in _message(locked)
    assert client.get("/dasbor/").status_code == 302  # never let in
    assert _outcomes(session) == [LoginOutcome.WRONG_PASSWORD] * 5 + [LoginOutcome.LOCKED] * 5
    # Another account is not affected.
    assert _attempt(client, "admin", factories.PASSWORD, "10.0.0.11").status_code == 302


def test_a_lockout_reads_the_same_for_a_name_that_is_no_account(app, staff):
    real, made_up = app.test_client(), app.test_client()
    for n in range(1, 6):
        _attempt(real, "kepala", "not the password", f"10.0.1.{n}")
        _attempt(made_up, "tidak.ada", "not the password", f"10.0.2.{n}")
    locked_real = _attempt(real, "kepala", factories.PASSWORD, "10.0.1.9")
    locked_made_up = _attempt(made_up, "tidak.ada", factories.PASSWORD, "10.0.2.9")
    assert locked_real.status_code == locked_made_up.status_code == 429
    assert _message(locked_real) == _message(locked_made_up)


def test_the_counts_are_kept_under_a_hash_of_the_name_never_the_name(app, staff):
    from portal.extensions import limiter

    client = app.test_client()
    for n in range(1, 6):
        _attempt(client, "Kepala ", "not the password", f"10.0.3.{n}")
    # The name is normalized: "KEPALA" is the same, locked, account.
    assert _attempt(client, "KEPALA", factories.PASSWORD, "10.0.3.9").status_code == 429
    storage = limiter.storage
    if isinstance(storage, MemoryStorage):
        keys = list(storage.storage)
    else:
        prefix = app.config["RATELIMIT_KEY_PREFIX"]
        keys = [key.decode() for key in storage.storage.scan_iter(f"*{prefix}*")]
    assert keys
    assert any(logins.name_hash(CLIENT_HASH_SECRET, "kepala") in key for key in keys)
    assert not any("kepala" in key.lower() for key in keys)


def test_a_success_starts_the_count_again(app, staff):
    client = app.test_client()
    for n in range(4):
        _attempt(client, "kepala", "not the password", f"10.0.4.{n}")
    assert _attempt(client, "kepala", factories.PASSWORD, "10.0.4.9").status_code == 302
    token = hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
    client.post("/keluar", data={"csrf_token": token})
    for n in range(4):
        _attempt(client, "kepala", "not the password", f"10.0.4.{n}")
    assert _attempt(client, "kepala", factories.PASSWORD, "10.0.4.9").status_code == 302


@pytest.mark.parametrize("app_config", [{}])  # the test default: limits switched off
def test_without_limits_nothing_locks_but_every_attempt_is_logged(client, session, staff):
    for _ in range(7):
        login(client, "kepala", "not the password")
    assert login(client, "kepala", factories.PASSWORD).status_code == 302
    assert _outcomes(session) == [LoginOutcome.WRONG_PASSWORD] * 7 + [LoginOutcome.SUCCESS]


@pytest.mark.parametrize("app_config", [{}])
def test_each_outcome_is_logged_with_hashes_never_the_name_or_address(client, session, staff):
    from portal.services import audit

    kepala = session.scalar(select(User).where(User.username == "kepala"))
    address = "203.0.113.77"
    _attempt(client, "kepala", factories.PASSWORD, address)
    token = hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
    client.post("/keluar", data={"csrf_token": token})
    _attempt(client, "kepala", "not the password", address)
    _attempt(client, "siapa.saja", "not the password", address)
    audit.set_active(session, kepala, False, by="admin", target_type="user")
    session.commit()
    _attempt(client, "kepala", factories.PASSWORD, address)

    events = list(session.scalars(select(LoginEvent).order_by(LoginEvent.id)))
    assert [e.outcome for e in events] == [
        LoginOutcome.SUCCESS,
        LoginOutcome.WRONG_PASSWORD,
        LoginOutcome.UNKNOWN_ACCOUNT,
        LoginOutcome.INACTIVE,
    ]
    assert [e.user_id for e in events] == [kepala.id, kepala.id, None, kepala.id]
    assert events[2].name_hash == logins.name_hash(CLIENT_HASH_SECRET, "siapa.saja")
    client_key = clients.client_hash(address, BROWSER)
    assert {e.client_hash for e in events} == {client_key}
    stored = " ".join(str(v) for e in events for v in vars(e).values())
    assert address not in stored and "siapa.saja" not in stored
    assert all(e.at is not None for e in events)


@pytest.mark.parametrize("app_config", [{}])
def test_administrators_read_the_login_log_and_no_one_else(client, session, staff):
    login(client, "tidak.ada", "x")
    login(client, "kepala", "not the password")
    login(client, "kepala", factories.PASSWORD)
    assert client.get("/admin/log-masuk").status_code == 403
    token = hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
    client.post("/keluar", data={"csrf_token": token})

    login(client, "admin", factories.PASSWORD)
    assert 'href="/admin/log-masuk"' in client.get("/admin/pengguna").get_data(as_text=True)
    page = client.get("/admin/log-masuk").get_data(as_text=True)
    rows = re.findall(r"<tr><td class=\"nowrap\">.*?</tr>", page)
    assert len(rows) == 4  # newest first: admin, kepala, kepala, the unknown name
    assert "admin" in rows[0] and "berhasil" in rows[0]
    assert "kepala" in rows[1] and "kata sandi salah" in rows[2]
    assert "bukan akun" in rows[3] and "tidak.ada" not in page

    only_kepala = client.get("/admin/log-masuk?akun=Kepala").get_data(as_text=True)
    assert only_kepala.count('<tr><td class="nowrap">') == 2
    unknown = client.get("/admin/log-masuk?akun=tidak.ada").get_data(as_text=True)
    assert unknown.count('<tr><td class="nowrap">') == 1 and "akun tidak dikenal" in unknown
    wrong = client.get("/admin/log-masuk?hasil=wrong_password").get_data(as_text=True)
    assert wrong.count('<tr><td class="nowrap">') == 1


@pytest.mark.parametrize("app_config", [{}])
def test_the_login_log_is_paged(client, session, staff):
    kepala = session.scalar(select(User).where(User.username == "kepala"))
    for _ in range(logins.PER_PAGE + 1):
        session.add(
            LoginEvent(
                user_id=kepala.id, name_hash="h", outcome=LoginOutcome.SUCCESS, client_hash="c"
            )
        )
    session.commit()
    login(client, "admin", factories.PASSWORD)
    first = client.get("/admin/log-masuk").get_data(as_text=True)
    assert "hal=2" in first
    second = client.get("/admin/log-masuk?hal=2").get_data(as_text=True)
    assert second.count('<tr><td class="nowrap">') == 2  # the last stored, and the login


@pytest.mark.parametrize("app_config", [{}])
def test_the_login_log_is_append_only(session, staff):
    import sqlalchemy as sa

    kepala = session.scalar(select(User).where(User.username == "kepala"))
    session.add(LoginEvent(user_id=kepala.id, name_hash="h", outcome="success", client_hash="c"))
    session.commit()
    for statement in ("UPDATE login_event SET outcome = 'locked'", "DELETE FROM login_event"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), session.begin_nested():
            session.execute(sa.text(statement))
    session.rollback()
    assert session.scalar(sa.text("SELECT outcome FROM login_event")) == "success"

"""Setting up a real Pemda, and passwords: chosen, changed, reset and forced to change."""

import sqlalchemy as sa

from portal.models import AuditEvent, Unit, User
from portal.services import accounts
from tests import factories
from tests.conftest import hidden_fields, login

STRONG = "kopi tubruk di pagi hari"


def test_setup_creates_the_pemda_and_the_first_admin_once(runner, client, session):
    result = runner.invoke(
        args=[
            "setup",
            "--pemda",
            "Pemerintah Kota Pangkalpinang",
            "--timezone",
            "Asia/Jakarta",
            "--admin",
            "Admin.BKPSDM",
        ],
        input=f"{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "administrator admin.bkpsdm" in result.output
    root = session.scalars(sa.select(Unit)).one()
    assert (root.name, root.kind, root.parent_id) == (
        "Pemerintah Kota Pangkalpinang",
        "pemda",
        None,
    )
    admin = session.scalars(sa.select(User)).one()
    assert admin.role == "admin" and not admin.must_change_password
    assert [e.action for e in session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))] == [
        "unit.create",
        "user.create",
    ]
    assert all(e.actor.startswith("cli") for e in session.scalars(sa.select(AuditEvent)))
    login(client, "admin.bkpsdm", STRONG)
    assert client.get("/admin/").status_code == 200
    again = runner.invoke(
        args=["setup", "--pemda", "X", "--admin", "x2"], input=f"{STRONG}\n{STRONG}\n"
    )
    assert again.exit_code != 0 and "already" in again.output


def test_setup_refuses_a_weak_password_and_stores_nothing(runner, session):
    result = runner.invoke(
        args=[
            "setup",
            "--pemda",
            "Pemkab Lampung Selatan",
            "--timezone",
            "Asia/Jakarta",
            "--admin",
            "admin",
        ],
        env={"SETUP_ADMIN_PASSWORD": "suara-demo-2026"},
    )
    assert result.exit_code != 0 and "common" in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_the_production_profile_never_loads_the_demo_unless_asked(
    app, runner, session, monkeypatch
):
    from portal.services import demo

    loaded = []
    monkeypatch.setattr(demo, "load", lambda session_: loaded.append(True))
    app.config["PRODUCTION"] = True
    refused = runner.invoke(args=["demo-data", "--if-empty"])
    assert refused.exit_code != 0 and "setup" in refused.output
    assert loaded == []
    monkeypatch.setenv("DEMO_DATA", "1")
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    assert loaded == [True]


def _change(client, current, new, confirm=None):
    page = client.get("/akun/kata-sandi").get_data(as_text=True)
    return client.post(
        "/akun/kata-sandi",
        data={
            "csrf_token": hidden_fields(page)["csrf_token"],
            "current": current,
            "new": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_every_user_changes_their_own_password(client, session):
    unit = factories.unit()
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    login(client, "kepala", factories.PASSWORD)
    assert "Kata sandi sekarang salah" in _change(client, "salah", STRONG).get_data(as_text=True)
    weak = _change(client, factories.PASSWORD, "suara-demo-2026")
    assert weak.status_code == 400 and "terlalu umum" in weak.get_data(as_text=True)
    assert "tidak sama" in _change(client, factories.PASSWORD, STRONG, "lain").get_data(
        as_text=True
    )
    assert _change(client, factories.PASSWORD, STRONG).status_code == 302
    client.post(
        "/keluar",
        data={
            "csrf_token": hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
        },
    )
    assert login(client, "kepala", STRONG).headers["Location"].endswith("/dasbor/")
    event = session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "user.change_password" and event.before is None and event.after is None


def test_a_reset_password_must_be_changed_before_anything_else(client, session):
    unit = factories.unit()
    head = factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    _, temporary = accounts.reset_password(session, head.id, by="admin")
    session.commit()
    answer = login(client, "kepala", temporary)
    assert answer.headers["Location"].endswith("/akun/kata-sandi")
    assert client.get("/dasbor/").headers["Location"].endswith("/akun/kata-sandi")
    assert "kata sandi sementara" in client.get("/akun/kata-sandi").get_data(as_text=True)
    assert _change(client, temporary, STRONG).status_code == 302
    assert client.get("/dasbor/").status_code == 200


def test_a_session_cookie_replayed_after_logout_opens_nothing(client, session):
    unit = factories.unit()
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    login(client, "kepala", factories.PASSWORD)
    cookie = client.get_cookie("session")
    copy = client.application.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/dasbor/").status_code == 200  # a stolen copy works while logged in
    token = hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
    client.post("/keluar", data={"csrf_token": token})
    assert copy.get("/dasbor/").headers["Location"].startswith("/masuk")

"""Administrators create staff accounts with a role and scope, reset and deactivate them."""

import re

import sqlalchemy as sa

from portal.models import AuditEvent, User
from tests import factories
from tests.conftest import hidden_fields, login


def test_an_admin_creates_a_unit_head_who_must_choose_a_password(client, session):
    unit = factories.unit("Pelayanan KTP-el")
    person = factories.employee(unit, "Siti Rahmawati")
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    token = hidden_fields(client.get("/admin/pengguna/baru").get_data(as_text=True))["csrf_token"]
    form = {
        "csrf_token": token,
        "username": "Kepala.KTP",
        "role": "unit_head",
        "unit": "",
        "employee_nip": "",
    }
    refused = client.post("/admin/pengguna/baru", data=form)
    assert refused.status_code == 400 and "Kepala unit perlu unit" in refused.get_data(as_text=True)
    created = client.post("/admin/pengguna/baru", data={**form, "unit": str(unit.id)})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'<code class="secret">([^<]+)</code>', created.get_data(as_text=True))[1]
    head = session.scalars(sa.select(User).where(User.username == "kepala.ktp")).one()
    assert (head.role, head.unit_id, head.must_change_password) == ("unit_head", unit.id, True)
    # An employee account is tied to the employee's NIP.
    staff = client.post(
        "/admin/pengguna/baru",
        data={**form, "username": "siti", "role": "employee", "employee_nip": person.nip},
    )
    assert staff.status_code == 201
    other = client.application.test_client()
    assert login(other, "kepala.ktp", temporary).headers["Location"].endswith("/akun/kata-sandi")
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.create", "user.create"]


def test_deactivating_ends_the_users_sessions_and_a_reset_forces_a_new_password(client, session):
    unit = factories.unit("Pelayanan KTP-el")
    factories.user("admin")
    head = factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    theirs = client.application.test_client()
    login(theirs, "kepala", factories.PASSWORD)
    assert theirs.get("/dasbor/").status_code == 200
    login(client, "admin", factories.PASSWORD)
    token = hidden_fields(client.get("/admin/pengguna").get_data(as_text=True))["csrf_token"]
    client.post(f"/admin/pengguna/{head.id}/status", data={"csrf_token": token, "confirm": "yes"})
    assert theirs.get("/dasbor/").headers["Location"].startswith("/masuk")
    client.post(f"/admin/pengguna/{head.id}/status", data={"csrf_token": token, "active": "1"})
    reset = client.post(
        f"/admin/pengguna/{head.id}/reset", data={"csrf_token": token, "confirm": "yes"}
    )
    temporary = re.search(r'<code class="secret">([^<]+)</code>', reset.get_data(as_text=True))[1]
    assert login(theirs, "kepala", factories.PASSWORD).status_code == 200  # the old one is gone
    assert login(theirs, "kepala", temporary).headers["Location"].endswith("/akun/kata-sandi")
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.deactivate", "user.activate", "user.reset_password"]
    # An admin cannot lock themselves out.
    me = session.scalars(sa.select(User).where(User.username == "admin")).one()
    client.post(f"/admin/pengguna/{me.id}/status", data={"csrf_token": token, "confirm": "yes"})
    assert client.get("/admin/pengguna").status_code == 200

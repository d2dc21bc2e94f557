"""Every administrative change lands in an append-only audit log admins can read."""

import json

import pytest
import sqlalchemy as sa

from portal.models import AuditEvent
from portal.services import audit
from tests import factories
from tests.conftest import hidden_fields, login


@pytest.fixture
def admin_client(client, session):
    unit = factories.unit("Disdukcapil")
    factories.counter(unit, "Loket 1")
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    return client


def _token(client) -> str:
    return hidden_fields(client.get("/admin/pengguna").get_data(as_text=True))["csrf_token"]


def test_rotating_a_qr_link_is_recorded_with_before_and_after(admin_client, session):
    counter_id = session.scalar(sa.text("SELECT id FROM counter"))
    admin_client.post(
        f"/admin/loket/{counter_id}/tarik-qr",
        data={"csrf_token": _token(admin_client), "confirm": "yes"},
    )
    event = session.scalars(sa.select(AuditEvent)).one()
    assert (event.actor, event.action, event.target_type, event.target_id) == (
        "admin",
        "counter.rotate_link",
        "counter",
        counter_id,
    )
    assert json.loads(event.before) == {"token_version": 1}
    assert json.loads(event.after) == {"token_version": 2}
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "counter.rotate_link" in page and "Loket 1" in page
    csv_text = admin_client.get("/admin/audit.csv?tindakan=counter.rotate_link").data.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0].startswith("id,at_utc,actor,action")
    assert ",admin,counter.rotate_link,counter," in csv_text
    assert (
        admin_client.get("/admin/audit.csv?tindakan=period.close")
        .data.decode("utf-8-sig")
        .count("\n")
        == 1
    )  # the header only


def test_api_clients_are_recorded(admin_client, session):
    admin_client.post(
        "/admin/api-klien", data={"csrf_token": _token(admin_client), "name": "SIMPEG"}
    )
    client_id = session.scalar(sa.text("SELECT id FROM api_client"))
    admin_client.post(
        f"/admin/api-klien/{client_id}/cabut",
        data={"csrf_token": _token(admin_client), "confirm": "yes"},
    )
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["api_client.create", "api_client.revoke"]
    created = session.scalars(sa.select(AuditEvent)).first()
    assert "key_hash" not in created.after  # the secret never reaches the log


def test_the_log_is_append_only_in_the_database(app, session):
    audit.record(session, actor="admin", action="unit.create", target_type="unit", target_id=1)
    session.commit()
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(sa.exc.DatabaseError), session.begin_nested():
            session.execute(sa.text(statement))
    session.rollback()
    assert session.scalar(sa.text("SELECT actor FROM audit_event")) == "admin"


def test_only_admins_read_the_log(client, session):
    unit = factories.unit("Disdukcapil")
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    login(client, "kepala", factories.PASSWORD)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_api_clients_are_searched_by_name(admin_client, session):
    from portal.services import api_clients

    api_clients.create(session, "e-Kinerja BKPSDM", by="admin")
    api_clients.create(session, "SIMPEG", by="admin")
    session.commit()
    page = admin_client.get("/admin/api-klien?q=kinerja").get_data(as_text=True)
    assert "e-Kinerja BKPSDM" in page and "SIMPEG" not in page

"""Administrators build the unit tree, its counters and service types on pages."""

import json

import pytest
import sqlalchemy as sa

from portal import links
from portal.models import AuditEvent, Counter, ServiceType, Unit
from portal.services import feedback
from tests import factories
from tests.conftest import hidden_fields, login


@pytest.fixture
def admin(client, session):
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    return client


def _post(client, url, data, page=None):
    token = hidden_fields(client.get(page or "/admin/unit/baru").get_data(as_text=True))[
        "csrf_token"
    ]
    return client.post(url, data={"csrf_token": token, **data})


def _unit(session, name):
    return session.scalars(sa.select(Unit).where(Unit.name == name)).one()


def test_an_admin_builds_a_pemda_an_opd_and_a_service_unit(admin, session):
    pemda = {
        "name": "Pemerintah Kota Pangkalpinang",
        "kind": "pemda",
        "parent": "",
        "timezone": "Asia/Jakarta",
        "service_hours": "",
        "complaint_url": "",
    }
    assert _post(admin, "/admin/unit/baru", pemda).status_code == 302
    root = _unit(session, "Pemerintah Kota Pangkalpinang")
    opd = {
        **pemda,
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "kind": "opd",
        "parent": str(root.id),
        "complaint_url": "https://www.lapor.go.id",
    }
    assert _post(admin, "/admin/unit/baru", opd).status_code == 302
    disduk = _unit(session, "Dinas Kependudukan dan Pencatatan Sipil")
    bad = {
        **pemda,
        "name": "Pelayanan KTP-el",
        "kind": "unit",
        "parent": str(disduk.id),
        "service_hours": "Senin sampai Jumat",
    }
    refused = _post(admin, "/admin/unit/baru", bad)
    assert refused.status_code == 400
    assert "Sen-Jum 08:00-16:00" in refused.get_data(as_text=True)
    good = {**bad, "service_hours": "senin-jumat 08.00-16.00; sab 08:00-12:00"}
    assert _post(admin, "/admin/unit/baru", good).status_code == 302
    ktp = _unit(session, "Pelayanan KTP-el")
    assert (ktp.parent_id, ktp.service_hours) == (disduk.id, "Sen-Jum 08:00-16:00; Sab 08:00-12:00")
    listing = admin.get("/admin/unit?q=ktp").get_data(as_text=True)
    assert "Pelayanan KTP-el" in listing and "Pangkalpinang</a>" not in listing
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["unit.create"] * 3


def test_a_unit_is_renamed_moved_but_never_under_itself(admin, session):
    root = factories.unit("Pemkab Lampung Selatan", kind="pemda")
    opd = factories.unit("Dinkes", kind="opd", parent=root)
    puskesmas = factories.unit("Puskesmas Kalianda", parent=opd)
    session.commit()
    form = {
        "name": "Dinas Kesehatan",
        "kind": "opd",
        "parent": str(puskesmas.id),
        "timezone": "Asia/Jakarta",
        "service_hours": "",
        "complaint_url": "",
    }
    page = f"/admin/unit/{opd.id}"
    assert _post(admin, page, form, page).status_code == 400  # under its own child
    assert _post(admin, page, {**form, "parent": str(root.id)}, page).status_code == 302
    moved = _post(
        admin,
        f"/admin/unit/{puskesmas.id}",
        {**form, "name": "Puskesmas Kalianda", "kind": "unit", "parent": str(root.id)},
        page,
    )
    assert moved.status_code == 302
    events = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["unit.update", "unit.move"]
    assert json.loads(events[0].before)["name"] == "Dinkes"
    assert json.loads(events[0].after)["name"] == "Dinas Kesehatan"
    assert json.loads(events[1].after)["parent_id"] == root.id


def test_counters_and_service_types_are_added_renamed_and_deactivated(admin, app, session):
    unit = factories.unit("Pelayanan KTP-el")
    session.commit()
    page = f"/admin/unit/{unit.id}"
    _post(admin, f"/admin/unit/{unit.id}/loket", {"name": "Loket 1"}, page)
    counter = session.scalars(sa.select(Counter)).one()
    _post(admin, f"/admin/loket/{counter.id}/nama", {"name": "Loket 1 — KTP-el"}, page)
    _post(admin, f"/admin/unit/{unit.id}/layanan", {"name": "Perekaman KTP-el"}, page)
    service = session.scalars(sa.select(ServiceType)).one()
    with app.test_request_context():
        url = links.counter_survey_url(counter)
    assert "Perekaman KTP-el" in admin.get(url).get_data(as_text=True)
    _post(admin, f"/admin/layanan/{service.id}/status", {}, page)
    assert "Perekaman KTP-el" not in admin.get(url).get_data(as_text=True)
    # Deactivating asks first; then the counter's codes stop, and come back with it.
    _post(admin, f"/admin/loket/{counter.id}/status", {}, page)
    assert admin.get(url).status_code == 200
    _post(admin, f"/admin/loket/{counter.id}/status", {"confirm": "yes"}, page)
    assert admin.get(url).status_code == 410
    _post(admin, f"/admin/loket/{counter.id}/status", {"active": "1"}, page)
    assert admin.get(url).status_code == 200
    session.expire_all()
    assert counter.name == "Loket 1 — KTP-el"
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == [
        "counter.create",
        "counter.rename",
        "service_type.create",
        "service_type.deactivate",
        "counter.deactivate",
        "counter.activate",
    ]


def test_a_deactivated_unit_stops_the_links_below_it_and_keeps_its_history(admin, app, session):
    opd = factories.unit("Disdukcapil", kind="opd")
    unit = factories.unit("Pelayanan KTP-el", parent=opd)
    counter = factories.counter(unit, "Loket 1")
    session.commit()
    factories.respond(feedback.target_for(session, unit, counter=counter), {"U1": 4})
    with app.test_request_context():
        url = links.counter_survey_url(counter)
    _post(admin, f"/admin/unit/{opd.id}/status", {"confirm": "yes"}, f"/admin/unit/{opd.id}")
    assert admin.get(url).status_code == 410
    assert session.scalar(sa.text("SELECT count(*) FROM response")) == 1
    _post(admin, f"/admin/unit/{opd.id}/status", {"active": "1"}, f"/admin/unit/{opd.id}")
    assert admin.get(url).status_code == 200


def test_twenty_counters_are_added_at_once(admin, session):
    unit = factories.unit("Dinas Penanaman Modal dan PTSP", kind="opd")
    session.commit()
    names = "\n".join(f"Loket {n}" for n in range(1, 21)) + "\n\n"
    page = f"/admin/unit/{unit.id}"
    answer = _post(admin, f"/admin/unit/{unit.id}/loket", {"name": names}, page)
    assert answer.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(Counter)) == 20
    assert "20 loket dibuat" in admin.get(page).get_data(as_text=True)

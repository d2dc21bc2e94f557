"""A unit head records what the unit will do about its weakest unsur; the public sees it."""

import datetime as dt
import re

import pytest

from portal.extensions import db
from portal.models import FollowUpAction
from portal.services import feedback
from tests import factories
from tests.conftest import hidden_fields, login

JULY = dt.datetime(2026, 7, 10, 3, 0)


@pytest.fixture
def unit(session):
    root = factories.unit("Pemerintah Kabupaten Lampung Selatan", kind="pemda")
    found = factories.unit("Disdukcapil", parent=root)
    other = factories.unit("Dinas Kesehatan", parent=root)
    factories.user("kepala", role="unit_head", unit_=found)
    factories.user("kadinkes", role="unit_head", unit_=other)
    factories.user("bupati", role="leadership")
    session.commit()
    target = feedback.target_for(session, found, counter=factories.counter(found))
    for _ in range(5):
        factories.respond(target, {"U1": 4, "U9": 2}, at=JULY)
    return found


def _add(client, unit, **fields):
    page = client.get(f"/dasbor/tindak-lanjut?unit={unit.id}&periode=2026-07")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "unit": unit.id, "periode": "2026-07", **fields}
    return client.post("/dasbor/tindak-lanjut", data=data)


def test_a_unit_head_plans_against_the_weakest_unsur_and_the_public_sees_it(client, unit):
    login(client, "kepala", factories.PASSWORD)
    page = client.get("/dasbor/tindak-lanjut?periode=2026-07").get_data(as_text=True)
    assert "Unsur terlemah: U9" in page
    assert re.search(r'<option value="U9" selected>', page)
    _add(
        client,
        unit,
        unsur="U9",
        action="Buka kanal WhatsApp pengaduan",
        owner="Kasi Pelayanan",
        due="2026-08-31",
    )
    (action,) = db.session.query(FollowUpAction).all()
    assert (action.unsur, action.status, action.created_by) == ("U9", "planned", "kepala")

    token = hidden_fields(
        client.get("/dasbor/tindak-lanjut?periode=2026-07").get_data(as_text=True)
    )["csrf_token"]
    client.post(
        f"/dasbor/tindak-lanjut/{action.id}/status", data={"csrf_token": token, "status": "done"}
    )
    public = (
        client.application.test_client()
        .get(f"/hasil/{unit.id}?periode=2026-07")
        .get_data(as_text=True)
    )
    assert "Buka kanal WhatsApp pengaduan" in public and "selesai" in public


def test_an_incomplete_action_is_refused_with_a_message(client, unit):
    login(client, "kepala", factories.PASSWORD)
    for fields in (
        {"unsur": "U9", "action": "", "owner": "x", "due": "2026-08-31"},
        {"unsur": "U99", "action": "a", "owner": "x", "due": "2026-08-31"},
        {"unsur": "U9", "action": "a", "owner": "x", "due": "31/08/2026"},
    ):
        response = _add(client, unit, **fields)
        assert response.status_code == 302
    page = client.get(f"/dasbor/tindak-lanjut?unit={unit.id}&periode=2026-07").get_data(
        as_text=True
    )
    assert "Belum ada rencana tindak lanjut" in page


def test_only_the_units_own_head_writes_its_plan_and_leadership_reads_it(app, client, unit):
    login(client, "kadinkes", factories.PASSWORD)
    assert client.get(f"/dasbor/tindak-lanjut?unit={unit.id}").status_code == 404
    bupati = app.test_client()
    login(bupati, "bupati", factories.PASSWORD)
    page = bupati.get(f"/dasbor/tindak-lanjut?unit={unit.id}&periode=2026-07")
    assert page.status_code == 200 and "Tambah tindakan" not in page.get_data(as_text=True)
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    refused = bupati.post(
        "/dasbor/tindak-lanjut",
        data={
            "csrf_token": token,
            "unit": unit.id,
            "periode": "2026-07",
            "unsur": "U9",
            "action": "a",
            "owner": "b",
            "due": "2026-08-31",
        },
    )
    assert refused.status_code == 404


def test_plans_and_populations_are_in_the_audit_log(client, session):
    import sqlalchemy as sa

    from portal.models import AuditEvent
    from portal.services import followup, population
    from portal.services.viewer import Viewer
    from surveys import periods
    from surveys.policy import ReportPolicy

    unit = factories.unit("Pelayanan KTP-el")
    session.commit()
    viewer = Viewer("admin", ReportPolicy())
    july = periods.parse("2026-07")
    action = followup.add(
        session,
        viewer,
        unit.id,
        july,
        followup.Draft("U9", "Kotak saran", "Kasubag", dt.date(2026, 8, 1)),
        by="kepala",
    )
    followup.set_status(session, viewer, action.id, "done", by="kepala")
    population.enter(session, viewer, unit.id, july, 1200, by="kepala")
    population.enter(session, viewer, unit.id, july, 1250, by="kepala")
    events = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == [
        "follow_up.add",
        "follow_up.status",
        "population.enter",
        "population.enter",
    ]
    assert events[-1].before == '{"population":1200}'

"""The roster pages: a week grid, a refused clash with its reason, publishing, the board."""

import datetime as dt

import sqlalchemy as sa

from portal.models import AuditEvent, DutyShift
from tests import factories
from tests.conftest import hidden_fields, login

MONDAY = dt.date(2026, 11, 2)


def test_an_admin_rosters_a_week_and_sees_clashes_refused(client, session):
    unit = factories.unit("Pelayanan KTP-el")
    one = factories.counter(unit, "Loket 1")
    two = factories.counter(unit, "Loket 2")
    siti = factories.employee(unit, "Siti Rahmawati")
    budi = factories.employee(unit, "Budi Santoso")
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    page = client.get(f"/admin/unit/{unit.id}/jadwal?minggu=2026-11-04").get_data(as_text=True)
    assert "Minggu 2 Nov – 8 Nov 2026" in page
    token = hidden_fields(page)["csrf_token"]
    base = f"/admin/unit/{unit.id}/jadwal"

    def post(path, **data):
        return client.post(
            f"{base}{path}?minggu={MONDAY}",
            data={"csrf_token": token, **data},
            follow_redirects=True,
        ).get_data(as_text=True)

    for weekday in range(1, 6):
        post(
            "/pola", counter=one.id, employee=siti.id, weekday=weekday, starts="08:00", ends="16:00"
        )
    clash = post("/pola", counter=one.id, employee=budi.id, weekday=2, starts="12:00", ends="14:00")
    assert "satu loket satu petugas" in clash
    post("/absen", employee=siti.id, day="2026-11-04", note="cuti")
    published = post("/terbitkan")
    assert "4 jadwal diterbitkan" in published
    busy = post(
        "/shift", counter=two.id, employee=siti.id, day="2026-11-02", starts="10:00", ends="11:00"
    )
    assert "sudah bertugas" in busy
    assert "Jadwal disimpan" in post(
        "/shift", counter=two.id, employee=budi.id, day="2026-11-02", starts="10:00", ends="11:00"
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(DutyShift)) == 5
    assert "cuti" in published and "Siti Rahmawati" in published
    board = client.get(f"/admin/unit/{unit.id}/bertugas").get_data(as_text=True)
    assert "Loket 1" in board and "Loket 2" in board
    actions = set(session.scalars(sa.select(AuditEvent.action)))
    assert {
        "roster.add_pattern",
        "roster.add_absence",
        "roster.publish_week",
        "roster.add_shift",
    } <= actions

"""A unit's roster imported from a spreadsheet: bad lines and clashes listed, the rest in."""

import datetime as dt

import sqlalchemy as sa

from portal.models import DutyShift, RosterPattern
from tests import factories


def test_a_roster_file_with_bad_lines_and_clashes(runner, session, tmp_path):
    unit = factories.unit("Pelayanan KTP-el")
    factories.counter(unit, "Loket 1")
    two = factories.counter(unit, "Loket 2")
    siti = factories.employee(unit, "Siti Rahmawati")
    budi = factories.employee(unit, "Budi Santoso")
    session.commit()
    path = tmp_path / "jadwal.csv"
    path.write_text(
        "Loket;NIP;Tanggal;Hari;Mulai;Selesai\n"
        f"Loket 1;{siti.nip};2026-11-02;;08:00;16:00\n"
        f"loket 2;{budi.nip};2026-11-02;;08.00;12.00\n"
        f"Loket 2;{siti.nip};2026-11-02;;10:00;11:00\n"  # Siti is at Loket 1 then
        f"Loket 9;{siti.nip};2026-11-03;;08:00;16:00\n"  # no such loket here
        f"Loket 1;199901012020011001;2026-11-03;;08:00;16:00\n"  # nobody has this NIP
        f"Loket 1;{siti.nip};;Senin;08:00;16:00\n"  # a weekly pattern
        f"Loket 1;{budi.nip};;Sen;15:00;17:00\n"  # clashes with Siti's pattern
        f"Loket 2;{budi.nip};;Funday;08:00;16:00\n"
        f"Loket 2;{budi.nip};2026-11-04;;pagi;16:00\n",
        encoding="utf-8",
    )
    dry = runner.invoke(args=["roster", "import", str(path), "--unit", str(unit.id), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    for expected in (
        "line 4: employee_busy",
        "line 5: unknown_counter",
        "line 6: unknown_nip",
        "line 8: counter_taken",
        "line 9: bad_day",
        "line 10: bad_time",
        "2 shifts, 1 weekly patterns, 6 refused lines",
    ):
        assert expected in dry.output, expected
    assert session.scalar(sa.select(sa.func.count()).select_from(DutyShift)) == 0
    assert (
        runner.invoke(args=["roster", "import", str(path), "--unit", str(unit.id)]).exit_code == 0
    )
    again = runner.invoke(args=["roster", "import", str(path), "--unit", str(unit.id)])
    assert "0 shifts, 0 weekly patterns" in again.output
    shifts = session.scalars(sa.select(DutyShift).order_by(DutyShift.counter_id)).all()
    assert [(s.counter_id == two.id, s.day, s.starts) for s in shifts] == [
        (False, dt.date(2026, 11, 2), dt.time(8)),
        (True, dt.date(2026, 11, 2), dt.time(8)),
    ]
    assert session.scalars(sa.select(RosterPattern.weekday)).all() == [1]


def test_the_roster_page_checks_a_file_then_imports_it(client, session):
    import io
    import re

    from tests.conftest import hidden_fields, login

    unit = factories.unit("Pelayanan KTP-el")
    factories.counter(unit, "Loket 1")
    siti = factories.employee(unit, "Siti Rahmawati")
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    page = client.get(f"/admin/unit/{unit.id}/jadwal?minggu=2026-11-02").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    body = (
        "loket,nip,hari,mulai,selesai\n"
        f"Loket 1,{siti.nip},Senin,08:00,16:00\n"
        "Loket 1,123,Senin,08:00,16:00\n"
    )
    checked = client.post(
        f"/admin/unit/{unit.id}/jadwal/impor",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "jadwal.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "1 pola mingguan" in checked and "Tidak ada pegawai aktif dengan NIP ini" in checked
    assert session.scalar(sa.select(sa.func.count()).select_from(RosterPattern)) == 0
    confirm = re.search(r'action="(/admin/unit/\d+/jadwal/impor/[0-9a-f]{32})"', checked)[1]
    done = client.post(confirm, data={"csrf_token": token, "confirm": "yes"}, follow_redirects=True)
    assert "0 jadwal dan 1 pola mingguan diimpor" in done.get_data(as_text=True)

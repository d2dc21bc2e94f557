"""Bringing thousands of employees online from one spreadsheet, safely."""

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from portal.models import AuditEvent, Employee
from tests import factories
from tests.conftest import hidden_fields, login

GOOD_1 = "198703152010012004"  # Siti
GOOD_2 = "199001012015031002"
GOOD_3 = "198512312010121001"


@pytest.fixture
def units(session):
    root = factories.unit("Pemkot Pangkalpinang", kind="pemda")
    ktp = factories.unit("Pelayanan KTP-el", parent=root)
    akta = factories.unit("Pelayanan Akta", parent=root)
    factories.unit("Sekretariat", parent=root)
    factories.unit("Sekretariat", parent=ktp)  # a name two units share
    factories.user("admin")
    session.commit()
    return {"ktp": ktp, "akta": akta}


def _csv(lines: list[str], delimiter=",") -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


BAD_FILE = [
    "NIP;Nama;Jabatan;Unit Kerja",
    f"{GOOD_1};Siti Rahmawati, S.Kom.;Operator KTP-el;Pelayanan KTP-el",
    "12345;Salah Satu;;Pelayanan KTP-el",  # bad NIP
    f"{GOOD_2};Budi Santoso;Verifikator;Dinas Tidak Ada",  # unknown unit
    f"{GOOD_1};Siti Lagi;;Pelayanan Akta",  # duplicate in the file
    f"{GOOD_3};;;Pelayanan Akta",  # no name
    f"{GOOD_3[:-1]}2;Dewi;;Sekretariat",  # ambiguous unit
    "",
    f"{GOOD_3};Ahmad Fauzi;Kasi Pelayanan;{{akta_id}}",  # a unit by its number
]


def test_a_dry_run_lists_every_bad_line_and_confirming_imports_the_good_ones(
    client, session, units
):
    login(client, "admin", factories.PASSWORD)
    page = client.get("/admin/pegawai/impor").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    body = _csv([line.format(akta_id=units["akta"].id) for line in BAD_FILE])
    checked = client.post(
        "/admin/pegawai/impor",
        data={"csrf_token": token, "file": (io.BytesIO(body), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "2 pegawai baru" in html and "5 baris ditolak" in html
    for line, reason in (
        (3, "NIP tidak sah"),
        (4, "Unit tidak dikenal"),
        (5, "NIP sama"),
        (6, "Nama kosong"),
        (7, "Ada beberapa unit"),
    ):
        assert f'<td class="num">{line}</td><td>{reason}' in html, line
    assert session.scalar(sa.select(sa.func.count()).select_from(Employee)) == 0  # dry run
    confirm_url = re.search(r'action="(/admin/pegawai/impor/[0-9a-f]{32})"', html)[1]
    done = client.post(
        confirm_url, data={"csrf_token": token, "confirm": "yes", "name": "pegawai.csv"}
    )
    assert done.status_code == 302
    stored = {e.nip: e for e in session.scalars(sa.select(Employee))}
    assert set(stored) == {GOOD_1, GOOD_3}
    assert stored[GOOD_3].unit_id == units["akta"].id
    actions = [a for a in session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id))]
    assert actions == ["employee.create", "employee.create", "employee.import"]
    # The checked file is gone once imported.
    assert client.post(confirm_url, data={"csrf_token": token, "confirm": "yes"}).status_code == 302


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates(
    runner, session, units, tmp_path
):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(
        _csv(
            [
                "nip,name,position,unit",
                f"{GOOD_1},Siti Rahmawati,Operator,Pelayanan KTP-el",
                f"{GOOD_2},Budi Santoso,Verifikator,Pelayanan KTP-el",
            ]
        )
    )
    first = runner.invoke(args=["employees", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 new, 0 changed, 0 unchanged, 0 refused" in first.output
    again = runner.invoke(args=["employees", "import", str(path)])
    assert "0 new, 0 changed, 2 unchanged" in again.output
    events = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    path.write_bytes(
        _csv(
            [
                "nip,name,position,unit",
                f"{GOOD_1},Siti Rahmawati,Operator,Pelayanan Akta",
                f"{GOOD_2},Budi Santoso,Verifikator,Pelayanan KTP-el",
            ]
        )
    )
    dry = runner.invoke(args=["employees", "import", str(path), "--dry-run"])
    assert "0 new, 1 changed, 1 unchanged" in dry.output and "nothing imported" in dry.output
    moved = runner.invoke(args=["employees", "import", str(path)])
    assert moved.exit_code == 0
    session.expire_all()
    siti = session.scalars(sa.select(Employee).where(Employee.nip == GOOD_1)).one()
    assert siti.unit_id == units["akta"].id
    new_events = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert new_events[events:] == ["employee.move", "employee.import"]


def test_an_xlsx_with_indonesian_headers_and_a_nip_typed_as_a_number(
    runner, session, units, tmp_path
):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama Pegawai", "NIP", "Jabatan", "Unit Layanan", "Jenis"])
    sheet.append(["Siti Rahmawati", GOOD_1, "Operator", "pelayanan ktp-el", "PNS"])
    sheet.append(["Rizky", 1.99001012015031e17, "", "Pelayanan KTP-el", ""])
    sheet.append(["Hendra", GOOD_3, "", "Pelayanan KTP-el", "honorer"])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    result = runner.invoke(args=["employees", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 3: nip_as_number" in result.output and "line 4: bad_kind" in result.output
    assert session.scalars(sa.select(Employee.name)).all() == ["Siti Rahmawati"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"nip,nama\n1,2\n", "missing_column"),
        (b"nip|nama|unit\n", "delimiter"),
        ("nip,nama,unit\nSiti,Jos\xe9,X\n".encode("latin-1"), "encoding"),
        (b"", "empty"),
        (b"PK\x03\x04 not really a workbook", "unreadable"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(runner, units, tmp_path, body, reason):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(body)
    result = runner.invoke(args=["employees", "import", str(path)])
    assert result.exit_code != 0 and reason in result.output


def test_an_admin_adds_corrects_moves_and_deactivates_an_employee(client, session, units):
    login(client, "admin", factories.PASSWORD)
    token = hidden_fields(client.get("/admin/pegawai/baru").get_data(as_text=True))["csrf_token"]
    form = {
        "csrf_token": token,
        "nip": "19870315 201001 2 004",
        "name": "Siti Rahmawati",
        "position": "Operator",
        "unit": str(units["ktp"].id),
        "kind": "pns",
    }
    bad = client.post("/admin/pegawai/baru", data={**form, "nip": "123"})
    assert bad.status_code == 400 and "NIP tidak sah" in bad.get_data(as_text=True)
    assert client.post("/admin/pegawai/baru", data=form).status_code == 302
    siti = session.scalars(sa.select(Employee)).one()
    assert siti.nip == GOOD_1
    taken = client.post("/admin/pegawai/baru", data=form)
    assert "sudah terdaftar" in taken.get_data(as_text=True)
    moved = client.post(f"/admin/pegawai/{siti.id}", data={**form, "unit": str(units["akta"].id)})
    assert moved.status_code == 302
    client.post(f"/admin/pegawai/{siti.id}/status", data={"csrf_token": token, "confirm": "yes"})
    session.expire_all()
    assert (siti.unit_id, siti.active) == (units["akta"].id, False)
    listing = client.get("/admin/pegawai?q=2010012").get_data(as_text=True)
    assert "Siti Rahmawati" in listing
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["employee.create", "employee.move", "employee.deactivate"]

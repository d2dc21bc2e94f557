"""The dashboard's downloads hold the dashboard's numbers, and nothing that names anyone."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from portal.services import feedback
from tests import factories
from tests.conftest import login

JULY = dt.datetime(2026, 7, 10, 3, 0)


@pytest.fixture
def served(session):
    unit = factories.unit("Disdukcapil Kota Kalianda")
    other = factories.unit("Dinas Kesehatan")
    loket = factories.counter(unit, "Loket 1")
    siti = factories.employee(unit, "Siti Rahmawati")
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    for n in range(4):
        factories.respond(
            feedback.target_for(session, unit, counter=loket),
            {"U1": 4, "U2": 3},
            at=JULY + dt.timedelta(hours=n),
            sex="P",
            comment='=HYPERLINK("http://x")' if n == 0 else None,
        )
    factories.respond(feedback.target_for(session, unit, card_employee=siti), {"U1": 2}, at=JULY)
    factories.respond(
        feedback.target_for(session, other, counter=factories.counter(other)), {"U1": 1}, at=JULY
    )
    session.commit()
    return {"unit": unit, "other": other}


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_score_tables_match_the_dashboard(client, served):
    login(client, "kepala", factories.PASSWORD)
    response = client.get("/dasbor/ekspor/skor.csv?periode=2026-07")
    assert response.headers["Content-Disposition"].endswith(
        'filename="skm-disdukcapil-kota-kalianda-2026-07-skor.csv"'
    )
    rows = _csv(response)
    total = next(r for r in rows if r["kind"] == "total")
    assert total["respondents"] == "5" and total["valid"] == "true"
    loket = next(r for r in rows if r["kind"] == "counter")
    assert (loket["name"], loket["respondents"], loket["score"]) == ("Loket 1", "4", "87.50")
    person = next(r for r in rows if r["kind"] == "employee")
    assert person["valid"] == "false" and person["score"] == ""  # 1 of the 30 needed
    assert "Dinas Kesehatan" not in response.get_data(as_text=True)

    book = load_workbook(io.BytesIO(client.get("/dasbor/ekspor/skor.xlsx?periode=2026-07").data))
    assert book.sheetnames == ["IKM", "Unit", "Loket", "Pegawai", "Jenis layanan"]


def test_respondent_rows_are_anonymous_and_formula_safe(client, served):
    login(client, "kepala", factories.PASSWORD)
    rows = _csv(client.get("/dasbor/ekspor/responden.csv?periode=2026-07"))
    assert len(rows) == 5
    assert "employee" not in rows[0] and "client_hash" not in rows[0]
    (commented,) = [r for r in rows if r["comment"]]
    assert commented["local_time"] == "2026-07-10 10:00" and commented["sex"] == "P"
    assert commented["comment"].startswith("'=HYPERLINK")
    book = load_workbook(
        io.BytesIO(client.get("/dasbor/ekspor/responden.xlsx?periode=2026-07").data)
    )
    sheet = book["Responden"]
    assert sheet.max_row == 6


def test_exports_follow_the_viewer(client, served):
    login(client, "kepala", factories.PASSWORD)
    assert client.get(f"/dasbor/ekspor/skor.csv?unit={served['other'].id}").status_code == 404
    assert client.get("/dasbor/ekspor/skor.pdf").status_code == 404

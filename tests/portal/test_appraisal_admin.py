"""What an administrator and the operator do for the appraisal module: keys, periods,
evidence files, on the admin pages and from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import PeriodSnapshot, Role
from portal.services import api_clients, feedback
from surveys.policy import ReportPolicy
from tests import factories
from tests.conftest import hidden_fields, login

ANSWERS = {"U1": 3, "U2": 2, "U3": 4, "U4": 3, "U5": 3, "U6": 4, "U7": 3, "U8": 2, "U9": 3}
JULY = dt.datetime(2026, 7, 10, 3, 0)


@pytest.fixture
def app_config():
    # Five respondents make a valid personal score here (30 in production).
    return {"REPORT_POLICY": ReportPolicy(minimum_for_person=5)}


@pytest.fixture
def staffed(app):
    unit = factories.unit("Disdukcapil")
    people = [
        factories.employee(unit, "Siti Rahmawati", nip="198703152010012001"),
        factories.employee(unit, "Budi Santoso", nip="198001012005011002"),
    ]
    for person in people:
        target = feedback.target_for(db.session, unit, card_employee=person)
        for _ in range(5):
            factories.respond(target, ANSWERS, at=JULY, commit=False)
    factories.user("admin")
    factories.user("kepala", role=Role.UNIT_HEAD, unit_=unit)
    db.session.commit()
    return unit, people


def _csrf(client, url):
    return hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"]


def test_an_admin_creates_a_client_sees_the_key_once_and_revokes_it(client, staffed):
    unit, _ = staffed
    login(client, "admin", factories.PASSWORD)
    token = _csrf(client, "/admin/api-klien")
    page = client.post(
        "/admin/api-klien", data={"name": "e-Kinerja", "unit": str(unit.id), "csrf_token": token}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    key = re.search(r'<code class="secret">(sl_[^<]+)</code>', html)[1]
    assert (
        client.get("/api/v1/periods", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )
    listing = client.get("/admin/api-klien").get_data(as_text=True)
    assert key not in listing and "e-Kinerja" in listing and "Disdukcapil" in listing

    (stored,) = api_clients.listing(db.session)
    calls = client.get(f"/admin/api-klien/{stored.id}").get_data(as_text=True)
    assert "/api/v1/periods" in calls

    unconfirmed = client.post(f"/admin/api-klien/{stored.id}/cabut", data={"csrf_token": token})
    assert unconfirmed.status_code == 302
    assert (
        client.get("/api/v1/periods", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )
    client.post(f"/admin/api-klien/{stored.id}/cabut", data={"csrf_token": token, "confirm": "yes"})
    assert (
        client.get("/api/v1/periods", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )


def test_a_bad_client_form_is_refused_with_a_message(client, staffed):
    login(client, "admin", factories.PASSWORD)
    token = _csrf(client, "/admin/api-klien")
    for data in ({"name": ""}, {"name": "x", "unit": "99999"}, {"name": "x", "unit": "abc"}):
        response = client.post("/admin/api-klien", data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert "Nama wajib diisi" in response.get_data(as_text=True)


def test_an_admin_closes_reopens_and_downloads_a_period(client, staffed, monkeypatch):
    login(client, "admin", factories.PASSWORD)
    page = client.get("/admin/periode").get_data(as_text=True)
    assert "2026-Q3" in page and "Tutup periode" in page
    token = _csrf(client, "/admin/periode")
    client.post("/admin/periode/2026-Q3/tutup", data={"csrf_token": token})
    snapshot = db.session.query(PeriodSnapshot).one()
    assert (snapshot.period, snapshot.closed_by) == ("2026-Q3", "admin")

    export = client.get("/admin/periode/2026-Q3/bukti.csv")
    assert export.headers["Content-Disposition"].endswith(
        f'filename="skm-appraisal-2026-Q3-snapshot-{snapshot.id}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["nip"] for r in rows] == ["198001012005011002", "198703152010012001"]
    assert rows[0]["respondents"] == "5" and rows[0]["valid"] == "true"

    refused = client.post("/admin/periode/2026-Q3/buka-kembali", data={"csrf_token": token})
    assert refused.status_code == 302 and snapshot.reopened_at is None
    client.post(
        "/admin/periode/2026-Q3/buka-kembali",
        data={"csrf_token": token, "reason": "Jadwal piket salah"},
    )
    db.session.refresh(snapshot)
    assert snapshot.reopen_reason == "Jadwal piket salah" and snapshot.reopened_by == "admin"
    assert "Jadwal piket salah" in client.get("/admin/periode").get_data(as_text=True)


def test_a_current_period_cannot_be_closed_from_the_page(client, staffed):
    login(client, "admin", factories.PASSWORD)
    factories.respond(
        feedback.target_for(db.session, staffed[0], card_employee=staffed[1][0]), ANSWERS
    )
    this_year = dt.date.today().year
    assert "Dapat ditutup mulai" in client.get("/admin/periode").get_data(as_text=True)
    token = _csrf(client, "/admin/periode")
    client.post(f"/admin/periode/{this_year}/tutup", data={"csrf_token": token})
    assert db.session.query(PeriodSnapshot).count() == 0
    assert client.get("/admin/periode/2026-13/bukti.csv").status_code == 404


@pytest.mark.parametrize(
    "url", ["/admin/api-klien", "/admin/periode", "/admin/periode/2026/bukti.csv"]
)
def test_the_appraisal_admin_is_for_administrators_only(client, staffed, url):
    assert client.get(url).status_code == 302  # to the login page
    login(client, "kepala", factories.PASSWORD)
    assert client.get(url).status_code == 403


def test_the_cli_creates_a_key_closes_a_period_and_exports_it(app, runner, staffed, tmp_path):
    created = runner.invoke(args=["api-clients", "create", "--name", "SIMPEG"])
    assert created.exit_code == 0, created.output
    key = re.search(r"key: (sl_\S+)", created.output)[1]
    assert api_clients.authenticate(db.session, key) is not None
    assert "SIMPEG" in runner.invoke(args=["api-clients", "list"]).output

    early = runner.invoke(args=["periods", "close", "2099-Q1"])
    assert early.exit_code != 0 and "can be closed from" in early.output
    assert runner.invoke(args=["periods", "close", "2026-Q3"]).exit_code == 0

    out = tmp_path / "bukti.xlsx"
    result = runner.invoke(
        args=["appraisal", "export", "--period", "2026-Q3", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0 and "Wrote 2 employees" in result.output
    sheet = load_workbook(out).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["nip", "name"] and len(rows) == 2
    assert rows[0][header.index("score")] == rows[1][header.index("score")]

    reopened = runner.invoke(args=["periods", "reopen", "2026-Q3", "--reason", "koreksi"])
    assert reopened.exit_code == 0
    (client_id,) = [c.id for c in api_clients.listing(db.session)]
    assert runner.invoke(args=["api-clients", "revoke", str(client_id)]).exit_code == 0
    assert api_clients.authenticate(db.session, key) is None

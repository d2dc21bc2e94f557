"""Flagged responses: stored, left out of the scores, shown with reasons, and reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Response, Role
from portal.services import api_clients, reports, rollups
from portal.services.viewer import Viewer
from surveys import periods
from surveys.integrity import Flag, Rules
from surveys.policy import ReportPolicy
from tests import factories
from tests.conftest import ALL_FOURS, login

ALL_ONES = {f"U{n}": "1" for n in range(1, 10)}


@pytest.fixture
def app_config():
    # Every rule on, as in production; one respondent makes a number here.
    return {
        "INTEGRITY_RULES": Rules(),
        "REPORT_POLICY": ReportPolicy(minimum_for_person=1),
    }


@pytest.fixture
def loket(app):
    """A unit with a head, an employee with a personal card, and another unit's head."""
    unit = factories.unit("Disdukcapil Kalianda")
    other = factories.unit("Dinas Kesehatan")
    employee = factories.employee(unit, "Siti Rahmawati", nip="198703152010012001")
    factories.user("kepala", Role.UNIT_HEAD, unit)
    factories.user("kepala-lain", Role.UNIT_HEAD, other)
    factories.user("bupati", Role.LEADERSHIP)
    staff = factories.user("siti", Role.EMPLOYEE, unit)
    staff.employee_id = employee.id
    db.session.commit()
    return unit, employee


def _this_month():
    today = dt.date.today()
    return periods.month(today.year, today.month)


def _score(employee):
    viewer = Viewer.system(ReportPolicy(minimum_for_person=1))
    scope = reports.Scope("employee", employee.id)
    report = reports.score_for(db.session, viewer, scope, _this_month())
    return report.respondents, report.score.converted


def _buckets_equal_a_fresh_count():
    stored = {g: rollups.bucket_statistics(db.session, g) for g in rollups.GRAINS}
    rollups.rebuild(db.session)
    return stored == {g: rollups.bucket_statistics(db.session, g) for g in rollups.GRAINS}


def test_an_instant_answer_is_stored_flagged_and_left_out_of_every_score(client, citizen, loket):
    unit, employee = loket
    assert citizen.submit(factories.card_path(employee), ALL_ONES).status_code == 303
    stored = db.session.scalars(select(Response)).one()
    assert stored.flags == Flag.TOO_FAST and stored.excluded and stored.device_hash
    assert _score(employee) == (0, None)
    assert _buckets_equal_a_fresh_count()

    login(client, "kepala", factories.PASSWORD)
    page = client.get(f"/dasbor/?unit={unit.id}").get_data(as_text=True)
    assert "1 penilaian ditandai" in page
    review = client.get(f"/dasbor/integritas?unit={unit.id}").get_data(as_text=True)
    assert "dijawab terlalu cepat" in review and stored.receipt in review
    # A comment-less flagged answer is not among the citizens' comments either.
    assert "Tidak ada komentar" in client.get("/dasbor/komentar").get_data(as_text=True)


def test_a_review_moves_a_response_between_counted_and_excluded(client, citizen, loket):
    unit, employee = loket
    citizen.submit(factories.card_path(employee), ALL_FOURS)
    stored = db.session.scalars(select(Response)).one()
    login(client, "kepala", factories.PASSWORD)
    url = f"/dasbor/integritas/{stored.id}"
    token = client.get("/dasbor/integritas").get_data(as_text=True)
    csrf = token.split('name="csrf_token" value="')[1].split('"')[0]

    answer = client.post(url, data={"csrf_token": csrf, "keputusan": "sahkan", "unit": unit.id})
    assert answer.status_code == 302
    db.session.expire_all()
    assert not stored.excluded and stored.review == "cleared"
    assert _score(employee) == (1, 100.0)
    assert _buckets_equal_a_fresh_count()

    client.post(url, data={"csrf_token": csrf, "keputusan": "pastikan"})
    db.session.expire_all()
    assert stored.excluded and stored.review == "confirmed"
    assert _score(employee) == (0, None)

    client.post(url, data={"csrf_token": csrf, "keputusan": "batalkan"})
    db.session.expire_all()
    assert stored.excluded and stored.review is None  # back to what the rules decided
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "response.review")
    ).all()
    assert [e.actor for e in events] == ["kepala"] * 3
    assert '"review":"cleared"' in events[0].after

    assert client.post(url, data={"csrf_token": csrf, "keputusan": "hapus"}).status_code == 400


def test_only_the_units_heads_and_admins_review(app, citizen, loket):
    _unit, employee = loket
    citizen.submit(factories.card_path(employee), ALL_FOURS)
    stored = db.session.scalars(select(Response)).one()
    url = f"/dasbor/integritas/{stored.id}"
    for username in ("kepala-lain", "bupati", "siti"):
        client = app.test_client()
        login(client, username, factories.PASSWORD)
        page = client.get("/akun/kata-sandi").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        answer = client.post(url, data={"csrf_token": token, "keputusan": "sahkan"})
        assert answer.status_code == 404, username
        if username == "siti":
            assert client.get("/dasbor/integritas").status_code == 404
    db.session.expire_all()
    assert stored.review is None


def test_outside_service_hours_is_flagged_for_review_but_counted(client, citizen, loket, app):
    unit, employee = loket
    unit.service_hours = "Sen 00:00-00:01"  # closed almost always
    db.session.commit()
    app.config["INTEGRITY_RULES"] = Rules(enabled=Flag.OUTSIDE_HOURS)
    citizen.submit(factories.card_path(employee), ALL_FOURS)
    stored = db.session.scalars(select(Response)).one()
    assert stored.flags == Flag.OUTSIDE_HOURS and not stored.excluded
    assert _score(employee)[0] == 1


def test_the_api_counts_an_employees_excluded_responses_by_reason(client, citizen, loket):
    _unit, employee = loket
    citizen.submit(factories.card_path(employee), ALL_ONES)  # too fast
    citizen.submit(factories.card_path(employee), ALL_ONES)  # too fast, same device again
    _, key = api_clients.create(db.session, "e-Kinerja", None, by="admin")
    db.session.commit()
    period = _this_month().code
    body = client.get(
        f"/api/v1/employees/{employee.nip}/score?period={period}",
        headers={"Authorization": f"Bearer {key}"},
    ).get_json()
    assert body["respondents"] == 0
    assert body["excluded_responses"] == {
        "count": 2,
        "by_reason": {"device_repeat": 1, "too_fast": 2},
    }


def test_a_staff_login_marks_the_browser_and_its_answers_are_flagged(client, citizen, loket):
    _unit, employee = loket
    login(client, "siti", factories.PASSWORD)
    citizen.submit(factories.card_path(employee), ALL_FOURS)
    stored = db.session.scalars(select(Response)).one()
    assert stored.flags & Flag.STAFF_DEVICE and stored.flags & Flag.SELF_RATING

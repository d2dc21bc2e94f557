"""Survey links are resolved from a per-process copy of the directory, never a stale one."""

import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from portal import tokens
from portal.extensions import db
from portal.links import counter_token
from portal.models import Counter, DutyShift, Employee, Instrument, Response, ServiceType, Unit
from portal.services import directory, feedback, instruments
from surveys import calendar
from tests import factories


@pytest.fixture
def loket(session):
    counter = factories.counter(factories.unit("Pelayanan KTP-el"), "Loket 1")
    session.commit()
    return counter


def _stamp(session):
    stamp = directory.stamp(session)
    session.commit()
    return stamp


def _shift_now(employee, counter):
    local = calendar.to_local(dt.datetime.now(dt.UTC), counter.unit.timezone)
    for day in (local.date() - dt.timedelta(days=1), local.date()):
        factories.shift(employee, counter, day, "00:00", "00:00")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s, c: factories.unit("Unit baru"), id="unit added"),
        pytest.param(lambda s, c: setattr(c.unit, "name", "Nama baru"), id="unit renamed"),
        pytest.param(lambda s, c: factories.counter(c.unit, "Loket 2"), id="counter added"),
        pytest.param(lambda s, c: setattr(c, "active", False), id="counter closed"),
        pytest.param(lambda s, c: s.delete(c), id="counter deleted"),
        pytest.param(lambda s, c: factories.employee(c.unit), id="employee added"),
        pytest.param(lambda s, c: factories.service_type(c.unit), id="service type added"),
        pytest.param(lambda s, c: _shift_now(factories.employee(c.unit), c), id="duty shift added"),
    ],
)
def test_every_change_to_the_directory_changes_the_stamp(session, loket, change):
    before = _stamp(session)
    change(session, loket)
    session.commit()
    assert _stamp(session) != before


def test_a_new_instrument_version_changes_the_stamp(session):
    session.execute(Instrument.__table__.delete())  # as if the migration had not run
    session.commit()
    before = _stamp(session)
    instruments.install(session, "skm-2017")
    session.commit()
    # The first install of the packaged instrument inserts its row; a later one does not.
    after = _stamp(session)
    assert after != before
    instruments.install(session, "skm-2017")
    session.commit()
    assert _stamp(session) == after


def test_citizens_answering_do_not_change_the_stamp(citizen, session, loket):
    path = factories.survey_path(loket)
    citizen.open(path)
    before = _stamp(session)
    assert citizen.submit(path).status_code == 303
    assert _stamp(session) == before


def test_the_survey_page_follows_the_directory_at_once(client, session, loket):
    path = factories.survey_path(loket)
    assert "Loket 1" in client.get(path).get_data(as_text=True)  # now kept by the process
    loket.name = "Loket 1 — KTP-el"
    loket.unit.name = "Pelayanan Dokumen Kependudukan"
    session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Loket 1 — KTP-el" in html and "Pelayanan Dokumen Kependudukan" in html

    assert "Petugas yang melayani Anda" not in html
    _shift_now(factories.employee(loket.unit, "Rudi Hartono"), loket)
    session.commit()
    assert "Rudi Hartono" in client.get(path).get_data(as_text=True)

    db.session.execute(Employee.__table__.update().values(name="Rudi H."))  # not via the ORM
    session.commit()
    assert "Rudi H." in client.get(path).get_data(as_text=True)

    loket.active = False
    session.commit()
    assert client.get(path).status_code == 410


def test_a_response_is_credited_by_the_roster_as_it_stands_when_submitted(citizen, session, loket):
    path = factories.survey_path(loket)
    page = citizen.open(path)
    assert page.status_code == 200  # nobody on duty yet, and the process knows it
    staff = factories.employee(loket.unit, "Dewi Lestari")
    _shift_now(staff, loket)
    session.commit()
    assert citizen.submit(path).status_code == 303
    assert session.scalar(select(Response.employee_id)) == staff.id


@contextmanager
def _statements():
    statements = []

    def count(conn, cursor, statement, *args):
        # On PostgreSQL the test's savepoints (tests/conftest.py) are not the page's.
        if "SAVEPOINT" not in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_warm_survey_page_reads_one_value_from_the_database(client, session, loket):
    _shift_now(factories.employee(loket.unit), loket)
    factories.service_type(loket.unit)
    session.commit()
    path = factories.survey_path(loket)
    client.get(path)
    with _statements() as statements:
        assert client.get(path).status_code == 200
    assert len(statements) == 1 and "directory_stamp" in statements[0]


@pytest.fixture
def clock(app, monkeypatch):
    """Production's refresh interval, one second, on a clock the test moves by hand."""
    app.config["DIRECTORY_REFRESH_MS"] = 1000
    now = [1_000.0]
    monkeypatch.setattr(directory, "monotonic", lambda: now[0])
    return now


def test_a_process_rereads_the_directory_once_per_refresh_interval(client, session, loket, clock):
    _shift_now(factories.employee(loket.unit, "Rudi Hartono"), loket)
    session.commit()
    path = factories.survey_path(loket)
    assert "Rudi Hartono" in client.get(path).get_data(as_text=True)

    loket.name = "Loket 1 — KTP-el"
    session.commit()
    clock[0] += 0.9
    with _statements() as statements:
        html = client.get(path).get_data(as_text=True)
    # Within the interval a blank survey page needs no database at all.
    assert statements == []
    assert "Loket 1 — KTP-el" not in html and "Rudi Hartono" in html

    clock[0] += 0.1
    assert "Loket 1 — KTP-el" in client.get(path).get_data(as_text=True)

    loket.active = False
    session.commit()
    assert client.get(path).status_code == 200
    clock[0] += 1
    assert client.get(path).status_code == 410


def test_a_submission_within_the_interval_is_stored_under_the_directory_it_was_shown(
    citizen, session, loket, clock
):
    path = factories.survey_path(loket)
    citizen.open(path)
    staff = factories.employee(loket.unit, "Dewi Lestari")
    _shift_now(staff, loket)
    session.commit()
    assert citizen.submit(path).status_code == 303
    clock[0] += 1
    citizen.open(path)
    assert citizen.submit(path).status_code == 303
    credited = session.scalars(select(Response.employee_id).order_by(Response.submitted_at))
    assert list(credited) == [None, staff.id]


def test_the_cache_holds_plain_values_not_rows(session, loket):
    # Entries outlive the session and are shared by threads: no ORM instance may leak in.
    target = feedback.resolve(session, tokens.read(counter_token(loket)))
    mapped = (Unit, Counter, Employee, ServiceType, DutyShift)
    values = [target.unit, target.counter, *target.lineage, *target.service_types]
    assert not any(isinstance(v, mapped) for v in values)

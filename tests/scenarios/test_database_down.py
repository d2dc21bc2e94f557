"""A citizen's answers survive a database that is locked, stalled or gone.

Until the server has stored them or refused them for good, every answer gives them
back: 503 with Retry-After and the form again with the answers in it (no JavaScript
needed), or, to survey.js, a JSON "kept" it acts on (tests/browser/test_database_down.py).
Readiness fails while the database cannot take a write.
"""

import re
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests import factories
from tests.conftest import DATABASES
from tests.scenarios.conftest import Phone

ANSWERS = {"U1": "4", "U2": "3", "U3": "2", "U4": "4", "U5": "3", "U6": "4", "U7": "4"}


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response))


def _loket_path():
    counter = factories.counter(factories.unit("Pelayanan KTP-el"), "Loket 1 — KTP-el")
    db.session.commit()
    return factories.survey_path(counter)


@pytest.mark.parametrize("live_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("app_config", [{"DATABASE_LOCK_TIMEOUT_MS": 300}])
def test_a_locked_sqlite_keeps_the_answers_and_takes_them_once_it_is_free(
    live_app, served, app_config
):
    path = _loket_path()
    phone = Phone(served)
    page = phone.get(path)
    blocker = sqlite3.connect(live_app.database_path, timeout=5)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the one write lock
    try:
        refused = phone.answer(path, ANSWERS, page=page, comment="Ruang tunggu panas.")
        assert refused.status == 503
        assert refused.headers["Retry-After"] == "15"
        assert "Layanan sedang gangguan" in refused.text
        # The form again, with the answers and the comment in it, ready to send again.
        assert re.search(
            r'<input checked id="U3-1" name="U3" type="radio" value="2">', refused.text
        )
        assert "Ruang tunggu panas." in refused.text
        kept = refused.hidden()
        assert kept["submission_id"] == page.hidden()["submission_id"]
        assert kept["opened"] == page.hidden()["opened"]

        as_script = phone.post(path, {**page.hidden(), **ANSWERS}, json=True)
        assert as_script.status == 503 and '"kept": true' in as_script.text.replace(
            ":true", ": true"
        )
        assert phone.get("/readyz").status == 503
    finally:
        blocker.rollback()
        blocker.close()

    assert phone.get("/readyz").status == 200
    assert _count(db.session) == 0
    resent = phone.post(path, {**kept, **ANSWERS, "comment": "Ruang tunggu panas."})
    assert resent.status == 303
    again = phone.post(path, {**kept, **ANSWERS, "comment": "Ruang tunggu panas."}, json=True)
    assert again.status == 200  # the script's retry of the same answers: stored once
    assert _count(db.session) == 1
    assert db.session.scalar(select(Response.comment)) == "Ruang tunggu panas."


@pytest.mark.parametrize("live_app", DATABASES[1:], indirect=True)
@pytest.mark.parametrize("app_config", [{"DATABASE_LOCK_TIMEOUT_MS": 500}])
def test_a_stalled_postgresql_answers_503_in_its_lock_timeout_and_keeps_the_answers(
    live_app, served, app_config
):
    """A long migration, a recount or a VACUUM FULL holding the response table stalls
    every submission; it must be told to come back, not held for as long as that lasts."""
    path = _loket_path()
    phone = Phone(served)
    page = phone.get(path)
    blocker = db.engine.connect()
    blocker.exec_driver_sql("SET lock_timeout = 0")
    blocker.exec_driver_sql("LOCK TABLE response IN ACCESS EXCLUSIVE MODE")
    try:
        started = time.monotonic()
        refused = phone.answer(path, ANSWERS, page=page)
        waited = time.monotonic() - started
        assert refused.status == 503 and refused.headers["Retry-After"] == "15"
        assert "Layanan sedang gangguan" in refused.text
        # Bounded by the 500 ms lock timeout, not by the lock: the client's own limit
        # is 30 s, and the lock would have been held for ever.
        assert waited < 10
        kept = refused.hidden()
        assert kept["submission_id"] == page.hidden()["submission_id"]
    finally:
        blocker.rollback()
        blocker.close()

    assert phone.post(path, {**kept, **ANSWERS}).status == 303
    assert _count(db.session) == 1


def test_a_stopped_postgresql_keeps_the_answers_and_takes_them_once_it_is_back(served_postgres):
    app, proxy, base_url = served_postgres
    path = _loket_path()
    phone = Phone(base_url)
    page = phone.get(path)
    assert page.status == 200

    proxy.stop()  # PostgreSQL is gone: open connections reset, new ones refused
    refused = phone.answer(path, ANSWERS, page=page, comment="Antrean lama.")
    assert refused.status == 503 and refused.headers["Retry-After"] == "15"
    assert "Penilaian Anda belum terkirim" in refused.text
    # Without the database the questions cannot be drawn again: the answers go back
    # as hidden fields of a form that sends them again exactly as they were.
    kept = refused.hidden()
    assert {k: kept[k] for k in ANSWERS} == ANSWERS and kept["comment"] == "Antrean lama."
    assert kept["submission_id"] == page.hidden()["submission_id"]
    assert "Kirim lagi" in refused.text
    assert phone.get("/readyz").status == 503

    proxy.start()
    assert phone.post(path, kept).status == 303
    assert phone.post(path, kept).status == 303  # a second press: stored once
    with app.app_context():
        assert _count(db.session) == 1

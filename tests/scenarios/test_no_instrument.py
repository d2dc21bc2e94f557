"""Reading a survey link never writes: a unit tree with no questionnaire of its own
answers from the default one the migrations installed, and a process stays healthy."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Instrument, Response
from tests import factories
from tests.conftest import ALL_FOURS
from tests.scenarios.conftest import Phone


@contextmanager
def _writes():
    """Collect every statement that changes the database, from any connection."""
    seen = []

    def record(conn, cursor, statement, *args):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP"}:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_new_unit_tree_without_a_questionnaire_answers_from_the_default(served):
    # As an administrator creates it: a Pemda, an OPD and a unit, none naming an instrument.
    pemda = factories.unit("Pemerintah Kota Pangkalpinang", kind="pemda")
    opd = factories.unit("Dinas Kependudukan", kind="opd", parent=pemda)
    counter = factories.counter(factories.unit("Pelayanan KTP-el", parent=opd), "Loket 1")
    db.session.commit()
    assert all(u.instrument_id is None for u in (pemda, opd, counter.unit))
    path = factories.survey_path(counter)

    with _writes() as writes:
        pages = [Phone(served).get(path) for _ in range(3)]
    assert [p.status for p in pages] == [200, 200, 200]
    assert writes == []  # opening a survey never writes, not even the questionnaire

    phones = [Phone(served) for _ in range(3)]
    assert [p.answer(path, ALL_FOURS).status for p in phones] == [303, 303, 303]
    [default] = db.session.scalars(select(Instrument)).all()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 3
    assert set(db.session.scalars(select(Response.instrument_id))) == {default.id}


def test_without_the_migrations_a_survey_explains_itself_instead_of_writing(served):
    counter = factories.counter(factories.unit("Unit baru"), "Loket 1")
    db.session.commit()
    db.session.execute(Instrument.__table__.delete())  # as if `db upgrade` never ran
    db.session.commit()
    page = Phone(served).get(factories.survey_path(counter))
    assert page.status == 503
    assert "Layanan sementara tidak tersedia" in page.text
    assert db.session.scalar(select(func.count()).select_from(Instrument)) == 0

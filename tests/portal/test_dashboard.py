"""A unit head sees this month's responses for their unit and the units below it."""

import datetime as dt
import uuid

from portal.models import utcnow
from portal.services import feedback
from tests import factories
from tests.conftest import login


def test_counts_cover_the_subtree_and_nothing_else(client, session):
    opd = factories.unit("Dinas Kependudukan dan Pencatatan Sipil")
    service_unit = factories.unit("Pelayanan Pencatatan Sipil", parent=opd)
    elsewhere = factories.unit("Dinas Kesehatan")
    mine = factories.counter(service_unit, "Loket 3 — Akta")
    theirs = factories.counter(elsewhere, "Loket Pendaftaran")
    staff = factories.employee(service_unit, "Dewi Lestari")
    factories.user("kepala", role="unit_head", unit_=opd)
    session.commit()

    def submit(target, at=None):
        feedback.submit(
            session, target, feedback.Submission(id=uuid.uuid4(), answers={"U1": 4}), at=at
        )

    for _ in range(3):
        submit(feedback.target_for(session, service_unit, counter=mine))
    submit(feedback.target_for(session, service_unit, card_employee=staff))
    submit(feedback.target_for(session, elsewhere, counter=theirs))
    submit(
        feedback.target_for(session, service_unit, counter=mine),
        at=utcnow() - dt.timedelta(days=70),
    )

    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/").get_data(as_text=True)
    assert "Responden bulan" in html and ": 4</p>" in html
    assert 'Loket 3 — Akta</td><td class="num">3</td>' in html
    assert 'Dewi Lestari</td><td class="num">1</td>' in html
    assert "Loket Pendaftaran" not in html

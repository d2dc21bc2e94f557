"""A unit head sees this month's IKM for their unit and the units below it."""

import datetime as dt
import uuid

import pytest

from portal.models import utcnow
from portal.services import feedback
from tests import factories
from tests.conftest import login


@pytest.mark.parametrize("app_config", [{"PERSON_SCORE_MINIMUM": 2}])
def test_the_dashboard_scores_the_subtree_this_month_only(client, session, app_config):
    opd = factories.unit("Dinas Kependudukan dan Pencatatan Sipil")
    service_unit = factories.unit("Pelayanan Pencatatan Sipil", parent=opd)
    elsewhere = factories.unit("Dinas Kesehatan")
    mine = factories.counter(service_unit, "Loket 3 — Akta")
    theirs = factories.counter(elsewhere, "Loket Pendaftaran")
    staff = factories.employee(service_unit, "Dewi Lestari")
    newcomer = factories.employee(service_unit, "Rizky Pratama")
    factories.user("kepala", role="unit_head", unit_=opd)
    session.commit()

    def submit(target, answers, at=None):
        feedback.submit(
            session, target, feedback.Submission(id=uuid.uuid4(), answers=answers), at=at
        )

    all4 = {f"U{n}": 4 for n in range(1, 10)}
    for _ in range(3):
        submit(feedback.target_for(session, service_unit, counter=mine), all4)
    submit(feedback.target_for(session, service_unit, card_employee=staff), {**all4, "U8": 2})
    submit(feedback.target_for(session, service_unit, card_employee=staff), all4)
    submit(feedback.target_for(session, service_unit, card_employee=newcomer), all4)
    submit(feedback.target_for(session, elsewhere, counter=theirs), {"U1": 1})
    submit(
        feedback.target_for(session, service_unit, counter=mine),
        {"U1": 1},
        at=utcnow() - dt.timedelta(days=70),
    )

    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/").get_data(as_text=True)
    # 6 responses this month in the subtree; U8 averaged 3.67 drags the index below 100.
    assert "dari 6 responden" in html
    assert "Unsur terlemah: U8" in html
    assert 'Loket 3 — Akta</td><td class="num">3</td><td class="num">100,00 (A)</td>' in html
    assert 'Dewi Lestari</td><td class="num">2</td>' in html
    assert "Data belum cukup (minimal 2 responden)" in html  # the newcomer's single response
    assert "Loket Pendaftaran" not in html

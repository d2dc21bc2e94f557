"""A unit head sees this month's IKM for their unit and the units below it."""

import datetime as dt

import pytest

from portal.models import utcnow
from portal.services import feedback
from surveys.policy import ReportPolicy
from tests import factories
from tests.conftest import login


@pytest.mark.parametrize("app_config", [{"REPORT_POLICY": ReportPolicy(minimum_for_person=2)}])
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
        factories.respond(target, answers, at=at)

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


def test_the_weakest_unsur_is_shown_rounded_once(client, session):
    unit = factories.unit("Pelayanan KTP-el")
    factories.user("kepala", role="unit_head", unit_=unit)
    counter = factories.counter(unit)
    session.commit()
    target = feedback.target_for(session, unit, counter=counter)
    # U3: 50 answers of 2 and 51 of 1 make 152 / 101 = 1.50495..., which is 1.50 at two
    # places (rounding 1.5050 from four places would give 1.51).
    for n in range(101):
        factories.respond(target, {"U1": 4, "U3": 2 if n < 51 else 1}, commit=False)
    session.commit()
    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/").get_data(as_text=True)
    assert "Unsur terlemah: U3 (NRR 1,50)" in html


def test_a_person_with_few_answers_about_them_shows_no_personal_index(client, session):
    unit = factories.unit("Pelayanan KTP-el")
    person = factories.employee(unit, "Rizky Pratama")
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()
    target = feedback.target_for(session, unit, card_employee=person)
    for n in range(30):
        answers = {"U1": 4, "U2": 4} | ({"U6": 1, "U7": 1} if n < 2 else {})
        factories.respond(target, answers, commit=False)
    session.commit()
    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/").get_data(as_text=True)
    row = html[html.index("Rizky Pratama") :].split("</tr>")[0]
    # The overall score rests on 30 respondents: (4 + 4 + 1 + 1) / 4 x 25 = 62.50.
    assert "62,50 (D)" in row
    assert "Data belum cukup" in row  # the personal index, on 2
    assert "25,00" not in row

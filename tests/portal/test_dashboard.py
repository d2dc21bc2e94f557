"""Unit heads, Pemda leadership and employees read the results they are allowed to."""

import datetime as dt
import html as html_module
import re

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
    assert "6 responden" in html
    assert "Unsur terlemah: U8 Sarana dan prasarana" in html
    assert row(html, "Loket 3 — Akta")[:3] == ["Loket 3 — Akta", "3", "100,00 (A)"]
    assert row(html, "Dewi Lestari")[:2] == ["Dewi Lestari", "2"]
    assert row(html, "Rizky Pratama")[2] == "data belum cukup"  # the newcomer's single response
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
    assert "Unsur terlemah: U3 Waktu penyelesaian (NRR 1,50)" in html


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
    cells = row(html, "Rizky Pratama")
    # The overall score rests on 30 respondents: (4 + 4 + 1 + 1) / 4 x 25 = 62.50.
    assert cells[2] == "62,50 (D)"
    assert cells[4] == "data belum cukup"  # the personal index, on 2
    assert "25,00" not in cells


def row(page: str, name: str) -> list[str]:
    """Return the text of each cell of the table row named ``name``, from the name on."""
    for found in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [
            html_module.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\xa0", " ").strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found, flags=re.S)
        ]
        # A ranked table starts with the rank; the row is read from the name on.
        for start, cell in enumerate(cells[:2]):
            if cell.startswith(name):
                return [re.sub(r"\s+", " ", c) for c in cells[start:]]
    raise AssertionError(f"no row for {name!r}")


@pytest.fixture
def pemda(session):
    root = factories.unit("Pemerintah Kabupaten Lampung Selatan", kind="pemda")
    disduk = factories.unit("Disdukcapil", parent=root)
    dinkes = factories.unit("Dinas Kesehatan", parent=root)
    loket = factories.counter(disduk, "Loket 1")
    pkm = factories.counter(dinkes, "Loket Pendaftaran")
    siti = factories.employee(disduk, "Siti Rahmawati")
    budi = factories.employee(dinkes, "Budi Santoso")
    factories.user("kepala", role="unit_head", unit_=disduk)
    factories.user("bupati", role="leadership")
    employee_user = factories.user("siti", role="employee", unit_=disduk)
    employee_user.employee = siti
    session.commit()
    july = dt.datetime(2026, 7, 10, 3, 0)
    for _ in range(3):
        factories.respond(feedback.target_for(session, disduk, counter=loket), {"U1": 4}, at=july)
        factories.respond(feedback.target_for(session, dinkes, counter=pkm), {"U1": 2}, at=july)
    for _ in range(2):
        factories.respond(
            feedback.target_for(session, disduk, card_employee=siti),
            {"U1": 3, "U6": 4, "U7": 4},
            at=july,
        )
        factories.respond(
            feedback.target_for(session, dinkes, card_employee=budi), {"U1": 1}, at=july
        )
    return {"root": root, "disduk": disduk, "dinkes": dinkes}


def test_a_period_is_chosen_and_an_empty_current_month_falls_back_to_the_latest(client, pemda):
    login(client, "kepala", factories.PASSWORD)
    # Nothing this month: the latest month with responses (July 2026) is shown.
    html = client.get("/dasbor/").get_data(as_text=True)
    assert "Periode 2026-07" in html and "5 responden" in html
    quarter = client.get("/dasbor/?periode=2026-Q3").get_data(as_text=True)
    assert "Periode 2026-Q3: 1 Jul 2026 – 30 Sep 2026" in quarter
    custom = client.get("/dasbor/?dari=2026-07-11&sampai=2026-07-31").get_data(as_text=True)
    assert "Belum ada tanggapan pada periode ini." in custom
    refused = client.get("/dasbor/?periode=2026-13", follow_redirects=True)
    assert refused.status_code == 200 and "Periode tidak dikenal" in refused.get_data(as_text=True)


def test_leadership_reads_the_whole_tree_and_a_unit_head_only_their_own(app, client, pemda):
    login(client, "bupati", factories.PASSWORD)
    html = client.get("/dasbor/?periode=2026-07").get_data(as_text=True)
    assert "Pemerintah Kabupaten Lampung Selatan" in html
    assert row(html, "Disdukcapil")[1] == "5" and row(html, "Dinas Kesehatan")[1] == "5"
    # Ranked best first, each with its weakest unsur.
    assert html.index("Disdukcapil</a>") < html.index("Dinas Kesehatan</a>")
    assert row(html, "Dinas Kesehatan")[4].startswith("U1 Persyaratan")
    assert "Profil responden" in html
    drilled = client.get(f"/dasbor/?unit={pemda['dinkes'].id}&periode=2026-07").get_data(
        as_text=True
    )
    assert row(drilled, "Loket Pendaftaran")[1] == "3"
    assert client.get("/admin/").status_code == 403  # reading is not administering

    client = app.test_client()
    login(client, "kepala", factories.PASSWORD)
    for unit in ("root", "dinkes"):
        assert client.get(f"/dasbor/?unit={pemda[unit].id}").status_code == 404
    assert client.get("/dasbor/?unit=99999999999999999999").status_code == 404


def test_an_employee_sees_only_their_own_feedback(client, pemda):
    login(client, "siti", factories.PASSWORD)
    assert client.get("/dasbor/").status_code == 302
    html = client.get("/dasbor/saya").get_data(as_text=True)
    assert "Umpan balik untuk Siti Rahmawati" in html
    assert row(html, "Jul 2026")[1] == "2"
    assert "Budi Santoso" not in html and "Loket 1" not in html
    assert client.get(f"/dasbor/?unit={pemda['disduk'].id}").status_code == 302
    forbidden = client.get("/admin/")
    page = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403
    assert "Keluar" in page and 'href="/dasbor/saya"' in page

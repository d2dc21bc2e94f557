"""Citizens' comments reach the people who act on them, and no one else."""

import datetime as dt
import re

import pytest

from portal.services import feedback
from tests import factories
from tests.conftest import login

JULY = dt.datetime(2026, 7, 10, 3, 0)  # 10:00 WIB


@pytest.fixture
def said(session):
    root = factories.unit("Pemerintah Kota Lhokseumawe", kind="pemda")
    disduk = factories.unit("Disdukcapil", parent=root)
    dinkes = factories.unit("Dinas Kesehatan", parent=root)
    loket = factories.counter(disduk, "Loket 1")
    siti = factories.employee(disduk, "Siti Rahmawati")
    budi = factories.employee(disduk, "Budi Santoso")
    factories.user("kepala", role="unit_head", unit_=disduk)
    factories.user("kadinkes", role="unit_head", unit_=dinkes)
    siti_user = factories.user("siti", role="employee", unit_=disduk)
    siti_user.employee = siti
    session.commit()
    at_loket = feedback.target_for(session, disduk, counter=loket)
    for n in range(25):
        factories.respond(
            at_loket,
            {"U1": 4, "U2": 4},
            at=JULY + dt.timedelta(minutes=n),
            comment=f"Pelayanan cepat nomor {n}",
        )
    factories.respond(
        feedback.target_for(session, disduk, card_employee=siti),
        {"U1": 1, "U6": 1, "U7": 2},
        at=JULY + dt.timedelta(hours=2),
        comment="Antrean 100% terlalu panjang",
    )
    factories.respond(
        feedback.target_for(session, disduk, card_employee=budi),
        {"U1": 3},
        at=JULY + dt.timedelta(hours=3),
        comment="Petugas ramah sekali",
    )
    factories.respond(at_loket, {"U1": 4}, at=JULY, comment=None)
    return {"disduk": disduk, "dinkes": dinkes, "siti": siti, "budi": budi}


def _texts(html: str) -> list[str]:
    return re.findall(r"<blockquote>(.*?)</blockquote>", html)


def test_a_unit_head_reads_comments_newest_first_in_local_time_page_by_page(client, said):
    login(client, "kepala", factories.PASSWORD)
    first = client.get("/dasbor/komentar?periode=2026-07").get_data(as_text=True)
    assert _texts(first)[:2] == ["Petugas ramah sekali", "Antrean 100% terlalu panjang"]
    assert len(_texts(first)) == 20 and "hal=2" in first
    assert "10 Jul 2026, 13:00" in first  # 06:00 UTC is 13:00 WIB
    assert "U6: 1" in first and "Nilai responden 33,33" in first
    second = client.get("/dasbor/komentar?periode=2026-07&hal=2").get_data(as_text=True)
    assert len(_texts(second)) == 7 and "Pelayanan cepat nomor 0" in second


def test_comments_are_searched_and_filtered(client, said):
    login(client, "kepala", factories.PASSWORD)

    def texts(query):
        return _texts(
            client.get(f"/dasbor/komentar?periode=2026-07&{query}").get_data(as_text=True)
        )

    assert texts("q=ANTREAN 100%") == ["Antrean 100% terlalu panjang"]
    assert texts("q=%25") == ["Antrean 100% terlalu panjang"]  # a literal %, not a wildcard
    assert texts(f"pegawai={said['budi'].id}") == ["Petugas ramah sekali"]
    assert texts("maks=50") == ["Antrean 100% terlalu panjang"]
    assert texts("min=70&maks=80") == ["Petugas ramah sekali"]
    assert len(texts("loket=abc&min=x&hal=-3")) == 20  # nonsense filters are ignored
    # A date range replaces the period: 10 July only, then a day with nothing said.
    assert len(texts("dari=2026-07-10&sampai=2026-07-10")) == 20
    assert texts("dari=2026-07-11&sampai=2026-07-31") == []


def test_comments_stay_inside_what_the_reader_may_see(client, app, said):
    login(client, "siti", factories.PASSWORD)
    own = _texts(client.get("/dasbor/komentar?periode=2026-07").get_data(as_text=True))
    assert own == ["Antrean 100% terlalu panjang"]
    other = app.test_client()
    login(other, "kadinkes", factories.PASSWORD)
    assert other.get("/dasbor/komentar?periode=2026-07").status_code == 200
    assert other.get(f"/dasbor/komentar?unit={said['disduk'].id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/dasbor/komentar").status_code == 302

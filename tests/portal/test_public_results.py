"""Anyone can open a unit's published results: numbers, no names, small groups hidden."""

import datetime as dt
import re

import pytest

from portal.services import feedback
from tests import factories

JULY = dt.datetime(2026, 7, 10, 3, 0)


@pytest.fixture
def published(session):
    root = factories.unit("Pemerintah Kota Pangkalpinang", kind="pemda")
    unit = factories.unit("Disdukcapil", parent=root)
    loket = factories.counter(unit, "Loket 1")
    siti = factories.employee(unit, "Siti Rahmawati")
    session.commit()
    target = feedback.target_for(session, unit, counter=loket)
    for n in range(12):
        factories.respond(
            target,
            {"U1": 4, "U2": 3},
            at=JULY,
            sex="P" if n < 9 else "L",
            education="SMA" if n < 6 else ("S1" if n < 10 else None),
        )
    factories.respond(feedback.target_for(session, unit, card_employee=siti), {"U1": 1}, at=JULY)
    return {"root": root, "unit": unit}


def _row(page: str, label: str) -> str:
    match = re.search(rf"<tr><td>{re.escape(label)}</td><td class=\"num\">(.*?)</td>", page)
    assert match, label
    return match[1]


def test_the_results_page_needs_no_login_and_names_no_employee(client, published):
    page = client.get(f"/hasil/{published['unit'].id}?periode=2026-07").get_data(as_text=True)
    assert "13 responden" in page and "U1 Persyaratan" in page
    assert "Siti Rahmawati" not in page and "Loket 1" not in page
    # 9 women, 3 men, 1 not stated: the counts below 5 are not printed.
    assert _row(page, "Perempuan") == "9" and _row(page, "Laki-laki") == "&lt; 5"
    assert _row(page, "tidak diisi") == "&lt; 5"
    assert _row(page, "SMA") == "6" and _row(page, "S1") == "&lt; 5"
    root = client.get(f"/hasil/{published['root'].id}?periode=2026-07").get_data(as_text=True)
    assert "Disdukcapil" in root and "13 responden" in root


@pytest.mark.parametrize(
    "url", ["/hasil/99999", "/hasil/1?periode=2026-13", "/hasil/999999999999999"]
)
def test_unknown_units_and_periods_are_404(client, published, url):
    assert client.get(url).status_code == 404


def test_an_empty_period_says_so(client, published):
    page = client.get(f"/hasil/{published['unit'].id}?periode=2025").get_data(as_text=True)
    assert "Belum ada tanggapan pada periode ini." in page

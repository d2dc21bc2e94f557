"""The SKM report, the number served behind it, and the pages of one employee or loket."""

import datetime as dt
import shutil
import subprocess

import pytest

from portal import pdf
from portal.models import FollowUpAction
from portal.services import feedback, population, reports
from portal.services.viewer import Viewer
from surveys import periods
from surveys.policy import ReportPolicy
from tests import factories
from tests.conftest import hidden_fields, login
from tests.portal.test_dashboard import row

JULY = dt.datetime(2026, 7, 10, 3, 0)
ALL3 = {f"U{n}": 3 for n in range(1, 10)}


@pytest.fixture
def unit_with_results(session):
    root = factories.unit("Pemerintah Kota Lhokseumawe", kind="pemda")
    opd = factories.unit("Disdukcapil", parent=root)
    other = factories.unit("Dinas Kesehatan", parent=root)
    loket = factories.counter(opd, "Loket 1 — KTP-el")
    foreign = factories.counter(other, "Loket Pendaftaran")
    dewi = factories.employee(opd, "Dewi Lestari")
    budi = factories.employee(other, "Budi Santoso")
    factories.user("kepala", role="unit_head", unit_=opd)
    factories.user("bupati", role="leadership")
    session.add(
        FollowUpAction(
            unit_id=opd.id,
            period="2026-07",
            unsur="U9",
            action="Buka kanal pengaduan WhatsApp",
            owner="Kasubag Umum",
            due=dt.date(2026, 9, 30),
            created_by="kepala",
        )
    )
    session.commit()
    target = feedback.target_for(session, opd, counter=loket)
    for n in range(8):
        comment = "Antrean terlalu panjang" if n == 0 else ("Ramah sekali" if n == 1 else None)
        answers = {**ALL3, "U9": 1} if n == 0 else ALL3
        factories.respond(target, answers, at=JULY, comment=comment, sex="P", commit=False)
    for _ in range(2):
        factories.respond(
            feedback.target_for(session, opd, card_employee=dewi), ALL3, at=JULY, commit=False
        )
    factories.respond(feedback.target_for(session, other, counter=foreign), ALL3, at=JULY)
    session.commit()
    return {
        "opd": opd,
        "other": other,
        "loket": loket,
        "foreign": foreign,
        "dewi": dewi,
        "budi": budi,
    }


def test_the_report_follows_the_regulations_order_with_the_dashboards_numbers(
    client, session, unit_with_results
):
    opd = unit_with_results["opd"]
    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/laporan?periode=2026-07").get_data(as_text=True)
    sections = [
        "1. Metode dan sampel",
        "2. Hasil: nilai per unsur",
        "3. Tren 12 bulan",
        "4. Profil responden",
        "5. Unsur terlemah dan terkuat",
        "6. Rencana tindak lanjut",
        "7. Ringkasan komentar warga",
    ]
    positions = [html.index(title) for title in sections]
    assert positions == sorted(positions)
    expected = reports.score_for(
        session,
        Viewer.system(ReportPolicy()),
        reports.Scope("unit", opd.id),
        periods.parse("2026-07"),
    )
    # The same service, the same number: 10 respondents, U9 weakest.
    assert row(html, "Responden")[1] == "10"
    assert f"{expected.score.converted}".replace(".", ",") in html
    assert row(html, "U9 Penanganan")[:3] == [
        "U9 Penanganan pengaduan, saran dan masukan",
        "10",
        "2,80",
    ]
    assert "Buka kanal pengaduan WhatsApp" in html
    assert "2 komentar pada periode ini." in html
    # Quoted apart: the dissatisfied respondents' comments (U9 = 1 gives 72.22: not
    # dissatisfied; nobody here is), then the newest.
    assert "Terbaru dari responden yang tidak puas" not in html
    assert html.index("Komentar terbaru") < html.index("Antrean terlalu panjang")
    assert "Populasi (warga dilayani)" in html and "belum diisi unit" in html
    assert "Dinas Kesehatan" not in html  # a neighbour's numbers are not in this report
    assert 'media="print"' in html  # the print stylesheet


def test_the_report_pdf_holds_the_same_content(client, unit_with_results):
    login(client, "kepala", factories.PASSWORD)
    response = client.get("/dasbor/laporan.pdf?periode=2026-07")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="skm-disdukcapil-2026-07-laporan.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    for expected in (
        "Laporan Survei Kepuasan Masyarakat",
        "Disdukcapil",
        "Metode dan sampel",
        "Buka kanal pengaduan WhatsApp",
        "Antrean terlalu panjang",
    ):
        assert expected in text


def test_without_weasyprint_the_pdf_is_refused_with_a_way_to_print(
    client, unit_with_results, monkeypatch
):
    def missing():
        raise pdf.PdfUnavailable("no pango")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    login(client, "kepala", factories.PASSWORD)
    response = client.get("/dasbor/laporan.pdf?periode=2026-07")
    assert response.status_code == 503
    assert "menu Cetak" in response.get_data(as_text=True)


def test_a_pdf_never_fetches_what_a_comment_points_at(app):
    # A citizen's text is escaped by the template; even markup given to the renderer
    # directly may not make the server open a file or a URL.
    body = pdf.render(
        '<p>x</p><img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    )
    assert body.startswith(b"%PDF-")


def test_the_unit_head_enters_the_number_served_and_the_sample_is_judged(
    client, session, unit_with_results
):
    opd = unit_with_results["opd"]
    login(client, "kepala", factories.PASSWORD)
    page = client.get("/dasbor/?periode=2026-07").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    form = {"csrf_token": token, "unit": opd.id, "periode": "2026-07"}
    refused = client.post(
        "/dasbor/populasi", data={**form, "population": "-5"}, follow_redirects=True
    )
    assert "bilangan bulat 1 sampai 10.000.000" in refused.get_data(as_text=True)
    saved = client.post(
        "/dasbor/populasi", data={**form, "population": "12"}, follow_redirects=True
    )
    html = saved.get_data(as_text=True)
    # Krejcie-Morgan for N = 12 asks for all 12; 10 respondents fall short.
    assert "Sampel: 10 dari 12 responden yang diperlukan untuk 12 warga dilayani" in html
    assert "belum memadai" in html
    client.post("/dasbor/populasi", data={**form, "population": "10"})
    report = client.get("/dasbor/laporan?periode=2026-07").get_data(as_text=True)
    assert row(report, "Kecukupan sampel")[1] == "memadai"
    # Entering again replaces the number; other periods have none.
    viewer = Viewer.system(ReportPolicy())
    assert population.served(session, viewer, opd.id, periods.parse("2026-07")) == 10
    assert population.served(session, viewer, opd.id, periods.parse("2026-Q3")) is None
    # With N known the interval narrows (finite-population correction).
    narrowed = population.unit_report(session, viewer, opd.id, periods.parse("2026-07"))
    wide = reports.score_for(
        session, viewer, reports.Scope("unit", opd.id), periods.parse("2026-07")
    )
    assert narrowed.score.interval[1] - narrowed.score.interval[0] < (
        wide.score.interval[1] - wide.score.interval[0]
    )


def test_only_the_units_own_head_or_an_admin_enters_the_number_served(client, unit_with_results):
    login(client, "bupati", factories.PASSWORD)
    token = hidden_fields(client.get("/dasbor/tindak-lanjut").get_data(as_text=True)).get(
        "csrf_token", ""
    )
    answer = client.post(
        "/dasbor/populasi",
        data={
            "csrf_token": token,
            "unit": unit_with_results["opd"].id,
            "periode": "2026-07",
            "population": "9",
        },
    )
    assert answer.status_code == 404
    client = client.application.test_client()
    login(client, "kepala", factories.PASSWORD)
    token = hidden_fields(client.get("/dasbor/").get_data(as_text=True))["csrf_token"]
    answer = client.post(
        "/dasbor/populasi",
        data={
            "csrf_token": token,
            "unit": unit_with_results["other"].id,
            "periode": "2026-07",
            "population": "9",
        },
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("app_config", [{"REPORT_POLICY": ReportPolicy(minimum_for_person=2)}])
def test_a_unit_head_opens_an_employee_and_a_loket_of_their_own_only(
    client, unit_with_results, app_config
):
    login(client, "kepala", factories.PASSWORD)
    dashboard = client.get("/dasbor/?periode=2026-07").get_data(as_text=True)
    dewi = unit_with_results["dewi"]
    assert f'href="/dasbor/pegawai/{dewi.id}?periode=2026-07"' in dashboard
    page = client.get(f"/dasbor/pegawai/{dewi.id}?periode=2026-07").get_data(as_text=True)
    assert "Umpan balik untuk Dewi Lestari" in page and dewi.nip in page
    assert row(page, "Jul 2026")[:3] == ["Jul 2026", "2", "75,00 (C)"]
    assert "Sembilan unsur" in page
    assert f"pegawai={dewi.id}" in page  # her comments, one click away
    loket = client.get(f"/dasbor/loket/{unit_with_results['loket'].id}?periode=2026-07")
    assert "Loket 1 — KTP-el" in loket.get_data(as_text=True)
    for url in (
        f"/dasbor/pegawai/{unit_with_results['budi'].id}",
        f"/dasbor/loket/{unit_with_results['foreign'].id}",
        "/dasbor/pegawai/99999999999",
    ):
        assert client.get(url).status_code == 404, url


def test_the_report_quotes_dissatisfied_respondents_apart(client, session, unit_with_results):
    opd, loket = unit_with_results["opd"], unit_with_results["loket"]
    target = feedback.target_for(session, opd, counter=loket)
    factories.respond(
        target, {f"U{n}": 1 for n in range(1, 10)}, at=JULY, comment="Petugas tidak ada di loket"
    )
    login(client, "kepala", factories.PASSWORD)
    html = client.get("/dasbor/laporan?periode=2026-07").get_data(as_text=True)
    heading = html.index("Terbaru dari responden yang tidak puas")
    assert heading < html.index("Petugas tidak ada di loket") < html.index("Komentar terbaru")

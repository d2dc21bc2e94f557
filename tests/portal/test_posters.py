"""Print-ready QR posters: each decodes to its counter's survey link, from a page or the CLI."""

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from portal import links
from portal.models import AuditEvent
from tests import factories
from tests.conftest import login


@pytest.fixture
def counters(session):
    root = factories.unit("Pemerintah Kabupaten Lampung Selatan", kind="pemda")
    opd = factories.unit("Dinas Kependudukan dan Pencatatan Sipil", kind="opd", parent=root)
    ktp = factories.unit("Pelayanan KTP-el", parent=opd)
    first = factories.counter(ktp, "Loket 1 — KTP-el")
    second = factories.counter(opd, "Loket Informasi")
    closed = factories.counter(ktp, "Loket Lama")
    closed.active = False
    factories.user("admin")
    session.commit()
    return {"opd": opd, "ktp": ktp, "first": first, "second": second}


def _pages(pdf: bytes, tmp_path, resolution=100) -> list:
    """Render every page to PNG with pdftoppm; return the PNG paths."""
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        pytest.skip("poppler-utils and zbar-tools are needed (.ci/run installs them)")
    source = tmp_path / "posters.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), str(source), str(tmp_path / "p")], check=True
    )
    return sorted(tmp_path.glob("p-*.png"))


def _decoded(png) -> str:
    found = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    return found.stdout.strip()


def _not_blank(png) -> bool:
    from PIL import Image

    image = Image.open(png).convert("L")
    return sum(image.histogram()[:128]) > 0.05 * image.width * image.height


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_a_counters_poster_decodes_to_its_survey_link(client, app, counters, tmp_path, size):
    login(client, "admin", factories.PASSWORD)
    response = client.get(f"/admin/loket/{counters['first'].id}/poster-{size}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="poster-pelayanan-ktp-el-loket-1-ktp-el-{size}.pdf"'
    )
    [page] = _pages(response.data, tmp_path)
    assert _not_blank(page)
    with app.test_request_context():
        assert _decoded(page) == links.counter_survey_url(counters["first"])
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True).stdout
    text = " ".join(text.decode().split())
    for words in (
        "PEMERINTAH KABUPATEN LAMPUNG SELATAN",
        "Bagaimana pelayanan kami?",
        "Pindai kode ini untuk memberi penilaian",
        "Loket 1 — KTP-el",
    ):
        assert words in text


def test_a_units_posters_hold_every_active_counter_below_it(
    client, app, counters, tmp_path, session
):
    login(client, "admin", factories.PASSWORD)
    response = client.get(f"/admin/unit/{counters['opd'].id}/poster-a6.pdf")
    pages = _pages(response.data, tmp_path, resolution=150)
    with app.test_request_context():
        expected = {links.counter_survey_url(counters[k]) for k in ("first", "second")}
    assert {_decoded(p) for p in pages} == expected  # the deactivated one is left out
    printed = session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "counter.print_poster")
    )
    assert printed == 2


def test_the_cli_writes_posters_and_warns_when_the_links_cannot_work(
    runner, app, counters, tmp_path
):
    out = tmp_path / "semua.pdf"
    app.config["PUBLIC_BASE_URL"] = None
    result = runner.invoke(args=["counters", "posters", "--out", str(out), "--size", "a4"])
    assert result.exit_code == 0, result.output
    assert "WARNING: PUBLIC_BASE_URL is not set" in result.output
    assert "Wrote 2 A4 posters" in result.output
    app.config["PUBLIC_BASE_URL"] = "http://0.0.0.0:5000"
    assert (
        "listening address" in runner.invoke(args=["counters", "qr", "--out", str(tmp_path)]).output
    )
    app.config["PUBLIC_BASE_URL"] = "https://skm.lampungselatankab.go.id"
    result = runner.invoke(
        args=["counters", "posters", "--unit", str(counters["ktp"].id), "--out", str(out)]
    )
    assert "WARNING" not in result.output and "Wrote 1 A4 posters" in result.output
    [page] = _pages(out.read_bytes(), tmp_path)
    assert _decoded(page).startswith("https://skm.lampungselatankab.go.id/s/")


def test_admin_pages_warn_when_printed_codes_would_point_at_this_machine(client, app, counters):
    login(client, "admin", factories.PASSWORD)
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    assert "hanya berlaku di komputer server ini" in client.get("/admin/").get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "https://skm.lampungselatankab.go.id"
    assert "tidak akan bisa dibuka" not in client.get("/admin/").get_data(as_text=True)


def test_a_personal_card_credits_its_employee_and_can_be_withdrawn(
    client, app, counters, tmp_path, session
):
    person = factories.employee(counters["ktp"], "Dewi Lestari, S.Sos.")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    card = client.get(f"/admin/pegawai/{person.id}/kartu-a6.pdf")
    assert card.headers["Content-Disposition"].endswith('-dewi-lestari-s-sos-a6.pdf"')
    [page] = _pages(card.data, tmp_path)
    url = _decoded(page)
    with app.test_request_context():
        assert url == links.card_survey_url(person)
    assert "Dewi Lestari" in client.get(url).get_data(as_text=True)
    from tests.conftest import hidden_fields

    token = hidden_fields(client.get(f"/admin/pegawai/{person.id}").get_data(as_text=True))[
        "csrf_token"
    ]
    client.post(
        f"/admin/pegawai/{person.id}/tarik-kartu", data={"csrf_token": token, "confirm": "yes"}
    )
    assert client.get(url).status_code == 410
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["employee.print_card", "employee.revoke_card"]


def test_counters_are_created_from_the_command_line(runner, counters, session):
    result = runner.invoke(
        args=["counters", "create", "--unit", str(counters["ktp"].id), "Loket 7", "Loket 8"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("created:") == 2
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["counter.create", "counter.create"]
    refused = runner.invoke(args=["counters", "create", "--unit", "999999", "Loket 9"])
    assert refused.exit_code != 0 and "No unit" in refused.output

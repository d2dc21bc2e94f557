"""QR posters for administrators: per counter at a URL, in bulk from the CLI, revocable."""

import io

import pytest
import zxingcpp
from PIL import Image

from portal import links
from tests import factories
from tests.conftest import login


@pytest.fixture
def loket(session):
    counter = factories.counter(factories.unit("Pelayanan Pencatatan Sipil"), "Loket 3 — Akta")
    factories.user("admin")
    factories.user("kepala", role="unit_head", unit_=counter.unit)
    session.commit()
    return counter


def _decode_png(data: bytes) -> str:
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    return result.text


def test_the_admin_downloads_a_png_and_an_svg_that_hold_the_survey_url(client, app, loket):
    login(client, "admin", factories.PASSWORD)
    png = client.get(f"/admin/loket/{loket.id}/qr.png")
    svg = client.get(f"/admin/loket/{loket.id}/qr.svg")
    assert png.status_code == svg.status_code == 200
    assert png.mimetype == "image/png" and svg.mimetype == "image/svg+xml"
    with app.test_request_context():
        expected = links.counter_survey_url(loket)
    assert expected.startswith("http://survey.test/s/")
    assert _decode_png(png.data) == expected
    assert b"<svg" in svg.data and b"<path" in svg.data


def test_the_counter_list_shows_each_survey_link(client, app, loket):
    login(client, "admin", factories.PASSWORD)
    page = client.get("/admin/").get_data(as_text=True)
    with app.test_request_context():
        assert links.counter_survey_url(loket) in page
    assert "Loket 3 — Akta" in page


def test_revoking_asks_first_then_withdraws_every_printed_poster(client, app, loket):
    from tests.conftest import hidden_fields

    with app.test_request_context():
        old_url = links.counter_survey_url(loket)
    login(client, "admin", factories.PASSWORD)
    client.get(f"/admin/loket/{loket.id}/qr.png")
    client.get(f"/admin/loket/{loket.id}/qr.svg")
    page = client.get(f"/admin/loket/{loket.id}/tarik-qr").get_data(as_text=True)
    # The confirmation says how many downloaded copies stop working.
    assert "sudah diunduh 2 kali" in page
    token = hidden_fields(page)["csrf_token"]
    unconfirmed = client.post(f"/admin/loket/{loket.id}/tarik-qr", data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and client.get(old_url).status_code == 200
    result = client.post(
        f"/admin/loket/{loket.id}/tarik-qr", data={"csrf_token": token, "confirm": "yes"}
    )
    assert result.status_code == 302
    assert client.get(old_url).status_code == 410
    new_png = client.get(f"/admin/loket/{loket.id}/qr.png").data
    new_url = _decode_png(new_png)
    assert new_url != old_url
    assert client.get(new_url).status_code == 200
    # Counting starts again after the rotation.
    assert "sudah diunduh 1 kali" in client.get(f"/admin/loket/{loket.id}/tarik-qr").get_data(
        as_text=True
    )


def test_revoking_needs_the_csrf_token(client, loket):
    login(client, "admin", factories.PASSWORD)
    assert client.post(f"/admin/loket/{loket.id}/tarik-qr").status_code == 400


def test_qr_codes_are_for_administrators_only(client, loket):
    assert client.get(f"/admin/loket/{loket.id}/qr.png").status_code == 302
    login(client, "kepala", factories.PASSWORD)
    assert client.get(f"/admin/loket/{loket.id}/qr.png").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_an_unknown_counter_is_a_404(client, loket):
    login(client, "admin", factories.PASSWORD)
    assert client.get("/admin/loket/9999/qr.png").status_code == 404


def test_the_cli_exports_every_counter_as_png_and_svg(runner, app, loket, tmp_path):
    second = factories.counter(loket.unit, "Loket 4")
    from portal.extensions import db

    db.session.commit()
    out = tmp_path / "posters"
    result = runner.invoke(args=["counters", "qr", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        f"loket-{loket.id:04d}.png",
        f"loket-{loket.id:04d}.svg",
        f"loket-{second.id:04d}.png",
        f"loket-{second.id:04d}.svg",
    ]
    with app.test_request_context():
        assert _decode_png(
            (out / f"loket-{loket.id:04d}.png").read_bytes()
        ) == links.counter_survey_url(loket)

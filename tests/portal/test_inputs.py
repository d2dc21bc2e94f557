"""What a request may carry (portal.inputs): form bodies only, no control characters in
text, ids an INTEGER column can hold, bodies within their limit. Never a 5xx."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal import inputs
from portal.models import Response, Unit
from tests import factories
from tests.conftest import ALL_FOURS, hidden_fields, login


@pytest.fixture
def loket(session):
    unit = factories.unit("Pelayanan KTP-el")
    counter = factories.counter(unit, "Loket 1")
    factories.user("admin")
    session.commit()
    return {"unit": unit, "survey": factories.survey_path(counter)}


def _responses(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Response))


def _admin(client) -> str:
    login(client, "admin", factories.PASSWORD)
    return hidden_fields(client.get("/admin/api-klien").get_data(as_text=True))["csrf_token"]


def test_clean_keeps_tab_and_line_breaks_and_drops_other_control_characters():
    assert inputs.clean("a\x00b\x07c\x1b[0m\x7f\td\r\ne") == "abc[0m\td\r\ne"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/xml"])
def test_a_form_route_refuses_any_other_body_with_a_translated_415(client, content_type):
    page = client.post("/masuk", data=b'{"username": "admin"}', content_type=content_type)
    assert page.status_code == 415
    assert "Jenis data tidak didukung" in page.get_data(as_text=True)
    client.get("/bahasa/en")
    page = client.post("/masuk", data=b"{}", content_type=content_type)
    assert page.status_code == 415 and "Unsupported" in page.get_data(as_text=True)


def test_multipart_is_for_the_routes_that_take_a_file(client, loket):
    token = _admin(client)
    page = client.post(
        f"/admin/unit/{loket['unit'].id}/loket",
        data={"csrf_token": token, "name": "Loket 2"},
        content_type="multipart/form-data",
    )
    assert page.status_code == 415
    upload = client.post(
        "/admin/pegawai/impor",
        data={"csrf_token": token, "file": (io.BytesIO(b"nip,nama,unit\n"), "p.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code < 415


def test_a_post_without_any_body_is_not_refused_for_its_type(client):
    assert client.post("/keluar").status_code != 415


def test_the_survey_takes_what_survey_js_sends_and_answers_json(client, session, loket):
    fields = hidden_fields(client.get(loket["survey"]).get_data(as_text=True))
    refused = client.post(
        loket["survey"], json={**fields, **ALL_FOURS}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 415 and _responses(session) == 0
    stored = client.post(
        loket["survey"],
        data={**fields, **ALL_FOURS},
        content_type="application/x-www-form-urlencoded",
        headers={"Accept": "application/json"},
    )
    assert stored.status_code == 200 and stored.get_json()["receipt"]
    assert _responses(session) == 1


def test_a_nul_in_a_comment_never_reaches_the_database(citizen, session, loket):
    page = citizen.submit(loket["survey"], comment="Antre\x00 lama\x1b, petugas\tramah\r\n")
    assert page.status_code == 303
    assert session.scalars(sa.select(Response.comment)).all() == ["Antre lama, petugas\tramah"]


def test_a_nul_in_a_login_name_is_a_failed_login_not_an_error(client, loket):
    page = client.get("/masuk")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    refused = client.post(
        "/masuk", data={"username": "adm\x00in'--", "password": "x\x00", "csrf_token": token}
    )
    assert refused.status_code in (200, 400, 401)
    assert login(client, "ad\x00min", factories.PASSWORD).status_code == 302


def test_control_characters_in_an_admin_form_are_dropped(client, session, loket):
    token = _admin(client)
    client.post(
        "/admin/unit/baru",
        data={
            "csrf_token": token,
            "name": "Dinas\x00 Sosial\x07",
            "kind": "pemda",
            "timezone": "Asia/Jakarta\x00",
        },
    )
    names = session.scalars(sa.select(Unit.name)).all()
    assert "Dinas Sosial" in names and not any("\x00" in name for name in names)


@pytest.mark.parametrize(
    "path",
    [
        "/hasil/99999999999999999999",
        "/hasil/2147483648",
        "/hasil/" + "9" * 5000,
        "/admin/unit/99999999999999999999",
        "/admin/pegawai/2147483648/kartu-a4.pdf",
        "/dasbor/loket/99999999999999999999",
        "/admin/periode/2026-07%00/bukti.csv",
        "/s/%00",
    ],
)
def test_an_id_beyond_any_integer_column_is_a_404(client, loket, path):
    _admin(client)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "/admin/pegawai?unit=2147483648&hal=99999999999999999999",
        "/admin/pengguna?hal=-99999999999999999999&q=%00",
        "/admin/unit?hal=" + "9" * 5000,
        "/admin/audit?hal=99999999999999999999&oleh=%00",
        "/dasbor/?unit=99999999999999999999&periode=%00",
        "/dasbor/komentar?unit=2147483648&q=a%00b&hal=99999999999999999999&min=nan",
        "/admin/api-klien?q=%00",
    ],
)
def test_hostile_query_arguments_are_ignored_or_refused_never_a_5xx(client, loket, query):
    _admin(client)
    assert client.get(query).status_code in (200, 400, 404)


def test_whole_takes_what_an_integer_column_can_compare_with():
    assert inputs.whole(" 42 ") == 42 and inputs.whole("-7") == -7
    for bad in ("2147483648", "99999999999999999999", "9" * 5000, "1e3", ""):
        with pytest.raises(ValueError):
            inputs.whole(bad)


def test_an_upload_may_be_larger_than_a_form_but_not_than_ten_megabytes(client, loket):
    token = _admin(client)
    rows = "".join(
        f"19870315201001200{n % 10},Pegawai {n},{loket['unit'].id}\n" for n in range(4000)
    )
    body = ("nip,nama,unit\n" + rows).encode()
    assert len(body) > 64 * 1024
    checked = client.post(
        "/admin/pegawai/impor",
        data={"csrf_token": token, "file": (io.BytesIO(body), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert checked.status_code == 200
    huge = client.post(
        f"/admin/unit/{loket['unit'].id}/jadwal/impor",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * (11 * 1024 * 1024)), "j.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert huge.status_code == 200
    assert "Berkas lebih dari 10 MB" in huge.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/employees/1987%00/score?period=2026-07",
        "/api/v1/scores?period=2026-07%00&unit=99999999999999999999",
        "/api/v1/scores?period=2026-07&cursor=%00%01",
        "/api/v1/units/99999999999999999999/score?period=2026",
        "/api/v1/periods?x=%00",
    ],
)
def test_the_api_answers_hostile_input_with_a_problem_never_a_5xx(client, session, path):
    from portal.services import api_clients

    _, key = api_clients.create(session, "SIMPEG", by="admin")
    session.commit()
    answer = client.get(path, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code in (200, 400, 404)
    if answer.status_code != 200:
        assert answer.mimetype == "application/problem+json"


def test_the_api_takes_no_body_and_says_so_in_problem_json(client):
    answer = client.post("/api/v1/periods", json={"a": 1})
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json"

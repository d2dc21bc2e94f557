"""Every route, as every role and as an anonymous visitor: who gets in, and no 5xx.

The table below must name every rule the app has (a new route fails the first test
until it is given its expectation here). Ids point at records of *another* unit where
that matters, so a unit head editing an id in a URL must get 404.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portal.models import FollowUpAction, Response, RosterPattern
from portal.services import api_clients, feedback
from surveys.integrity import Flag
from tests import factories
from tests.conftest import login

ROLES = ("anonymous", "admin", "leadership", "unit_head", "employee")
IN, OUT, LOGIN, NOT_FOUND, ANY = "in", "out", "login", "404", "any"
STAFF_ONLY = {"anonymous": LOGIN}


def _expect(admin, leadership, unit_head, employee, anonymous=LOGIN):
    return {
        "anonymous": anonymous,
        "admin": admin,
        "leadership": leadership,
        "unit_head": unit_head,
        "employee": employee,
    }


ADMIN_ONLY = _expect(IN, OUT, OUT, OUT)
PUBLIC = _expect(IN, IN, IN, IN, anonymous=IN)

# rule -> (method, url template, expectation per role)
ROUTES = {
    # First: an admin's walk withdraws this counter's QR links further down.
    "/s/<token>": ("GET", "{survey}", PUBLIC),
    "/s/<token>/terima-kasih": ("GET", "{survey}/terima-kasih?kode=ABCD-1234", PUBLIC),
    "/": ("GET", "/", PUBLIC),
    "/admin/": ("GET", "/admin/", ADMIN_ONLY),
    "/akun/kata-sandi": ("GET", "/akun/kata-sandi", _expect(IN, IN, IN, IN)),
    "/admin/api-klien": ("GET", "/admin/api-klien", ADMIN_ONLY),
    "/admin/api-klien/<int:client_id>": ("GET", "/admin/api-klien/{client}", ADMIN_ONLY),
    "/admin/api-klien/<int:client_id>/cabut": (
        "POST",
        "/admin/api-klien/{client}/cabut",
        ADMIN_ONLY,
    ),
    "/admin/audit": ("GET", "/admin/audit?tindakan=x&dari=2026-13-01&hal=-1", ADMIN_ONLY),
    "/admin/audit.csv": ("GET", "/admin/audit.csv", ADMIN_ONLY),
    "/admin/log-masuk": ("GET", "/admin/log-masuk?akun=x&hasil=y&hal=-1", ADMIN_ONLY),
    "/admin/pegawai": ("GET", "/admin/pegawai?q=19870&unit=x", ADMIN_ONLY),
    "/admin/pegawai/baru": ("GET", "/admin/pegawai/baru", ADMIN_ONLY),
    "/admin/pegawai/<int:employee_id>": ("GET", "/admin/pegawai/{other_employee}", ADMIN_ONLY),
    "/admin/pegawai/<int:employee_id>/status": (
        "POST",
        "/admin/pegawai/{other_employee}/status",
        ADMIN_ONLY,
    ),
    "/admin/pegawai/impor": ("GET", "/admin/pegawai/impor", ADMIN_ONLY),
    "/admin/pegawai/<int:employee_id>/kartu-<any(a4, a6):size>.pdf": (
        "GET",
        "/admin/pegawai/{other_employee}/kartu-a6.pdf",
        ADMIN_ONLY,
    ),
    "/admin/pegawai/<int:employee_id>/tarik-kartu": (
        "POST",
        "/admin/pegawai/{other_employee}/tarik-kartu",
        ADMIN_ONLY,
    ),
    "/admin/pegawai/impor/<token>": (
        "POST",
        "/admin/pegawai/impor/0123456789abcdef0123456789abcdef",
        ADMIN_ONLY,
    ),
    "/admin/pengguna": ("GET", "/admin/pengguna?q=kep&hal=x", ADMIN_ONLY),
    "/admin/pengguna/baru": ("GET", "/admin/pengguna/baru", ADMIN_ONLY),
    "/admin/pengguna/<int:user_id>/reset": ("POST", "/admin/pengguna/{user}/reset", ADMIN_ONLY),
    "/admin/pengguna/<int:user_id>/status": ("POST", "/admin/pengguna/{user}/status", ADMIN_ONLY),
    "/admin/unit": ("GET", "/admin/unit?q=dinas&hal=-4", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/jadwal": ("GET", "/admin/unit/{other}/jadwal?minggu=x", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/jadwal/shift": (
        "POST",
        "/admin/unit/{other}/jadwal/shift",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/jadwal/pola": (
        "POST",
        "/admin/unit/{other}/jadwal/pola",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/jadwal/terbitkan": (
        "POST",
        "/admin/unit/{other}/jadwal/terbitkan?minggu=2026-07-06",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/jadwal/absen": (
        "POST",
        "/admin/unit/{other}/jadwal/absen",
        ADMIN_ONLY,
    ),
    "/admin/jadwal/shift/<int:shift_id>/hapus": (
        "POST",
        "/admin/jadwal/shift/{shift}/hapus",
        ADMIN_ONLY,
    ),
    "/admin/jadwal/pola/<int:pattern_id>/hapus": (
        "POST",
        "/admin/jadwal/pola/{pattern}/hapus",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/bertugas": ("GET", "/admin/unit/{other}/bertugas", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/jadwal/impor": (
        "POST",
        "/admin/unit/{other}/jadwal/impor",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/jadwal/impor/<token>": (
        "POST",
        "/admin/unit/{other}/jadwal/impor/0123456789abcdef0123456789abcdef",
        ADMIN_ONLY,
    ),
    "/admin/unit/baru": ("GET", "/admin/unit/baru?induk=x", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>": ("GET", "/admin/unit/{other}", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/status": ("POST", "/admin/unit/{other}/status", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/loket": ("POST", "/admin/unit/{other}/loket", ADMIN_ONLY),
    "/admin/unit/<int:unit_id>/layanan": ("POST", "/admin/unit/{other}/layanan", ADMIN_ONLY),
    "/admin/layanan/<int:service_type_id>/status": (
        "POST",
        "/admin/layanan/{service}/status",
        ADMIN_ONLY,
    ),
    "/admin/loket/<int:counter_id>/nama": ("POST", "/admin/loket/{counter}/nama", ADMIN_ONLY),
    "/admin/loket/<int:counter_id>/status": ("POST", "/admin/loket/{counter}/status", ADMIN_ONLY),
    "/admin/loket/<int:counter_id>/poster-<any(a4, a6):size>.pdf": (
        "GET",
        "/admin/loket/{counter}/poster-a6.pdf",
        ADMIN_ONLY,
    ),
    "/admin/unit/<int:unit_id>/poster-<any(a4, a6):size>.pdf": (
        "GET",
        "/admin/unit/{other}/poster-a4.pdf",
        ADMIN_ONLY,
    ),
    "/admin/loket/<int:counter_id>/qr.<any(png, svg):fmt>": (
        "GET",
        "/admin/loket/{counter}/qr.png",
        ADMIN_ONLY,
    ),
    "/admin/loket/<int:counter_id>/tarik-qr": (
        "POST",
        "/admin/loket/{counter}/tarik-qr",
        ADMIN_ONLY,
    ),
    "/admin/periode": ("GET", "/admin/periode", ADMIN_ONLY),
    "/admin/periode/<code>/buka-kembali": (
        "POST",
        "/admin/periode/2026-07/buka-kembali",
        ADMIN_ONLY,
    ),
    "/admin/periode/<code>/bukti.<any(csv, xlsx):fmt>": (
        "GET",
        "/admin/periode/2026-07/bukti.csv",
        ADMIN_ONLY,
    ),
    "/admin/periode/<code>/tutup": ("POST", "/admin/periode/2026-07/tutup", ADMIN_ONLY),
    # The API takes keys, not sessions: every role without a key is 401.
    "/api/v1/employees/<string:nip>/score": (
        "GET",
        "/api/v1/employees/{nip}/score?period=2026-07",
        _expect(OUT, OUT, OUT, OUT, anonymous=OUT),
    ),
    "/api/v1/openapi.json": ("GET", "/api/v1/openapi.json", PUBLIC),
    "/api/v1/periods": ("GET", "/api/v1/periods", _expect(OUT, OUT, OUT, OUT, anonymous=OUT)),
    "/api/v1/scores": (
        "GET",
        "/api/v1/scores?period=2026",
        _expect(OUT, OUT, OUT, OUT, anonymous=OUT),
    ),
    "/api/v1/units/<int:unit_id>/score": (
        "GET",
        "/api/v1/units/{other}/score?period=2026",
        _expect(OUT, OUT, OUT, OUT, anonymous=OUT),
    ),
    "/bahasa/<code>": ("GET", "/bahasa/en", PUBLIC),
    # The other unit: readers of the whole tree see it, its neighbour's head gets 404.
    "/dasbor/": ("GET", "/dasbor/?unit={other}", _expect(IN, IN, NOT_FOUND, IN)),
    "/dasbor/ekspor/<any(skor, responden):what>.<any(csv, xlsx):fmt>": (
        "GET",
        "/dasbor/ekspor/skor.csv?unit={other}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/komentar": ("GET", "/dasbor/komentar?unit={other}", _expect(IN, IN, NOT_FOUND, IN)),
    "/dasbor/laporan": (
        "GET",
        "/dasbor/laporan?unit={other}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/laporan.pdf": (
        "GET",
        "/dasbor/laporan.pdf?unit={other}&periode=2026-07",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/integritas": (
        "GET",
        "/dasbor/integritas?unit={other}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/integritas/<uuid:response_id>": (
        "POST",
        "/dasbor/integritas/{flagged}",
        _expect(IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/populasi": (
        "POST",
        "/dasbor/populasi?unit={other}",
        _expect(IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/loket/<int:counter_id>": (
        "GET",
        "/dasbor/loket/{counter}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/pegawai/<int:employee_id>": (
        "GET",
        "/dasbor/pegawai/{other_employee}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/saya": ("GET", "/dasbor/saya", _expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, IN)),
    "/dasbor/tindak-lanjut": (
        "GET",
        "/dasbor/tindak-lanjut?unit={other}",
        _expect(IN, IN, NOT_FOUND, NOT_FOUND),
    ),
    "/dasbor/tindak-lanjut/<int:action_id>/status": (
        "POST",
        "/dasbor/tindak-lanjut/{action}/status",
        _expect(IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    "/favicon.ico": ("GET", "/favicon.ico", PUBLIC),
    "/hasil/<int:unit_id>": ("GET", "/hasil/{other}", PUBLIC),
    "/healthz": ("GET", "/healthz", PUBLIC),
    "/keluar": ("POST", "/keluar", PUBLIC),
    "/masuk": ("GET", "/masuk", PUBLIC),
    "/privasi": ("GET", "/privasi", PUBLIC),
    "/readyz": ("GET", "/readyz", _expect(ANY, ANY, ANY, ANY, anonymous=ANY)),
    "/static/<path:filename>": ("GET", "/static/css/app.css", PUBLIC),
}
# Answers that count as "in" after following the app's own redirects to a page.
OK = {200, 301, 302, 303}


@pytest.fixture
def world(app, session):
    root = factories.unit("Pemerintah Kota Pangkalpinang", kind="pemda")
    mine = factories.unit("Disdukcapil", parent=root)
    other = factories.unit("Dinas Kesehatan", parent=root)
    counter = factories.counter(other, "Loket Pendaftaran")
    person = factories.employee(mine, "Siti Rahmawati")
    stranger = factories.employee(other, "Budi Santoso")
    service = factories.service_type(other, "Imunisasi")
    shift = factories.shift(stranger, counter, dt.date(2026, 7, 1), "08:00", "12:00")
    pattern = RosterPattern(
        counter=counter, employee=stranger, weekday=1, starts=dt.time(8), ends=dt.time(12)
    )
    session.add(pattern)
    factories.user("admin")
    factories.user("bupati", role="leadership")
    head = factories.user("kepala", role="unit_head", unit_=mine)
    employee_user = factories.user("siti", role="employee", unit_=mine)
    employee_user.employee = person
    client, _ = api_clients.create(session, "SIMPEG", by="admin")
    action = FollowUpAction(
        unit_id=other.id,
        period="2026-07",
        unsur="U9",
        action="Tambah kursi",
        owner="Kasubag",
        due=dt.date(2026, 8, 31),
        created_by="admin",
    )
    session.add(action)
    session.commit()
    receipt = factories.respond(
        feedback.target_for(session, other, counter=counter),
        {"U1": 4},
        at=dt.datetime(2026, 7, 10, 3, 0),
    )
    flagged = session.get(Response, receipt.response_id)
    flagged.flags = int(Flag.TOO_FAST)  # flagged, still counted: a reviewer may decide
    session.commit()
    return {
        "other": other.id,
        "counter": counter.id,
        "client": client.id,
        "nip": person.nip,
        "other_employee": stranger.id,
        "service": service.id,
        "user": head.id,
        "shift": shift.id,
        "pattern": pattern.id,
        "action": action.id,
        "survey": factories.survey_path(counter),
        "flagged": receipt.response_id,
    }


def test_the_table_names_every_route(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == set(ROUTES)


USERNAMES = {"admin": "admin", "leadership": "bupati", "unit_head": "kepala", "employee": "siti"}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_lets_in_exactly_who_it_should_and_never_fails(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, USERNAMES[role], factories.PASSWORD)
    token = _csrf(client)
    wrong, cached = [], []
    logged_in = role != "anonymous"
    for rule, (method, template, expected) in ROUTES.items():
        url = template.format(**world)
        if method == "POST":
            response = client.post(
                url,
                data={
                    "csrf_token": token,
                    "status": "done",
                    "confirm": "no",
                    "periode": "2026-07",
                    "population": "500",
                    "keputusan": "sahkan",
                },
            )
        else:
            response = client.get(url)
        status = response.status_code
        response.close()  # a static file is sent from an open file
        # Whatever a logged-in user is shown, no cache keeps (the API and files aside).
        logged_in = logged_in and rule != "/keluar"
        staff_page = not rule.startswith(("/static/", "/api/"))
        if logged_in and staff_page and response.headers.get("Cache-Control") != "no-store":
            cached.append(url)
        want = expected[role]
        assert status < 500, (role, url, status)
        if want == ANY:
            continue
        location = response.headers.get("Location", "")
        got = (
            LOGIN
            if status == 302 and "/masuk" in location
            else NOT_FOUND
            if status == 404
            else OUT
            if status in (401, 403)
            else IN
            if status in OK
            else str(status)
        )
        if got != want:
            wrong.append((rule, url, status, want))
    assert wrong == []
    assert cached == []


def _csrf(client) -> str:
    from tests.conftest import hidden_fields

    page = client.get("/masuk").get_data(as_text=True)
    fields = hidden_fields(page)
    if "csrf_token" in fields:
        return fields["csrf_token"]
    # Signed in already: /masuk redirects; any staff form carries the token.
    for url in ("/admin/api-klien", "/dasbor/tindak-lanjut", "/dasbor/saya"):
        fields = hidden_fields(client.get(url).get_data(as_text=True))
        if "csrf_token" in fields:
            return fields["csrf_token"]
    return ""

"""Staff login."""

import pytest

from tests import factories
from tests.conftest import login


@pytest.fixture
def staff(session):
    unit = factories.unit("Dinas Kependudukan dan Pencatatan Sipil")
    factories.user("admin")
    factories.user("kepala", role="unit_head", unit_=unit)
    session.commit()


def test_an_admin_lands_on_the_counter_list(client, staff):
    result = login(client, "admin", factories.PASSWORD)
    assert result.status_code == 302 and result.headers["Location"] == "/admin/"


def test_a_unit_head_lands_on_the_dashboard(client, staff):
    result = login(client, "Kepala ", factories.PASSWORD)
    assert result.headers["Location"] == "/dasbor/"
    page = client.get("/dasbor/")
    assert page.status_code == 200
    assert "Dinas Kependudukan dan Pencatatan Sipil" in page.get_data(as_text=True)


def test_a_wrong_password_is_refused_with_a_message(client, staff):
    result = login(client, "admin", "wrong")
    assert result.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in result.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_never_redirects_off_site(client, staff):
    from tests.conftest import hidden_fields

    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        # A login starts a new session, form token included: each round takes a fresh one.
        token = hidden_fields(client.get("/masuk").get_data(as_text=True))["csrf_token"]
        result = client.post(
            f"/masuk?next={target}",
            data={"username": "admin", "password": factories.PASSWORD, "csrf_token": token},
        )
        assert result.headers["Location"] == "/admin/"
        token = hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]
        assert client.post("/keluar", data={"csrf_token": token}).status_code == 302


def test_logout_ends_the_session(client, staff):
    login(client, "admin", factories.PASSWORD)
    from tests.conftest import hidden_fields

    token = hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302

"""Liveness and readiness for the load balancer and the process supervisor."""

import pytest

from portal.models import Role
from tests import factories
from tests.conftest import TEST_REDIS_URL, login


def test_liveness_needs_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_readiness_tells_an_anonymous_caller_nothing_about_the_stack(client, app_config):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_readiness_details_are_for_a_signed_in_administrator(app, client, session, app_config):
    factories.user("admin")
    factories.user("pimpinan", role=Role.LEADERSHIP)
    session.commit()
    leader = app.test_client()
    assert login(leader, "pimpinan", factories.PASSWORD).status_code == 302
    assert leader.get("/readyz").json == {"status": "ok"}
    login(client, "admin", factories.PASSWORD)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] in ("sqlite", "postgresql")
    assert response.json["rate_limit_storage"] == "MemoryStorage"


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}]
)
def test_readiness_fails_when_redis_is_down_and_the_log_says_why(client, caplog, app_config):
    with caplog.at_level("WARNING"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}
    assert any("rate-limit storage unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set: Redis readiness skipped")
@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://"}],
)
def test_readiness_with_a_live_redis(client, session, app_config):
    factories.user("admin")
    session.commit()
    login(client, "admin", factories.PASSWORD)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["rate_limit_storage"] == "RedisStorage"


REDIS_DOWN = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}


@pytest.mark.parametrize("app_config", [REDIS_DOWN])
def test_with_redis_down_citizens_still_submit_and_it_is_logged(
    citizen, session, caplog, app_config
):
    from sqlalchemy import func, select

    from portal.models import Response
    from tests import factories

    counter = factories.counter()
    session.commit()
    with caplog.at_level("WARNING"):
        assert citizen.submit(factories.survey_path(counter)).status_code == 303
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert any("Swallowing error" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("app_config", [REDIS_DOWN])
def test_with_redis_down_logins_are_refused(client, session, caplog, app_config):
    from tests import factories
    from tests.conftest import login

    factories.user("admin")
    session.commit()
    with caplog.at_level("ERROR"):
        result = login(client, "admin", factories.PASSWORD)
    assert result.status_code == 503
    assert "Masuk sementara tidak tersedia" in result.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in
    assert any("Login refused" in r.getMessage() for r in caplog.records)

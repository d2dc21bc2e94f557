"""Liveness and readiness for the load balancer and the process supervisor."""

import pytest

from tests.conftest import TEST_REDIS_URL


def test_liveness_needs_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_readiness_checks_the_database_and_the_limit_storage(client, app_config):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] in ("sqlite", "postgresql")
    assert response.json["rate_limit_storage"] == "MemoryStorage"


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}]
)
def test_readiness_fails_when_redis_is_down(client, app_config):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "database": response.json["database"],
        "rate_limit_storage": "unavailable",
    }


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set: Redis readiness skipped")
@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://"}],
)
def test_readiness_with_a_live_redis(client, app_config):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["rate_limit_storage"] == "RedisStorage"

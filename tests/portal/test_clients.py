"""Client hashes: keyed apart from SECRET_KEY, and unlinkable across rotation periods."""

import datetime as dt
import re

import pytest

from portal import clients
from portal.citizen import limits
from portal.extensions import client_address

DAY = dt.timedelta(days=1)
# 2026-02-06 is day 20490 since 1970-01-01: the first day of period 683 of 30 days.
PERIOD_START = dt.datetime(2026, 2, 6)


def test_one_client_has_one_hash_within_a_period(app):
    with app.app_context():
        first = clients.client_hash("203.0.113.7", "Firefox", at=PERIOD_START)
        last = clients.client_hash("203.0.113.7", "Firefox", at=PERIOD_START + 29 * DAY)
        assert first == last and re.fullmatch(r"[0-9a-f]{32}", first)
        assert "203.0.113.7" not in first


def test_hashes_of_different_periods_cannot_be_linked(app):
    with app.app_context():
        before = clients.client_hash("203.0.113.7", "Firefox", at=PERIOD_START - dt.timedelta(1))
        after = clients.client_hash("203.0.113.7", "Firefox", at=PERIOD_START)
        assert before != after


@pytest.mark.parametrize("app_config", [{"CLIENT_HASH_ROTATION_DAYS": 7}])
def test_the_rotation_period_is_configurable(app, app_config):
    with app.app_context():
        assert clients.period_number(PERIOD_START, 30) == 683
        monday = dt.datetime(2026, 2, 5)  # day 20489, the first of 7-day period 2927
        assert clients.period_number(monday, 7) == 2927
        assert clients.client_hash("a", "b", at=monday - DAY) != clients.client_hash(
            "a", "b", at=monday
        )
        assert clients.client_hash("a", "b", at=monday) == clients.client_hash(
            "a", "b", at=monday + 6 * DAY
        )


def test_an_aware_time_counts_in_utc(app):
    jakarta = dt.timezone(dt.timedelta(hours=7))
    with app.app_context():
        aware = PERIOD_START.replace(hour=6, tzinfo=jakarta)  # 23:00 UTC the day before
        assert clients.client_hash("a", "b", at=aware) == clients.client_hash(
            "a", "b", at=PERIOD_START - dt.timedelta(hours=1)
        )


def test_the_key_is_the_client_hash_secret_not_the_secret_key(app):
    with app.app_context():
        original = clients.client_hash("a", "b", at=PERIOD_START)
        app.config["SECRET_KEY"] = "another link-signing key"
        assert clients.client_hash("a", "b", at=PERIOD_START) == original
        app.config["CLIENT_HASH_SECRET"] = "another client hash secret"
        assert clients.client_hash("a", "b", at=PERIOD_START) != original


def test_rate_limit_keys_rotate_with_the_same_secret_and_differ_from_stored_hashes(app):
    with app.test_request_context("/s/x", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        limit_key = limits.address()
        default_key = client_address()
        assert "203.0.113.7" not in limit_key + default_key
        assert limit_key.removeprefix("address:") == default_key
        assert default_key != clients.client_hash("203.0.113.7", "")[:24]
        app.config["CLIENT_HASH_SECRET"] = "rotated by hand"
        assert client_address() != default_key

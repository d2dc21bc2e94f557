"""Citizens behind one address are not turned away: limits count devices and counters.

500 phones behind one carrier NAT (one address, as every client here is 127.0.0.1)
answer at several counters over a morning, with the production limits on. The limits'
clock is moved by hand, a few minutes per batch of citizens, so a morning takes seconds.
"""

import random
import types

import limits.storage.memory
import limits.strategies
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests import factories
from tests.conftest import ALL_FOURS
from tests.scenarios.conftest import Phone

PRODUCTION_LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture
def limit_clock(monkeypatch):
    """The limits' clock, starting at 07:30 of some morning and moved by the test."""
    now = [1_780_000_000.0]
    fake = types.SimpleNamespace(time=lambda: now[0], sleep=lambda seconds: None)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(limits.strategies, "time", fake)
    return now


@pytest.mark.slow  # 1,000 HTTP requests
@pytest.mark.parametrize("live_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("app_config", [PRODUCTION_LIMITS])
def test_500_devices_behind_one_address_over_a_morning_are_stored(served, limit_clock, app_config):
    unit = factories.unit("UPTD Puskesmas Rawat Inap Kalianda")
    counters = [factories.counter(unit, f"Loket {n}") for n in range(1, 6)]
    db.session.commit()
    paths = [factories.survey_path(c) for c in counters]

    rng = random.Random(27_2022)
    statuses = []
    for citizen in range(500):
        if citizen % 10 == 0:
            limit_clock[0] += 5 * 60  # ten citizens every five minutes: 500 by mid-afternoon
        phone = Phone(served)
        statuses.append(phone.answer(rng.choice(paths), ALL_FOURS).status)
    stored = db.session.scalar(select(func.count()).select_from(Response))
    assert statuses.count(303) == stored
    assert stored >= 495, f"{stored} of 500 stored; refused: {statuses.count(429)}"


@pytest.mark.parametrize("live_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("app_config", [PRODUCTION_LIMITS])
def test_one_device_stuffing_a_counter_is_stopped_whatever_it_does(served, limit_clock, app_config):
    counter = factories.counter(factories.unit("Pelayanan KTP-el"), "Loket 1")
    db.session.commit()
    path = factories.survey_path(counter)
    phone = Phone(served)
    statuses = [phone.answer(path, ALL_FOURS).status for _ in range(20)]
    assert statuses[:5] == [303] * 5 and set(statuses[5:]) == {429}

    # Without its cookie the phone is still the device its opening records name...
    page = phone.get(path)
    phone.cookies.clear()
    assert phone.post(path, {**page.hidden(), **ALL_FOURS}).status == 429
    # ...and another phone at the same counter, same address, is not held up by it.
    assert Phone(served).answer(path, ALL_FOURS).status == 303
    assert db.session.scalar(select(func.count()).select_from(Response)) == 6

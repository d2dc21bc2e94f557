"""Citizens behind one address are not turned away: limits count devices and counters.

500 phones behind one carrier NAT (one address, as every client here is 127.0.0.1)
answer at several counters over a morning, with the production limits and integrity
rules on. The clock is moved by hand, a few minutes per batch of citizens, so a morning
takes seconds. Issue 16's scenario (c): at least 99% counted and unflagged.
"""

import random
from collections import Counter as Tally

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from surveys.integrity import Rules
from tests import factories
from tests.conftest import ALL_FOURS
from tests.scenarios.conftest import Phone

PRODUCTION_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "INTEGRITY_RULES": Rules(),
}


@pytest.mark.slow  # 1,000 HTTP requests
@pytest.mark.parametrize("live_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("app_config", [PRODUCTION_LIMITS])
def test_500_devices_behind_one_address_over_a_morning_are_stored(served, clock, app_config):
    unit = factories.unit("UPTD Puskesmas Rawat Inap Kalianda", service_hours="Sen-Jum 07:30-16:00")
    counters = [factories.counter(unit, f"Loket {n}") for n in range(1, 6)]
    db.session.commit()
    paths = [factories.survey_path(c) for c in counters]

    rng = random.Random(27_2022)
    statuses = []
    for _batch in range(50):
        # Ten citizens every five minutes, 500 by late morning: each opens the survey
        # at a counter, and all of them answer within the next minute or two.
        opened = []
        for _ in range(10):
            phone, path = Phone(served), rng.choice(paths)
            opened.append((phone, path, phone.get(path)))
        clock.advance(40)  # nobody reads nine questions faster
        for phone, path, page in opened:
            clock.advance(rng.randint(3, 12))
            statuses.append(phone.answer(path, ALL_FOURS, page=page).status)
        clock.advance(5 * 60 - 115)
    stored = db.session.scalar(select(func.count()).select_from(Response))
    clean = db.session.scalar(select(func.count()).select_from(Response).where(Response.flags == 0))
    flags = Tally(db.session.scalars(select(Response.flags).where(Response.flags != 0)))
    print(f"\nscenario (c): sent=500, accepted={stored}, unflagged={clean}, flags={flags}")
    assert statuses.count(303) == stored
    assert stored >= 495, f"{stored} of 500 stored; refused: {statuses.count(429)}"
    assert clean >= 495, f"{stored - clean} of {stored} flagged"


@pytest.mark.parametrize("live_app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("app_config", [PRODUCTION_LIMITS])
def test_one_device_stuffing_a_counter_is_stopped_whatever_it_does(served, clock, app_config):
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

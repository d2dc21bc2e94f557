"""Stuffing, attacked as an outsider and an insider would, through the real HTTP stack.

Each scenario runs the production limits and integrity rules on a served portal, with
the portal's clock moved by the test (``clock``), and reports what happened to the
responses it sent: accepted (stored), flagged, excluded from scores, refused (429).
The counts are printed (``pytest -s``) for the closing note of issue 16.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Response, Role
from portal.services import reports, rollups
from portal.services.viewer import Viewer
from surveys import periods
from surveys.integrity import Flag, Rules
from surveys.policy import ReportPolicy
from tests import factories
from tests.conftest import ALL_FOURS, DATABASES
from tests.scenarios.conftest import Phone

PRODUCTION = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "INTEGRITY_RULES": Rules(),
    # One proxy in front reports the client's address (each phone sets its own).
    "PROXY_FIX_X_FOR": 1,
}
ALL_ONES = {f"U{n}": "1" for n in range(1, 10)}
GOOD = {f"U{n}": str(3 + n % 2) for n in range(1, 10)}
# A person reads and answers nine questions in more than this many seconds.
HUMAN_SECONDS = 45

pytestmark = [
    pytest.mark.parametrize("live_app", DATABASES, indirect=True),
    pytest.mark.parametrize("app_config", [PRODUCTION]),
]


def _outcome(name: str, sent: list[int], since: dt.datetime | None = None) -> dict:
    """Count what became of the responses a scenario sent, and print it."""
    db.session.expire_all()
    query = select(Response)
    if since is not None:
        query = query.where(Response.submitted_at >= since)
    stored = db.session.scalars(query).all()
    counts = {
        "sent": len(sent),
        "accepted": len(stored),
        "flagged": sum(1 for r in stored if r.flags),
        "excluded": sum(1 for r in stored if r.excluded),
        "counted": sum(1 for r in stored if not r.excluded),
        # 429: a limit; 422: a form the portal would not take (a replay without its cookies).
        "refused": sum(1 for status in sent if status in (422, 429)),
    }
    print(f"\nscenario {name}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _score(kind: str, scope_id: int, day: dt.date):
    viewer = Viewer.system(ReportPolicy(minimum_for_person=1))
    period = periods.parse(f"{day.isoformat()}..{day.isoformat()}")
    report = reports.score_for(db.session, viewer, reports.Scope(kind, scope_id), period)
    return report.respondents, report.score.converted


def _answer_like_a_person(phone: Phone, path: str, clock, answers: dict, seconds=HUMAN_SECONDS):
    page = phone.get(path)
    assert page.status == 200, page.status
    clock.advance(seconds)
    return phone.answer(path, answers, page=page).status


def _loket_with_duty(name: str):
    unit = factories.unit(name, service_hours="Sen-Jum 07:30-16:00")
    counter = factories.counter(unit, "Loket 1")
    employee = factories.employee(unit, "Rahmat Hidayat")
    factories.shift(employee, counter, dt.date(2026, 6, 1), "07:30", "16:00")
    db.session.commit()
    return unit, counter, employee


def test_a_one_device_200_times_in_ten_minutes_counts_at_most_five(served, clock):
    _unit, counter, employee = _loket_with_duty("Pelayanan KTP-el")
    path = factories.survey_path(counter)
    phone = Phone(served, address="203.0.113.7")
    sent = []
    for _ in range(200):
        # Opening and answering as a person would, 200 times in ten minutes.
        sent.append(_answer_like_a_person(phone, path, clock, ALL_ONES, seconds=3))
    counts = _outcome("(a)", sent)
    assert counts["counted"] <= 5
    assert counts["accepted"] + counts["refused"] == 200


def test_b_200_from_40_rotating_addresses_leave_the_appraisal_score_unchanged(served, clock):
    _unit, counter, employee = _loket_with_duty("Samsat Kalianda")
    path = factories.survey_path(counter)
    # A morning of genuine citizens: one every ten minutes from 07:30, each their own phone.
    for n in range(24):
        phone = Phone(served, address=f"198.51.100.{n + 1}")
        assert _answer_like_a_person(phone, path, clock, GOOD, seconds=60) == 303
        clock.advance(9 * 60)
    day = clock.now.date()
    before = (_score("counter", counter.id, day), _score("employee", employee.id, day))
    assert before[1][0] == 24

    # Then, with a gap, a script: a fresh browser each time, the address rotated every
    # five answers (flight mode), each answer taking a person's time: 200 in an hour.
    clock.advance(15 * 60)
    attack_started = clock.now
    sent = []
    for n in range(200):
        phone = Phone(served, address=f"10.20.{n // 5}.{1 + n % 5 * 7}")
        sent.append(_answer_like_a_person(phone, path, clock, ALL_ONES, seconds=12))
        clock.advance(6)
    counts = _outcome("(b)", sent, since=attack_started)
    after = (_score("counter", counter.id, day), _score("employee", employee.id, day))
    assert counts["accepted"] > 0 and counts["flagged"] == counts["accepted"]
    assert counts["counted"] == 0
    assert after == before
    # The burst was taken out through the recount: the buckets equal a fresh count.
    stored = {grain: rollups.bucket_statistics(db.session, grain) for grain in rollups.GRAINS}
    rollups.rebuild(db.session)
    assert stored == {g: rollups.bucket_statistics(db.session, g) for g in rollups.GRAINS}
    db.session.rollback()


def test_d_a_captured_post_replayed_50_times_is_stored_once(served, clock):
    _unit, counter, _employee = _loket_with_duty("Disdukcapil Pangkalpinang")
    path = factories.survey_path(counter)
    phone = Phone(served, address="203.0.113.9")
    page = phone.get(path)
    clock.advance(HUMAN_SECONDS)
    captured = {**page.hidden(), **GOOD}
    sent = [phone.post(path, captured).status]
    # Replayed 25 times with the phone's cookies, from another address, and 25 times
    # without them.
    phone.address = "192.0.2.66"
    stranger = Phone(served, address="192.0.2.67")
    for n in range(50):
        clock.advance(5)
        sent.append((phone if n < 25 else stranger).post(path, captured).status)
    counts = _outcome("(d)", sent)
    assert counts["accepted"] == 1 and counts["counted"] == 1
    assert sent[0] == 303 and set(sent) <= {303, 422, 429}


def test_e_an_employee_answering_from_the_dashboard_phone_is_flagged(served, clock):
    unit, counter, employee = _loket_with_duty("Kecamatan Lhokseumawe")
    account = factories.user("rahmat", Role.EMPLOYEE, unit)
    account.employee_id = employee.id
    db.session.commit()
    phone = Phone(served, address="203.0.113.20")
    assert phone.log_in("rahmat", factories.PASSWORD).status == 302
    assert phone.get("/dasbor/saya").status == 200

    sent = [
        _answer_like_a_person(phone, factories.survey_path(counter), clock, ALL_FOURS),
        _answer_like_a_person(phone, factories.card_path(employee), clock, ALL_FOURS),
    ]
    counts = _outcome("(e)", sent)
    stored = db.session.scalars(select(Response)).all()
    assert counts["accepted"] == 2 and counts["excluded"] == 2
    for response in stored:
        assert response.flags & Flag.STAFF_DEVICE and response.flags & Flag.SELF_RATING
    # A citizen's phone at the same counter is not flagged.
    citizen = Phone(served, address="203.0.113.20")
    assert _answer_like_a_person(citizen, factories.survey_path(counter), clock, GOOD) == 303
    assert _score("employee", employee.id, clock.now.date())[0] == 1

"""Editing rosters: conflicts refused, weeks published from patterns, absences, and past
corrections that re-credit responses of open periods only."""

import datetime as dt

import pytest
import sqlalchemy as sa

from portal.models import AuditEvent, DutyShift, Response
from portal.services import appraisal, duty_roster, feedback, reports, snapshots
from portal.services.viewer import Viewer
from surveys import periods
from surveys.policy import ReportPolicy
from tests import factories

T = dt.time
MONDAY = dt.date(2026, 11, 2)  # a Monday of an open month


@pytest.fixture
def unit(session):
    unit = factories.unit("Pelayanan KTP-el")  # WIB
    one = factories.counter(unit, "Loket 1")
    two = factories.counter(unit, "Loket 2")
    siti = factories.employee(unit, "Siti Rahmawati")
    budi = factories.employee(unit, "Budi Santoso")
    session.commit()
    return {"unit": unit, "one": one, "two": two, "siti": siti, "budi": budi}


def test_conflicting_shifts_are_refused_with_the_reason(session, unit):
    duty_roster.add_shift(
        session,
        counter_id=unit["one"].id,
        employee_id=unit["siti"].id,
        day=MONDAY,
        starts=T(8),
        ends=T(12),
        by="admin",
    )
    with pytest.raises(duty_roster.RosterConflict) as busy:
        duty_roster.add_shift(
            session,
            counter_id=unit["two"].id,
            employee_id=unit["siti"].id,
            day=MONDAY,
            starts=T(11),
            ends=T(13),
            by="admin",
        )
    assert [c.reason for c in busy.value.conflicts] == ["employee_busy"]
    with pytest.raises(duty_roster.RosterConflict) as taken:
        duty_roster.add_shift(
            session,
            counter_id=unit["one"].id,
            employee_id=unit["budi"].id,
            day=MONDAY,
            starts=T(9),
            ends=T(10),
            by="admin",
        )
    assert [c.reason for c in taken.value.conflicts] == ["counter_taken"]


def test_a_week_is_published_from_patterns_without_absences_and_only_once(session, unit):
    for weekday in range(1, 6):
        duty_roster.add_pattern(
            session,
            counter_id=unit["one"].id,
            employee_id=unit["siti"].id,
            weekday=weekday,
            starts=T(8),
            ends=T(16),
            by="admin",
        )
    with pytest.raises(duty_roster.RosterConflict):
        duty_roster.add_pattern(
            session,
            counter_id=unit["one"].id,
            employee_id=unit["budi"].id,
            weekday=3,
            starts=T(15),
            ends=T(17),
            by="admin",
        )
    duty_roster.add_absence(
        session, unit["siti"].id, MONDAY + dt.timedelta(days=2), "cuti", by="admin"
    )
    published = duty_roster.publish(session, unit["unit"].id, MONDAY, by="admin")
    assert published.added == 4 and published.skipped == []
    assert duty_roster.publish(session, unit["unit"].id, MONDAY, by="admin").added == 0
    grid = duty_roster.week(session, unit["unit"].id, MONDAY + dt.timedelta(days=3))
    assert grid.monday == MONDAY
    assert sorted(d.isoweekday() for (_, d) in grid.cells) == [1, 2, 4, 5]


def test_correcting_a_past_roster_recredits_open_periods_and_leaves_closed_ones(session, unit, app):
    one, siti, budi = unit["one"], unit["siti"], unit["budi"]
    wrong = duty_roster.add_shift(
        session,
        counter_id=one.id,
        employee_id=budi.id,
        day=MONDAY,
        starts=T(8),
        ends=T(16),
        by="admin",
    )
    session.commit()
    target = feedback.target_for(session, unit["unit"], counter=one)
    opened = dt.datetime(2026, 11, 2, 3, 0)  # 10:00 WIB
    for _ in range(3):
        factories.respond(target, {"U1": 4, "U6": 4, "U7": 4}, at=opened)
    assert set(session.scalars(sa.select(Response.employee_id))) == {budi.id}
    # The roster was wrong: Siti served that morning.
    duty_roster.remove_shift(session, wrong.id, by="admin")
    duty_roster.add_shift(
        session,
        counter_id=one.id,
        employee_id=siti.id,
        day=MONDAY,
        starts=T(8),
        ends=T(16),
        by="admin",
    )
    session.commit()
    assert set(session.scalars(sa.select(Response.employee_id))) == {siti.id}
    viewer = Viewer.system(ReportPolicy(minimum_for_person=1))
    november = periods.parse("2026-11")
    assert (
        reports.score_for(session, viewer, reports.Scope("employee", siti.id), november).respondents
        == 3
    )
    assert (
        reports.score_for(session, viewer, reports.Scope("employee", budi.id), november).respondents
        == 0
    )
    recredits = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "roster.recredit")
    ).all()
    assert len(recredits) == 2  # the removal (nobody on duty), then the new shift
    # A closed month is frozen: a further correction changes nothing in it.
    snapshots.close(
        session,
        november,
        by="admin",
        settings=appraisal.Settings(thresholds=app.config["APPRAISAL_THRESHOLDS"]),
        policy=ReportPolicy(),
        grace_days=0,
        now=dt.datetime(2026, 12, 20),
    )
    session.commit()
    shift = session.scalars(sa.select(DutyShift)).one()
    duty_roster.remove_shift(session, shift.id, by="admin")
    session.commit()
    assert set(session.scalars(sa.select(Response.employee_id))) == {siti.id}


def test_the_board_says_who_is_on_duty_now(session, unit):
    today = dt.date.today()
    duty_roster.add_shift(
        session,
        counter_id=unit["one"].id,
        employee_id=unit["siti"].id,
        day=today - dt.timedelta(days=1),
        starts=T(0),
        ends=T(0),
        by="admin",
    )
    duty_roster.add_shift(
        session,
        counter_id=unit["one"].id,
        employee_id=unit["siti"].id,
        day=today,
        starts=T(0),
        ends=T(0),
        by="admin",
    )
    session.commit()
    board = dict((c.name, s) for c, s in duty_roster.board(session, unit["unit"].id))
    assert board["Loket 1"].name == "Siti Rahmawati" and board["Loket 2"] is None

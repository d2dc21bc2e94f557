"""The respondent profile: summed from its buckets, raw rows only for a range's edges."""

import datetime as dt

import sqlalchemy as sa

from portal.services import feedback, profile, reports
from portal.services.viewer import Viewer
from surveys import periods
from surveys.policy import ReportPolicy
from surveys.respondents import age_band
from tests import factories


def test_the_sql_age_bands_and_the_buckets_age_bands_agree(session):
    ages = [None, *range(0, 121)]
    values = sa.union_all(
        *(sa.select(sa.literal(a, sa.Integer).label("age")) for a in ages)
    ).subquery()
    band = profile._age_band().compile(compile_kwargs={"literal_binds": True})
    rows = session.execute(
        sa.select(values.c.age, sa.text(str(band).replace("response.age", "anon_1.age")))
    ).all()
    assert {age: got for age, got in rows} == {age: age_band(age) for age in ages}


def test_a_range_sums_whole_months_from_buckets_and_its_edges_from_responses(session):
    unit = factories.unit("Pelayanan KTP-el")
    counter = factories.counter(unit)
    session.commit()
    target = feedback.target_for(session, unit, counter=counter)
    for day, sex in (
        (dt.date(2026, 7, 3), "L"),
        (dt.date(2026, 7, 20), "P"),
        (dt.date(2026, 8, 10), "P"),
        (dt.date(2026, 9, 2), "L"),
    ):
        at = dt.datetime.combine(day, dt.time(3))
        factories.respond(target, {"U1": 4}, at=at, sex=sex, age=30)
    viewer = Viewer.system(ReportPolicy())
    scope = reports.Scope("unit", unit.id)
    found = profile.profile(
        session, viewer, scope, periods.parse("2026-07-15..2026-08-31"), minimum=1
    )
    assert {c.value: c.count for c in found["sex"]} == {"P": 2}
    assert {c.value: c.count for c in found["age"]} == {"25-34": 2}
    quarter = profile.profile(session, viewer, scope, periods.parse("2026-Q3"), minimum=3)
    assert {c.value: c.count for c in quarter["sex"]} == {"L": None, "P": None}  # 2 each: hidden

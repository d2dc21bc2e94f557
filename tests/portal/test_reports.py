"""The report service gives the numbers a naive recomputation from raw answers gives."""

import datetime as dt
import random

import pytest

from portal.services import feedback, reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer
from surveys import scoring
from surveys.errors import SurveyError
from surveys.periods import parse
from surveys.policy import ReportPolicy
from surveys.statistics import of_responses
from tests import factories

OFFSET = {"Asia/Jakarta": 7, "Asia/Makassar": 8}
EVERYTHING = Viewer.system(ReportPolicy())


@pytest.fixture
def pemda(session):
    """A Pemda with an OPD holding a WIB and a WITA unit; responses June-August 2026."""
    root = factories.unit("Pemerintah Kabupaten")
    opd = factories.unit("Dinas Kependudukan", parent=root)
    west = factories.unit("Unit Barat", parent=opd, timezone="Asia/Jakarta")
    east = factories.unit("Unit Timur", parent=opd, timezone="Asia/Makassar")
    counters = [factories.counter(west, "Loket A"), factories.counter(east, "Loket B")]
    staff = [factories.employee(west, "Siti"), factories.employee(east, "Ahmad")]
    services = [factories.service_type(west, "KTP-el"), factories.service_type(east, "Akta")]
    session.commit()

    rng = random.Random(6)
    raw = []
    targets = {
        (which, by_card): feedback.target_for(
            session,
            (west, east)[which],
            counter=None if by_card else counters[which],
            card_employee=staff[which] if by_card else None,
        )
        for which in (0, 1)
        for by_card in (False, True)
    }
    for _ in range(160):
        which = rng.randrange(2)
        unit, counter, employee = (west, east)[which], counters[which], staff[which]
        by_card = rng.random() < 0.5
        target = targets[which, by_card]
        local = dt.datetime(2026, 6, 1) + dt.timedelta(minutes=rng.randrange(92 * 24 * 60))
        answers = {f"U{n}": rng.choice([None, 1, 2, 3, 4, 4, 3]) for n in range(1, 10)}
        answers["U1"] = answers["U1"] or 3
        service = services[which].id if rng.random() < 0.7 else None
        factories.respond(
            target,
            answers,
            at=local - dt.timedelta(hours=OFFSET[unit.timezone]),
            service_type_id=service,
            commit=False,
        )
        raw.append(
            {
                "day": local.date(),
                "unit": unit.id,
                "counter": None if by_card else counter.id,
                "employee": employee.id if by_card else None,
                "service": service,
                "answers": answers,
            }
        )
    return {
        "root": root,
        "opd": opd,
        "west": west,
        "east": east,
        "counters": counters,
        "staff": staff,
        "services": services,
        "raw": raw,
    }


def _expected(raw, period, **match):
    chosen = [
        r["answers"]
        for r in raw
        if period.start <= r["day"] < period.end and all(r[k] == v for k, v in match.items())
    ]
    return scoring.ikm(chosen)


def _same(report, expected):
    assert report.score == expected
    assert report.respondents == expected.respondents


@pytest.mark.parametrize(
    "text",
    ["2026-07", "2026-Q3", "2026-S2", "2026", "2026-06-20..2026-08-05", "2026-07-03..2026-07-09"],
)
def test_a_whole_pemda_in_any_period_equals_the_raw_computation(session, pemda, text):
    period = parse(text)
    report = reports.score_for(session, EVERYTHING, Scope("unit", pemda["root"].id), period)
    _same(report, _expected(pemda["raw"], period))
    assert report.name == "Pemerintah Kabupaten"


def test_each_scope_kind_equals_the_raw_computation(session, pemda):
    period = parse("2026-06-10..2026-08-20")
    raw = pemda["raw"]
    west, counter, employee, service = (
        pemda["west"],
        pemda["counters"][1],
        pemda["staff"][0],
        pemda["services"][0],
    )
    _same(
        reports.score_for(session, EVERYTHING, Scope("unit", west.id), period),
        _expected(raw, period, unit=west.id),
    )
    _same(
        reports.score_for(session, EVERYTHING, Scope("counter", counter.id), period),
        _expected(raw, period, counter=counter.id),
    )
    _same(
        reports.score_for(session, EVERYTHING, Scope("service_type", service.id), period),
        _expected(raw, period, service=service.id),
    )
    person = reports.score_for(session, EVERYTHING, Scope("employee", employee.id), period)
    _same(person, _expected(raw, period, employee=employee.id))
    mine = [
        r["answers"]
        for r in raw
        if r["employee"] == employee.id and period.start <= r["day"] < period.end
    ]
    assert person.personal == scoring.personal(of_responses(mine))
    assert person.sufficient is (person.respondents >= 30)
    strict = Viewer.system(ReportPolicy(minimum_for_person=10_000))
    assert (
        reports.score_for(session, strict, Scope("employee", employee.id), period).sufficient
        is False
    )


def test_a_unit_without_its_children_counts_only_itself(session, pemda):
    report = reports.score_for(
        session, EVERYTHING, Scope("unit", pemda["opd"].id, with_children=False), parse("2026")
    )
    assert not report.score.has_data and report.score.converted is None


def test_the_report_carries_interval_adequacy_and_weakest_unsur(session, pemda):
    period = parse("2026-Q3")
    report = reports.score_for(
        session, EVERYTHING, Scope("unit", pemda["root"].id), period, population=1000
    )
    assert report.score.interval[0] <= report.score.converted <= report.score.interval[1]
    assert report.adequacy.required == 278
    assert report.adequacy.adequate is (report.respondents >= 278)
    assert report.weakest.exact == min(u.exact for u in report.score.unsur.values())


def test_breakdowns_equal_the_raw_computation_per_child(session, pemda):
    period, raw = parse("2026-07-15..2026-08-31"), pemda["raw"]
    root = Scope("unit", pemda["root"].id)
    [opd] = reports.breakdown(session, EVERYTHING, root, period, "unit")
    _same(opd, _expected(raw, period))
    units = reports.breakdown(session, EVERYTHING, Scope("unit", pemda["opd"].id), period, "unit")
    assert [u.name for u in units] == ["Unit Barat", "Unit Timur"]
    for unit_report in units:
        _same(unit_report, _expected(raw, period, unit=unit_report.scope.id))
    for by, key in (("counter", "counter"), ("employee", "employee"), ("service_type", "service")):
        children = reports.breakdown(session, EVERYTHING, root, period, by)
        assert len(children) == 2
        for child in children:
            _same(child, _expected(raw, period, **{key: child.scope.id}))
            assert (child.personal is not None) is (by == "employee")
            assert (child.shrunken is not None) is (by == "employee")
    employees = reports.breakdown(session, EVERYTHING, root, period, "employee")
    expected = scoring.shrunken({r.scope.id: r.statistics for r in employees})
    assert {r.scope.id: r.shrunken for r in employees} == expected


@pytest.mark.parametrize(("step", "count"), [("month", 3), ("week", 14)])
def test_trends_step_through_the_period_and_add_up(session, pemda, step, count):
    period = parse("2026-06-01..2026-08-31")
    series = reports.trend(session, EVERYTHING, Scope("unit", pemda["root"].id), period, step)
    assert len(series) == count
    for point in series:
        _same(point, _expected(pemda["raw"], point.period))
    assert sum(p.respondents for p in series) == len(pemda["raw"])


def test_a_response_near_midnight_belongs_to_its_local_day(session, pemda):
    east = pemda["east"]
    target = feedback.target_for(session, east, counter=pemda["counters"][1])
    # 16:30 UTC on 31 October is 00:30 on 1 November in WITA.
    factories.respond(target, {"U1": 1}, at=dt.datetime(2026, 10, 31, 16, 30))
    november = reports.score_for(session, EVERYTHING, Scope("unit", east.id), parse("2026-11"))
    october = reports.score_for(session, EVERYTHING, Scope("unit", east.id), parse("2026-10"))
    assert (november.respondents, october.respondents) == (1, 0)
    first_day = reports.score_for(
        session, EVERYTHING, Scope("unit", east.id), parse("2026-11-01..2026-11-01")
    )
    assert first_day.respondents == 1


def test_unknown_scopes_and_bad_requests_are_domain_errors(session, pemda):
    period = parse("2026")
    with pytest.raises(reports.ScopeNotFound):
        reports.score_for(session, EVERYTHING, Scope("unit", 99_999), period)
    with pytest.raises(reports.ScopeNotFound):
        Scope("province", 1)
    with pytest.raises(SurveyError):
        reports.breakdown(session, EVERYTHING, Scope("unit", pemda["root"].id), period, "religion")
    with pytest.raises(SurveyError):
        reports.breakdown(
            session, EVERYTHING, Scope("counter", pemda["counters"][0].id), period, "unit"
        )
    with pytest.raises(SurveyError):
        reports.trend(session, EVERYTHING, Scope("unit", pemda["root"].id), period, "day")
    with pytest.raises(SurveyError):  # staff and service types are rolled up apart
        reports.breakdown(
            session, EVERYTHING, Scope("employee", pemda["staff"][0].id), period, "service_type"
        )


def test_a_unit_head_reads_their_subtree_and_nothing_else(session, pemda):
    period = parse("2026")
    head = Viewer("unit_head", ReportPolicy(), unit_id=pemda["west"].id)
    west_counter, east_counter = pemda["counters"]
    west_staff, east_staff = pemda["staff"]
    mine = [
        Scope("unit", pemda["west"].id),
        Scope("counter", west_counter.id),
        Scope("employee", west_staff.id),
        Scope("service_type", pemda["services"][0].id),
    ]
    theirs = [
        Scope("unit", pemda["root"].id),
        Scope("unit", pemda["east"].id),
        Scope("counter", east_counter.id),
        Scope("employee", east_staff.id),
        Scope("service_type", pemda["services"][1].id),
        Scope("unit", 99_999),
    ]
    for scope in mine:
        assert reports.score_for(session, head, scope, period).respondents > 0, scope
    for scope in theirs:
        with pytest.raises(reports.ScopeNotFound) as refused:
            reports.score_for(session, head, scope, period)
        assert refused.value.http_status == 404  # not there and not yours look the same
        with pytest.raises(reports.ScopeNotFound):
            reports.trend(session, head, scope, period)
    with pytest.raises(reports.ScopeNotFound):
        reports.breakdown(session, head, Scope("unit", pemda["opd"].id), period, "counter")
    # A breakdown of what they may see lists only what lies inside it.
    counters = reports.breakdown(session, head, Scope("unit", pemda["west"].id), period, "counter")
    assert [r.scope.id for r in counters] == [west_counter.id]


def test_an_employee_reads_only_their_own_scores(session, pemda):
    period = parse("2026")
    west_staff, east_staff = pemda["staff"]
    me = Viewer("employee", ReportPolicy(), employee_id=west_staff.id)
    assert reports.score_for(session, me, Scope("employee", west_staff.id), period).respondents
    for scope in (
        Scope("employee", east_staff.id),
        Scope("unit", pemda["west"].id),
        Scope("counter", pemda["counters"][0].id),
    ):
        with pytest.raises(reports.ScopeNotFound):
            reports.score_for(session, me, scope, period)


def test_each_number_about_a_person_is_judged_by_its_own_respondents(session):
    unit = factories.unit("Pelayanan KTP-el")
    counter = factories.counter(unit)
    person = factories.employee(unit, "Rizky Pratama")
    session.commit()
    target = feedback.target_for(session, unit, card_employee=person)
    # 30 respondents; only 2 of them answered U6 and U7 (about the person).
    for n in range(30):
        answers = {"U1": 4, "U2": 3} | ({"U6": 1, "U7": 2} if n < 2 else {})
        factories.respond(target, answers, at=dt.datetime(2026, 7, 10, 3), commit=False)
    session.commit()
    assert counter
    report = reports.score_for(session, EVERYTHING, Scope("employee", person.id), parse("2026-07"))
    assert report.respondents == 30 and report.sufficient
    assert report.personal.respondents == 2 and not report.personal_sufficient
    assert report.unsur_sufficient("U1") and not report.unsur_sufficient("U6")
    # A unit's numbers are not about a person: no minimum applies.
    unit_report = reports.score_for(session, EVERYTHING, Scope("unit", unit.id), parse("2026-07"))
    assert unit_report.sufficient and unit_report.unsur_sufficient("U6")

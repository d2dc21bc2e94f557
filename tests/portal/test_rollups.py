"""Incremental rollups must equal rollups rebuilt from the raw responses, in every zone."""

import datetime as dt
import random
import uuid

from sqlalchemy import select

from portal.models import Response
from portal.services import feedback, rollups
from surveys import statistics
from tests import factories

# Indonesia keeps no daylight saving time, so fixed offsets are an independent check.
OFFSETS = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}


def _edge_times(rng: random.Random, offset: int) -> list[dt.datetime]:
    """Return UTC instants a few minutes either side of local midnights and month ends."""
    local_edges = [
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 3, 1),
        dt.datetime(2026, 7, 1),
        dt.datetime(2026, 7, 15),
        dt.datetime(2027, 1, 1),
    ]
    times = []
    for edge in local_edges:
        for minutes in (-61, -1, 0, 1, 59, rng.randint(-600, 600)):
            times.append(edge + dt.timedelta(minutes=minutes) - dt.timedelta(hours=offset))
    return times


def test_incremental_and_rebuilt_rollups_are_identical(app, session):
    rng = random.Random(14_2017)
    targets, employees = [], []
    for zone in OFFSETS:
        unit = factories.unit(f"Unit {zone}", timezone=zone)
        counter = factories.counter(unit, "Loket A")
        other = factories.counter(unit, "Loket B")
        types = [
            factories.service_type(unit, "Layanan 1"),
            factories.service_type(unit, "Layanan 2"),
        ]
        staff = factories.employee(unit, f"Pegawai {zone}")
        # An overnight shift so that some responses are credited across midnight.
        for day in range(-1, 400):
            factories.shift(
                staff, counter, dt.date(2026, 1, 1) + dt.timedelta(days=day), "22:00", "02:00"
            )
        session.commit()
        for c in (counter, other):
            targets.append(feedback.target_for(session, unit, counter=c))
        targets.append(feedback.target_for(session, unit, card_employee=staff))
        employees.append(staff)
        assert types

    submitted = 0
    for target in targets:
        offset = OFFSETS[target.unit.timezone]
        for at in _edge_times(rng, offset):
            answers = {f"U{n}": rng.choice([1, 2, 3, 4, None]) for n in range(1, 10)}
            if all(v is None for v in answers.values()):
                answers["U1"] = 4
            service = rng.choice([None, *(s.id for s in target.service_types)])
            feedback.submit(
                session,
                target,
                feedback.Submission(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    answers=answers,
                    service_type_id=service,
                ),
                at=at,
            )
            submitted += 1

    incremental = {grain: rollups.snapshot(session, grain) for grain in rollups.GRAINS}
    for buckets in incremental.values():
        assert sum(b["respondents"] for b in buckets.values()) == submitted
    assert any(key.split("|")[3] != "e-" for key in incremental[rollups.MONTHLY])  # roster credit

    rollups.rebuild(session)
    for grain in rollups.GRAINS:
        assert rollups.snapshot(session, grain) == incremental[grain]
    # In passes of a few responses each (one unit per pass): the same buckets, the same sums.
    rollups.rebuild(session, pass_size=3)
    for grain in rollups.GRAINS:
        assert rollups.snapshot(session, grain) == incremental[grain]

    # And both equal statistics computed here from the raw rows, with fixed UTC offsets.
    zones = {t.unit.id: t.unit.timezone for t in targets}
    for grain in rollups.GRAINS:
        expected: dict[str, statistics.Statistics] = {}
        for response in session.scalars(select(Response)):
            local = response.submitted_at + dt.timedelta(hours=OFFSETS[zones[response.unit_id]])
            parts = [local.strftime(grain.key_format), f"u{response.unit_id}"]
            if "counter_id" in grain.dimensions:  # staff tables
                parts += [f"c{response.counter_id or '-'}", f"e{response.employee_id or '-'}"]
            else:
                parts += [f"s{response.service_type_id or '-'}"]
            key = "|".join(parts)
            stats = statistics.of_response(response.answers)
            expected[key] = expected.get(key, statistics.Statistics()) + stats
        assert {k: v.as_columns() for k, v in expected.items()} == incremental[grain]


def test_rebuild_command_reports_the_rows_it_wrote(runner, session):
    counter = factories.counter()
    session.commit()
    target = feedback.target_for(session, counter.unit, counter=counter)
    feedback.submit(session, target, feedback.Submission(id=uuid.uuid4(), answers={"U1": 4}))
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0
    assert "Rebuilt 4 rollup rows." in result.output  # month and day, by staff and by service


def test_a_bulk_load_adds_nothing_until_the_rebuild_and_submissions_count_again(app, session):
    counter = factories.counter()
    session.commit()
    target = feedback.target_for(session, counter.unit, counter=counter)
    with rollups.bulk_load(session):
        for value in (1, 4):
            session.add(
                Response(
                    id=uuid.uuid4(),
                    submitted_at=dt.datetime(2026, 7, 1, 3),
                    unit_id=target.unit.id,
                    counter_id=counter.id,
                    instrument_id=target.instrument_id,
                    u1=value,
                )
            )
        session.flush()
        assert rollups.snapshot(session) == {}
    session.commit()
    rollups.rebuild(session)
    assert sum(b["respondents"] for b in rollups.snapshot(session).values()) == 2
    feedback.submit(session, target, feedback.Submission(id=uuid.uuid4(), answers={"U1": 3}))
    assert sum(b["respondents"] for b in rollups.snapshot(session).values()) == 3

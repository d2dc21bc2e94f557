"""Rollups equal the sums of the raw responses: as stored, after a recount, in every zone,
after a response is moved or withdrawn, and while a rebuild runs beside live submissions."""

import datetime as dt
import random
import threading
import uuid

from sqlalchemy import delete, select, update

from portal.extensions import db
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


def _all_buckets(session):
    return {grain: rollups.bucket_statistics(session, grain) for grain in rollups.GRAINS}


def _band(age) -> str:
    """The age bands of the SKM report, written out again here."""
    if age is None:
        return ""
    return (
        "<25"
        if age < 25
        else "25-34"
        if age < 35
        else "35-44"
        if age < 45
        else ("45-54" if age < 55 else "55+")
    )


def _independent(session, zones) -> dict:
    """Return every grain's buckets computed here from the raw rows, with fixed offsets:
    a response counts on the local day of its opening (or, unverified, its arrival)."""
    result = {}
    for grain in rollups.GRAINS:
        if grain is rollups.PROFILE:
            continue
        expected: dict[str, statistics.Statistics] = {}
        for response in session.scalars(select(Response)):
            counted = response.opened_at or response.submitted_at
            local = counted + dt.timedelta(hours=OFFSETS[zones[response.unit_id]])
            parts = [local.strftime(grain.key_format), f"u{response.unit_id}"]
            if "counter_id" in grain.dimensions:  # staff tables
                parts += [f"c{response.counter_id or '-'}", f"e{response.employee_id or '-'}"]
            else:
                parts += [f"s{response.service_type_id or '-'}"]
            key = "|".join(parts)
            stats = statistics.of_response(response.answers)
            if stats.respondents:
                expected[key] = expected.get(key, statistics.Statistics()) + stats
        result[grain] = {k: v.as_columns() for k, v in expected.items()}
    result[rollups.PROFILE] = _independent_profile(session, zones)
    return result


def _independent_profile(session, zones) -> dict:
    """The profile buckets, counted here: per unit and local month, each respondent once
    in a column of each dimension (codes written out again)."""
    expected: dict[str, dict[str, int]] = {}
    columns = rollups.PROFILE.summed
    for response in session.scalars(select(Response)):
        if not statistics.of_response(response.answers).respondents:
            continue
        counted = response.opened_at or response.submitted_at
        local = counted + dt.timedelta(hours=OFFSETS[zones[response.unit_id]])
        key = f"{local:%Y-%m}|u{response.unit_id}"
        bucket = expected.setdefault(key, dict.fromkeys(columns, 0))
        band = {"<25": "lt25", "55+": "55plus", "": "none"}.get(_band(response.age))
        for name in (
            "respondents",
            f"sex_{(response.sex or 'none').lower()}",
            f"age_{band or _band(response.age).replace('-', '_')}",
            f"edu_{(response.education or 'none').lower()}",
            f"occ_{(response.occupation or 'none').lower()}",
        ):
            bucket[name] += 1
    return expected


def _zone_edge_pemda(session, rng):
    targets = []
    for zone in OFFSETS:
        unit = factories.unit(f"Unit {zone}", timezone=zone)
        counter = factories.counter(unit, "Loket A")
        other = factories.counter(unit, "Loket B")
        factories.service_type(unit, "Layanan 1")
        factories.service_type(unit, "Layanan 2")
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
    submitted = 0
    for target in targets:
        offset = OFFSETS[target.unit.timezone]
        for at in _edge_times(rng, offset):
            answers = {f"U{n}": rng.choice([1, 2, 3, 4, None]) for n in range(1, 10)}
            if all(v is None for v in answers.values()):
                answers["U1"] = 4
            service = rng.choice([None, *(s.id for s in target.service_types)])
            # Sent a few minutes after opening: the opening decides the day.
            factories.respond(
                target,
                answers,
                opened_at=at,
                at=at + dt.timedelta(minutes=rng.randint(0, 90)),
                service_type_id=service,
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                sex=rng.choice([None, "L", "P"]),
                age=rng.choice([None, 17, 24, 25, 34, 35, 54, 55, 80]),
                education=rng.choice([None, "SD", "S1"]),
                occupation=rng.choice([None, "PNS", "Lainnya"]),
                commit=False,
            )
            submitted += 1
    session.commit()
    return targets, submitted


def test_stored_recounted_and_independent_rollups_are_identical(app, session):
    targets, submitted = _zone_edge_pemda(session, random.Random(14_2017))
    stored = _all_buckets(session)
    for buckets in stored.values():
        assert sum(b["respondents"] for b in buckets.values()) == submitted
    assert any(key.split("|")[3] != "e-" for key in stored[rollups.MONTHLY])  # roster credit

    assert rollups.rebuild(session) > 0
    session.commit()
    assert _all_buckets(session) == stored
    # In groups of a few responses each: the same buckets, the same sums.
    for group in rollups.rebuild_batches(session, batch_responses=3):
        rollups.recount(session, group)
        session.commit()
    assert _all_buckets(session) == stored

    zones = {t.unit.id: t.unit.timezone for t in targets}
    assert _independent(session, zones) == stored


def test_recounting_after_moving_or_withdrawing_responses_matches_the_raw_rows(app, session):
    unit = factories.unit("Pelayanan KTP-el", timezone="Asia/Makassar")
    counter = factories.counter(unit)
    wrong, right = factories.employee(unit, "Ahmad"), factories.employee(unit, "Siti")
    july = dt.datetime(2026, 7, 10, 2)
    for day in range(3):
        factories.shift(wrong, counter, dt.date(2026, 7, 10 + day), "08:00", "16:00")
    session.commit()
    target = feedback.target_for(session, unit, counter=counter)
    receipts = [
        factories.respond(target, {"U1": value, "U6": value}, at=july + dt.timedelta(days=d))
        for d, value in enumerate((4, 3, 2))
    ]
    assert {r.employee_id for r in session.scalars(select(Response))} == {wrong.id}

    # A roster correction: the first two were served by Siti. Lock, move, recount.
    moved = [r.response_id for r in receipts[:2]]
    rollups.lock(session)
    session.execute(update(Response).where(Response.id.in_(moved)).values(employee_id=right.id))
    assert rollups.recount(session, [(unit.id, dt.date(2026, 7, 1))]) > 0
    session.commit()
    zones = {unit.id: unit.timezone}
    assert _all_buckets(session) == _independent(session, zones)
    employees = {
        key.split("|")[3]: b["respondents"] for key, b in rollups.bucket_statistics(session).items()
    }
    assert employees == {f"e{right.id}": 2, f"e{wrong.id}": 1}

    # A purge withdraws one; its buckets follow.
    rollups.lock(session)
    session.execute(delete(Response).where(Response.id == receipts[2].response_id))
    rollups.recount(session, [(unit.id, dt.date(2026, 7, 1))])
    session.commit()
    assert _all_buckets(session) == _independent(session, zones)
    assert f"e{wrong.id}" not in {key.split("|")[3] for key in rollups.bucket_statistics(session)}


def test_a_recount_leaves_other_units_and_months_alone(app, session):
    units = [factories.unit("A"), factories.unit("B")]
    counters = [factories.counter(u) for u in units]
    session.commit()
    for counter in counters:
        target = feedback.target_for(session, counter.unit, counter=counter)
        for month in (6, 7):
            factories.respond(target, {"U1": 4}, at=dt.datetime(2026, month, 15, 3))
    before = _all_buckets(session)
    # Wipe A's July buckets by hand, then recount only A's June: July stays wiped.
    for grain in rollups.GRAINS:
        column = grain.table.c[grain.period_column]
        session.execute(
            delete(grain.table).where(
                grain.table.c.unit_id == units[0].id, column >= dt.date(2026, 7, 1)
            )
        )
    rollups.recount(session, [(units[0].id, dt.date(2026, 6, 1))])
    after = _all_buckets(session)
    assert all(len(after[g]) == len(before[g]) - 1 for g in rollups.GRAINS)
    rollups.recount(session, [(units[0].id, dt.date(2026, 7, 9))])  # any day names its month
    assert _all_buckets(session) == before


def test_rebuild_command_recounts_and_reports_the_rows_it_wrote(runner, session):
    counter = factories.counter()
    session.commit()
    target = feedback.target_for(session, counter.unit, counter=counter)
    factories.respond(target, {"U1": 4})
    before = _all_buckets(session)
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    # Month and day, by staff and by service type; and the month's respondent profile.
    assert "Recounted 1 unit-months: 5 rollup rows." in result.output
    assert _all_buckets(session) == before


def test_a_rebuild_beside_live_submissions_loses_none_and_equals_a_recount(live_app):
    """Citizens keep answering while an operator runs `flask rollups rebuild`."""
    session = db.session
    units = [factories.unit(f"Unit {n}") for n in range(6)]
    counters = [factories.counter(u, "Loket 1") for u in units]
    session.commit()
    targets = [feedback.target_for(session, c.unit, counter=c) for c in counters]
    rng = random.Random(5)
    for _ in range(300):  # history to recount, spread over three months
        at = dt.datetime(2026, rng.randint(8, 10), rng.randint(1, 28), rng.randint(1, 9))
        factories.respond(rng.choice(targets), {"U1": rng.randint(1, 4)}, at=at, commit=False)
    session.commit()

    stored, failures, done = [], [], threading.Event()

    def citizen(seed: int) -> None:
        pick = random.Random(seed)
        with live_app.app_context():
            while not done.is_set() or len(stored) < 40:
                target = pick.choice(targets)
                at = dt.datetime(2026, 10, pick.randint(1, 28), 4)
                try:
                    factories.respond(target, {"U1": pick.randint(1, 4), "U2": 3}, at=at)
                    stored.append(1)
                except Exception as error:  # every one must succeed
                    failures.append(repr(error))
                    db.session.rollback()
                if len(stored) > 400:
                    break

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    runner = live_app.test_cli_runner()
    rebuilds = [runner.invoke(args=["rollups", "rebuild", "--batch", "20"]) for _ in range(3)]
    during = len(stored)
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert all(r.exit_code == 0 for r in rebuilds), [r.output for r in rebuilds]
    assert during > 0 and len(stored) >= 40

    session.expire_all()
    total = session.scalar(select(db.func.count()).select_from(Response))
    assert total == 300 + len(stored)
    live = _all_buckets(session)
    assert sum(b["respondents"] for b in live[rollups.MONTHLY].values()) == total
    rollups.rebuild(session)
    session.commit()
    assert _all_buckets(session) == live

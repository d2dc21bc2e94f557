"""Demo data: a small Pemda with real-looking units, rosters and two months of responses.

Responses are generated, not hand-written, from per-employee and per-unit tendencies so
that the dashboard shows differences worth reading. The random generator is seeded: the
same day gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from portal.models import (
    Counter,
    DutyShift,
    Employee,
    Response,
    Role,
    ServiceType,
    Unit,
    UnitKind,
    User,
)
from portal.services import feedback, instruments, rollups
from surveys import attribution, calendar, integrity

ZONE = "Asia/Jakarta"
DEMO_PASSWORD = "suara-demo-2026"
HISTORY_DAYS = 62
ROSTER_DAYS_AHEAD = 120


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


LOGINS = (
    DemoLogin(Role.ADMIN, "admin", DEMO_PASSWORD),
    DemoLogin(Role.UNIT_HEAD, "kepala.dukcapil", DEMO_PASSWORD),
    DemoLogin(Role.UNIT_HEAD, "kepala.puskesmas", DEMO_PASSWORD),
    DemoLogin(Role.LEADERSHIP, "bupati", DEMO_PASSWORD),
    DemoLogin(Role.EMPLOYEE, "siti.rahmawati", DEMO_PASSWORD),
)

# name, NIP (birth date, appointment, sex, serial), position, skill (mean answer for U6/U7)
EMPLOYEES = {
    "dukcapil-1": (
        "Siti Rahmawati, S.Kom.",
        "198703152010012004",
        "Operator Pelayanan KTP-el",
        3.6,
    ),
    "dukcapil-2": ("Ahmad Fauzi", "199001102015031002", "Pengadministrasi Kependudukan", 3.0),
    "dukcapil-3": ("Dewi Lestari, S.Sos.", "198511232009022003", "Verifikator Berkas", 3.3),
    "dukcapil-4": ("Rizky Pratama, A.Md.", "199406182019031005", "Operator Pencatatan Sipil", 2.7),
    "pkm-1": ("Ns. Yuliana Putri, S.Kep.", "199208082017022001", "Perawat", 3.7),
    "pkm-2": ("Bambang Setiawan", "198212012006041003", "Petugas Rekam Medis", 3.1),
    "pkm-3": ("dr. Hendra Gunawan", "198905052014031001", "Dokter Umum", 3.4),
    "pkm-4": ("Nurhayati, A.Md.Keb.", "199107212016022002", "Bidan", 3.5),
}

COMMENTS = (
    "Pelayanan cepat dan petugasnya ramah.",
    "Antrean terlalu panjang, mohon ditambah loket.",
    "Ruang tunggu panas, kipas angin tidak berfungsi.",
    "Persyaratan kurang jelas, saya harus bolak-balik.",
    "Terima kasih, KTP saya selesai hari ini juga.",
    "Petugas sangat membantu orang tua seperti saya.",
    "Kursi ruang tunggu kurang.",
    "Informasi jam layanan tidak terpasang di depan.",
    "Proses akta kelahiran lebih cepat dari dugaan saya.",
    "Toilet perlu dibersihkan.",
)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Unit))


def load(session: Session, *, today: dt.date | None = None, seed: int = 2017) -> None:
    """Create the demo Pemda and its history. Expects an empty database."""
    today = today or calendar.to_local(dt.datetime.now(dt.UTC), ZONE).date()
    rng = random.Random(seed)
    instrument = instruments.install(session)

    pemda = Unit(
        name="Pemerintah Kabupaten Lampung Selatan",
        kind=UnitKind.PEMDA,
        timezone=ZONE,
        instrument=instrument,
    )
    dukcapil = Unit(
        name="Dinas Kependudukan dan Pencatatan Sipil",
        kind=UnitKind.OPD,
        timezone=ZONE,
        parent=pemda,
    )
    dinkes = Unit(name="Dinas Kesehatan", kind=UnitKind.OPD, timezone=ZONE, parent=pemda)
    dafduk = Unit(name="Pelayanan Pendaftaran Penduduk", timezone=ZONE, parent=dukcapil)
    capil = Unit(name="Pelayanan Pencatatan Sipil", timezone=ZONE, parent=dukcapil)
    puskesmas = Unit(name="UPTD Puskesmas Rawat Inap Kalianda", timezone=ZONE, parent=dinkes)
    session.add_all([pemda, dukcapil, dinkes, dafduk, capil, puskesmas])

    services = {
        dafduk: ["Perekaman KTP-el", "Pencetakan KTP-el", "Kartu Keluarga", "Pindah datang"],
        capil: ["Akta kelahiran", "Akta kematian", "Akta perkawinan"],
        puskesmas: ["Pemeriksaan umum", "Kesehatan ibu dan anak", "Gawat darurat"],
    }
    for unit, names in services.items():
        session.add_all(ServiceType(unit=unit, name=name) for name in names)

    counters = {
        "ktp": Counter(unit=dafduk, name="Loket 1 — KTP-el"),
        "kk": Counter(unit=dafduk, name="Loket 2 — Kartu Keluarga"),
        "akta": Counter(unit=capil, name="Loket 3 — Akta"),
        "pendaftaran": Counter(unit=puskesmas, name="Loket Pendaftaran"),
        "ugd": Counter(unit=puskesmas, name="Loket UGD 24 Jam"),
    }
    session.add_all(counters.values())

    units_of = {
        "dukcapil-1": dafduk,
        "dukcapil-2": dafduk,
        "dukcapil-3": capil,
        "dukcapil-4": capil,
    }
    employees = {}
    for key, (name, nip, position, _) in EMPLOYEES.items():
        employees[key] = Employee(
            nip=nip, name=name, position=position, unit=units_of.get(key, puskesmas)
        )
    session.add_all(employees.values())

    first_day = today - dt.timedelta(days=HISTORY_DAYS)
    _add_roster(
        session, counters, employees, first_day, today + dt.timedelta(days=ROSTER_DAYS_AHEAD)
    )

    session.add_all(
        [
            _user(LOGINS[0], None),
            _user(LOGINS[1], dukcapil),
            _user(LOGINS[2], puskesmas),
            _user(LOGINS[3], None),
            _user(LOGINS[4], employees["dukcapil-1"].unit, employee=employees["dukcapil-1"]),
        ]
    )
    session.flush()

    skill = {employees[key].id: value for key, (*_, value) in EMPLOYEES.items()}
    targets = {
        key: feedback.target_for(session, counter.unit, counter=counter)
        for key, counter in counters.items()
    }
    volume = {"ktp": 14, "kk": 9, "akta": 8, "pendaftaran": 12, "ugd": 5}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # Inserted directly, then counted once: the submit path would add each to its
    # buckets one by one. Each citizen opens the survey at the counter and answers
    # within a few minutes; the roster at the opening moment decides whom it credits.
    rows = []
    day = first_day
    # Today included, up to now: every page has something to show on the 1st of a month.
    while day <= today:
        for key, target in targets.items():
            office = key != "ugd"
            if office and day.weekday() >= 5:
                continue
            for _ in range(rng.randint(volume[key] // 2, volume[key])):
                opened = calendar.to_utc(dt.datetime.combine(day, _random_time(rng, office)), ZONE)
                at = opened + dt.timedelta(seconds=rng.randint(40, 600))
                if at >= now:
                    continue
                shown = feedback.serving(session, target, opened)
                credit = attribution.credit(
                    attribution.Opening(opened, shown.id if shown else None), at
                )
                rows.append(_response(rng, target, credit, at, skill))
        day += dt.timedelta(days=1)
    session.execute(insert(Response), rows)
    stuffed = _stuffing(session, rng, targets["ktp"], today, now)
    if stuffed:
        session.execute(insert(Response), stuffed)
    rollups.rebuild(session)


def _stuffing(session, rng, target, today: dt.date, now: dt.datetime) -> list[dict]:
    """One phone rating the KTP-el counter "1" thirty times in ten minutes on the last
    weekday before today, judged by the integrity rules as the submit path would judge
    it, so the review page (/dasbor/integritas) has something to show."""
    day = today - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    rules = integrity.Rules()
    start = calendar.to_utc(dt.datetime.combine(day, dt.time(13, 5)), ZONE)
    device = f"{rng.getrandbits(128):032x}"  # a device hash, as portal.clients makes them
    rows = []
    for n in range(30):
        at = start + dt.timedelta(seconds=20 * n)
        opened = at - dt.timedelta(seconds=6)
        shown = feedback.serving(session, target, opened)
        credit = attribution.credit(attribution.Opening(opened, shown.id if shown else None), at)
        row = _response(rng, target, credit, at, {})
        row.update({f"u{k}": 1 for k in range(1, 10)}, comment=None, device_hash=device)
        evidence = integrity.Evidence(
            submitted_at=at,
            opened_at=opened,
            opened_local=calendar.to_local(opened, ZONE),
            hours=None,
            same_device_earlier=n,
            place_earlier=n,
            credited_employee_id=credit.employee_id,
        )
        row["flags"] = int(integrity.judge(rules, evidence))
        rows.append(row)
    if len(rows) > rules.burst_max:  # the burst takes its first answers with it
        for row in rows:
            row["flags"] |= integrity.Flag.BURST
    for row in rows:
        row["excluded"] = not rules.counted(row["flags"], None)
    return [row for row in rows if row["submitted_at"] < now]


def _user(login: DemoLogin, unit: Unit | None, employee: Employee | None = None) -> User:
    user = User(username=login.username, role=login.role, unit=unit, employee=employee)
    user.set_password(login.password)
    return user


def _add_roster(session, counters, employees, first: dt.date, last: dt.date) -> None:
    """Office hours Monday to Friday in two shifts that rotate; the UGD runs three shifts a day."""
    morning, noon, evening = dt.time(8), dt.time(12), dt.time(16)
    office_pairs = {
        "ktp": ("dukcapil-1", "dukcapil-2"),
        "kk": ("dukcapil-2", "dukcapil-1"),
        "akta": ("dukcapil-3", "dukcapil-4"),
        "pendaftaran": ("pkm-2", "pkm-4"),
    }
    ugd = ("pkm-1", "pkm-3", "pkm-4")
    day = first
    while day <= last:
        if day.weekday() < 5:
            for key, (a, b) in office_pairs.items():
                if day.toordinal() % 2:
                    a, b = b, a
                session.add(
                    DutyShift(
                        employee=employees[a],
                        counter=counters[key],
                        day=day,
                        starts=morning,
                        ends=noon,
                    )
                )
                session.add(
                    DutyShift(
                        employee=employees[b],
                        counter=counters[key],
                        day=day,
                        starts=noon,
                        ends=evening,
                    )
                )
        rotation = day.toordinal() % 3
        for index, (starts, ends) in enumerate(
            ((dt.time(7), dt.time(15)), (dt.time(15), dt.time(23)), (dt.time(23), dt.time(7)))
        ):
            who = ugd[(index + rotation) % 3]
            session.add(
                DutyShift(
                    employee=employees[who],
                    counter=counters["ugd"],
                    day=day,
                    starts=starts,
                    ends=ends,
                )
            )
        day += dt.timedelta(days=1)


def _random_time(rng: random.Random, office: bool) -> dt.time:
    minutes = rng.randint(8 * 60, 16 * 60 - 1) if office else rng.randint(0, 24 * 60 - 1)
    return dt.time(minutes // 60, minutes % 60, rng.randint(0, 59))


def _answer(rng: random.Random, mean: float) -> int:
    return max(1, min(4, round(rng.gauss(mean, 0.6))))


def _response(rng, target, credit, at, skill) -> dict:
    unit_quality = {"Pelayanan Pendaftaran Penduduk": 3.1, "Pelayanan Pencatatan Sipil": 3.3}.get(
        target.unit.name, 3.2
    )
    person = skill.get(credit.employee_id, 3.2)
    means = {
        "U1": unit_quality,
        "U2": unit_quality - 0.2,
        "U3": unit_quality - 0.3,
        "U4": 3.9,
        "U5": unit_quality,
        "U6": person,
        "U7": person + 0.1,
        "U8": 2.8,
        "U9": 2.6,
    }
    answers = {code: _answer(rng, mean) for code, mean in means.items()}
    if rng.random() < 0.05:
        answers[rng.choice(list(answers))] = None
    profile = rng.random() < 0.7
    return dict(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        opened_at=credit.opened_at,
        submitted_at=at,
        service_date=calendar.to_local(credit.counts_at, ZONE).date(),
        unit_id=target.unit.id,
        counter_id=target.counter.id,
        employee_id=credit.employee_id,
        attribution=credit.attribution,
        service_type_id=rng.choice(target.service_types).id if rng.random() < 0.8 else None,
        instrument_id=target.instrument_id,
        sex=rng.choice("LP") if profile else None,
        age=rng.randint(18, 70) if profile else None,
        education=rng.choice(["SD", "SMP", "SMA", "SMA", "D3", "S1", "S1", "S2"])
        if profile
        else None,
        occupation=rng.choice(["PNS", "Swasta", "Wirausaha", "Pelajar", "Lainnya"])
        if profile
        else None,
        comment=rng.choice(COMMENTS) if rng.random() < 0.15 else None,
        language="id",
        **{code.lower(): value for code, value in answers.items()},
    )

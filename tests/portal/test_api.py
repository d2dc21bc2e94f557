"""The appraisal API as the appraisal module uses it: keys, scope, periods, errors, bytes."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ApiCall, Response, Unit
from portal.services import api_clients, appraisal, feedback, snapshots
from surveys import periods, scoring
from surveys.policy import ReportPolicy
from tests import factories

ALL_FOUR = {f"U{n}": 4 for n in range(1, 10)}
MIXED = {"U1": 3, "U2": 2, "U3": 4, "U4": 3, "U5": 3, "U6": 4, "U7": 3, "U8": 2, "U9": 3}
JULY = dt.datetime(2026, 7, 10, 3, 0)  # 10:00 WIB
AFTER_Q3 = dt.datetime(2026, 10, 5)  # Q3 ended 30 September; 3 days of grace have passed


def _key(name="e-Kinerja", unit_id=None) -> str:
    _, key = api_clients.create(db.session, name, unit_id, by="admin")
    db.session.commit()
    return key


def _get(client, url, key, **headers):
    return client.get(url, headers={"Authorization": f"Bearer {key}", **headers})


def _problem(response, status, kind):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == f"urn:suara-layanan:problem:{kind}"
    return body


# Five respondents make a number about a person here (30 in production): the scope,
# validity and snapshot rules are the same, with a sixth of the submissions.
MINIMUM = 5


@pytest.fixture
def app_config():
    return {"REPORT_POLICY": ReportPolicy(minimum_for_person=MINIMUM)}


@pytest.fixture
def pemda(app):
    """A Pemda with two OPD units, an employee each credited by their own card."""
    root = factories.unit("Pemerintah Kabupaten Lampung Selatan", kind="pemda")
    disduk = factories.unit("Disdukcapil", parent=root)
    dinkes = factories.unit("Dinas Kesehatan", parent=root)
    siti = factories.employee(disduk, "Siti Rahmawati", nip="198703152010012001")
    budi = factories.employee(dinkes, "Budi Santoso", nip="198001012005011002")
    few = factories.employee(dinkes, "Ani Wijaya", nip="199002022015022003")
    for n in range(7):
        factories.respond(_card(siti), ALL_FOUR if n % 2 else MIXED, at=JULY, commit=False)
    for _ in range(5):
        factories.respond(_card(budi), MIXED, at=JULY, commit=False)
    for _ in range(2):
        factories.respond(_card(few), ALL_FOUR, at=JULY, commit=False)
    db.session.commit()
    return {
        "root": root,
        "disduk": disduk,
        "dinkes": dinkes,
        "siti": siti,
        "budi": budi,
        "few": few,
    }


def _card(employee):
    return feedback.target_for(db.session, employee.unit, card_employee=employee)


def _close(app, code, now=AFTER_Q3):
    snapshot = snapshots.close(
        db.session,
        periods.parse(code),
        by="test",
        settings=appraisal.Settings(app.config["APPRAISAL_THRESHOLDS"]),
        policy=app.config["REPORT_POLICY"],
        grace_days=app.config["PERIOD_GRACE_DAYS"],
        now=now,
    )
    db.session.commit()
    return snapshot


# --- keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer sl_not-a-key", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_a_call_without_a_valid_key_is_401_problem_json(client, pemda, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/periods", headers=headers)
    _problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_refused_at_once(client, pemda):
    key = _key()
    assert _get(client, "/api/v1/periods", key).status_code == 200
    client_id = db.session.scalar(select(ApiCall.client_id))
    api_clients.revoke(db.session, client_id, by="admin")
    db.session.commit()
    _problem(_get(client, "/api/v1/periods", key), 401, "unauthorized")


def test_keys_are_stored_hashed_and_every_call_is_logged(client, pemda):
    key = _key()
    stored = api_clients.listing(db.session)[0]
    assert key not in (stored.key_hash, stored.key_prefix) and stored.key_hash != key
    assert stored.last_used_at is None
    _get(client, "/api/v1/scores?period=2026-Q3", key)
    _get(client, "/api/v1/employees/000000000000000000/score?period=2026-Q3", key)
    calls = api_clients.recent_calls(db.session, stored.id)
    assert [(c.route, c.status) for c in calls] == [
        ("/api/v1/employees/<string:nip>/score", 404),
        ("/api/v1/scores", 200),
    ]
    db.session.refresh(stored)
    assert stored.last_used_at is not None


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "API_CLIENT_LIMIT": "2 per minute"}]
)
def test_a_client_over_its_limit_gets_429_problem_with_retry_after(client, pemda, app_config):
    key = _key()
    for _ in range(2):
        assert _get(client, "/api/v1/periods", key).status_code == 200
    response = _get(client, "/api/v1/periods", key)
    _problem(response, 429, "rate-limited")
    assert int(response.headers["Retry-After"]) > 0
    # Another client's key has its own allowance.
    assert _get(client, "/api/v1/periods", _key("SIMPEG")).status_code == 200


# --- scores -----------------------------------------------------------------------------


def test_an_employee_score_carries_every_field_and_equals_a_recount_of_the_answers(client, pemda):
    key = _key()
    body = _get(client, f"/api/v1/employees/{pemda['siti'].nip}/score?period=2026-Q3", key).json
    answers = [ALL_FOUR if n % 2 else MIXED for n in range(7)]
    expected = scoring.ikm(answers)
    assert body["nip"] == pemda["siti"].nip and body["name"] == "Siti Rahmawati"
    assert body["unit"] == {"id": pemda["disduk"].id, "name": "Disdukcapil"}
    assert body["period"] == {
        "id": "2026-Q3",
        "start": "2026-07-01",
        "end": "2026-09-30",
        "status": "open",
    }
    assert body["respondents"] == 7 and body["valid"] is True and body["reason"] is None
    assert body["score"] == float(expected.converted)
    assert body["ikm"] == float(expected.index)
    assert body["grade"] == expected.grade and body["label"] == expected.label
    assert body["ci95"] == {"low": float(expected.interval[0]), "high": float(expected.interval[1])}
    assert [u["code"] for u in body["unsur"]] == [f"U{n}" for n in range(1, 10)]
    assert body["unsur"][0]["name"] == "Persyaratan"
    assert body["unsur"][1]["nrr"] == float(expected.unsur["U2"].nrr)
    personal = scoring.from_statistics(
        sum((scoring.of_responses([a]) for a in answers), scoring.Statistics()), ("U6", "U7")
    )
    assert body["personal_index"] == {
        "value": float(personal.converted),
        "respondents": 7,
        "valid": True,
    }
    thresholds = body["expectation_thresholds"]
    assert thresholds == {"above": 88.31, "meets": 76.61}
    assert body["suggested_expectation"] == (
        "above" if body["score"] >= 88.31 else "meets" if body["score"] >= 76.61 else "below"
    )
    assert body["excluded_responses"] == {"count": 0, "by_reason": {}}
    assert body["method"] == scoring.METHOD and body["snapshot_id"] is None


def test_too_few_respondents_give_no_number_and_say_why(client, pemda):
    body = _get(client, f"/api/v1/employees/{pemda['few'].nip}/score?period=2026-Q3", _key()).json
    assert body["respondents"] == 2 and body["valid"] is False
    assert body["reason"] == "too_few_respondents" and body["minimum_respondents"] == MINIMUM
    for name in ("ikm", "score", "grade", "label", "ci95", "suggested_expectation"):
        assert body[name] is None, name
    assert all(u["nrr"] is None and u["grade"] is None for u in body["unsur"])
    assert body["personal_index"]["valid"] is False and body["personal_index"]["value"] is None
    # And nobody answered in another quarter.
    other = _get(
        client, f"/api/v1/employees/{pemda['few'].nip}/score?period=2026-Q1", _key("b")
    ).json
    assert other["respondents"] == 0 and other["reason"] == "no_responses"


def test_scores_walk_every_employee_in_nip_order_page_by_page(client, pemda):
    key = _key()
    extra = [factories.employee(pemda["disduk"], f"Pegawai {n}") for n in range(4)]
    db.session.commit()
    seen, url = [], "/api/v1/scores?period=2026-Q3&limit=2"
    while url:
        page = _get(client, url, key).json
        assert len(page["items"]) <= 2
        seen += [item["nip"] for item in page["items"]]
        cursor = page["next_cursor"]
        url = f"/api/v1/scores?period=2026-Q3&limit=2&cursor={cursor}" if cursor else None
    everyone = [pemda[k].nip for k in ("siti", "budi", "few")] + [e.nip for e in extra]
    assert seen == sorted(everyone)


def test_a_client_sees_only_its_unit_subtree_and_403_outside_it(client, pemda):
    key = _key("Dinkes", pemda["dinkes"].id)
    page = _get(client, "/api/v1/scores?period=2026-Q3", key).json
    assert sorted(i["nip"] for i in page["items"]) == sorted([pemda["budi"].nip, pemda["few"].nip])
    _problem(
        _get(client, f"/api/v1/employees/{pemda['siti'].nip}/score?period=2026-Q3", key),
        403,
        "forbidden",
    )
    _problem(
        _get(client, f"/api/v1/units/{pemda['disduk'].id}/score?period=2026-Q3", key),
        403,
        "forbidden",
    )
    _problem(
        _get(client, f"/api/v1/scores?period=2026-Q3&unit={pemda['root'].id}", key),
        403,
        "forbidden",
    )
    assert (
        _get(client, f"/api/v1/units/{pemda['dinkes'].id}/score?period=2026-Q3", key).status_code
        == 200
    )


def test_a_unit_score_lists_every_child(client, pemda):
    body = _get(client, f"/api/v1/units/{pemda['root'].id}/score?period=2026-Q3", _key()).json
    assert body["respondents"] == 14 and body["valid"] is True
    children = {c["unit"]["name"]: c for c in body["children"]}
    assert set(children) == {"Disdukcapil", "Dinas Kesehatan"}
    assert children["Dinas Kesehatan"]["respondents"] == 7


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/v1/employees/000000000000000000/score?period=2026-Q3", 404, "not-found"),
        ("/api/v1/units/999999/score?period=2026-Q3", 404, "not-found"),
        ("/api/v1/units/99999999999999999999/score?period=2026-Q3", 404, "not-found"),
        ("/api/v1/scores?period=2026-Q3&unit=999999", 404, "not-found"),
        ("/api/v1/nowhere", 404, "not-found"),
        ("/api/v1/scores?period=2026-Q5", 400, "invalid-period"),
        ("/api/v1/scores?period=2026-07-01..2026-07-05", 400, "invalid-period"),
        ("/api/v1/scores", 400, "invalid-period"),
        ("/api/v1/scores?period=2026&limit=0", 400, "invalid-parameter"),
        ("/api/v1/scores?period=2026&limit=abc", 400, "invalid-parameter"),
        ("/api/v1/scores?period=2026&unit=99999999999999", 400, "invalid-parameter"),
        ("/api/v1/scores?period=2026&cursor=%00%ff", 400, "invalid-cursor"),
        ("/api/v1/scores?period=2026&cursor=MTIz", 400, "invalid-cursor"),
        ("/api/v1/scores?period=2026&cursor=1987031520100120011", 400, "invalid-cursor"),
        ("/api/v1/scores?period=2026&snapshot=12345", 404, "not-found"),
    ],
)
def test_bad_requests_get_a_problem_never_html(client, pemda, url, status, kind):
    _problem(_get(client, url, _key()), status, kind)


def test_unknown_api_routes_are_problem_json_even_without_a_key(client):
    _problem(client.get("/api/v2/scores"), 404, "not-found")
    _problem(client.post("/api/v1/periods"), 405, "method-not-allowed")


def test_an_etag_round_trip_answers_304(client, pemda):
    key = _key()
    first = _get(client, "/api/v1/scores?period=2026-Q3", key)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = _get(
        client, "/api/v1/scores?period=2026-Q3", key, **{"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    factories.respond(_card(pemda["siti"]), MIXED, at=JULY)
    changed = _get(
        client, "/api/v1/scores?period=2026-Q3", key, **{"If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


# --- closed periods -------------------------------------------------------------------------


def test_a_period_cannot_close_before_its_grace_has_passed_in_every_zone(app, pemda):
    factories.unit("Unit di Jayapura", timezone="Asia/Jayapura", parent=pemda["root"])
    # 3 October 17:00 UTC is midnight in Jakarta: WIT reached 4 October two hours before.
    with pytest.raises(snapshots.NotClosable, match="2026-10-03 17:00"):
        _close(app, "2026-Q3", now=dt.datetime(2026, 10, 3, 16, 59))
    assert _close(app, "2026-Q3", now=dt.datetime(2026, 10, 3, 17, 0)).version == 1
    with pytest.raises(snapshots.NotClosable, match="already closed"):
        _close(app, "2026-Q3")


def test_a_closed_period_answers_the_same_bytes_after_new_answers_moves_and_reopenings(
    app, client, pemda
):
    key = _key()
    snapshot = _close(app, "2026-Q3")
    urls = [
        "/api/v1/scores?period=2026-Q3",
        f"/api/v1/employees/{pemda['siti'].nip}/score?period=2026-Q3",
        f"/api/v1/units/{pemda['root'].id}/score?period=2026-Q3",
    ]
    before = [_get(client, url, key) for url in urls]
    assert all(r.status_code == 200 for r in before)
    assert before[0].json["snapshot_id"] == snapshot.id
    assert before[1].json["period"]["status"] == "closed"
    # The period's URL is revalidated (a reopening changes it); the snapshot's never changes.
    assert before[0].headers["Cache-Control"] == "private, no-cache"
    named = _get(client, f"/api/v1/scores?period=2026-Q3&snapshot={snapshot.id}", key)
    assert "immutable" in named.headers["Cache-Control"] and named.data == before[0].data

    # A late answer counted in July, the employee moved to another unit, another
    # period closed and reopened: the frozen answers do not move.
    factories.respond(_card(pemda["siti"]), {"U1": 1, "U6": 1, "U7": 1}, opened_at=JULY, at=JULY)
    pemda["siti"].unit_id = pemda["dinkes"].id
    db.session.commit()
    _close(app, "2026-07")
    snapshots.reopen(db.session, periods.parse("2026-07"), by="test", reason="roster fixed")
    db.session.commit()

    after = [_get(client, url, key) for url in urls]
    assert [r.data for r in after] == [r.data for r in before]
    live = _get(client, f"/api/v1/employees/{pemda['siti'].nip}/score?period=2026-07", key).json
    assert live["respondents"] == 8 and live["period"]["status"] == "open"


def test_reopening_makes_a_new_version_and_the_old_stays_readable_by_id(app, client, pemda):
    key = _key()
    first = _close(app, "2026-Q3")
    old = _get(client, f"/api/v1/employees/{pemda['budi'].nip}/score?period=2026-Q3", key).data
    with pytest.raises(Exception, match="reason"):
        snapshots.reopen(db.session, periods.parse("2026-Q3"), by="test", reason=" ")
    snapshots.reopen(db.session, periods.parse("2026-Q3"), by="admin", reason="wrong roster")
    db.session.commit()
    factories.respond(_card(pemda["budi"]), ALL_FOUR, at=JULY)
    second = _close(app, "2026-Q3")
    assert second.version == 2 and second.id != first.id

    url = f"/api/v1/employees/{pemda['budi'].nip}/score?period=2026-Q3"
    assert _get(client, url, key).json["respondents"] == 6
    assert _get(client, f"{url}&snapshot={first.id}", key).data == old
    listed = {p["id"]: p for p in _get(client, "/api/v1/periods", key).json["items"]}
    q3 = listed["2026-Q3"]
    assert q3["status"] == "closed"
    assert [(s["id"], s["version"], s["current"]) for s in q3["snapshots"]] == [
        (first.id, 1, False),
        (second.id, 2, True),
    ]
    assert listed["2026-07"]["status"] == "open" and listed["2026"]["kind"] == "year"


def test_the_openapi_document_is_3_1_and_describes_every_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {
        "/api/v1/periods",
        "/api/v1/employees/{nip}/score",
        "/api/v1/scores",
        "/api/v1/units/{unit_id}/score",
    }
    score = doc["components"]["schemas"]["EmployeeScore"]
    assert score["properties"]["score"]["type"] == ["number", "null"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_period_closed_without_responses_is_listed_and_later_units_are_404(app, client, pemda):
    key = _key()
    empty = _close(app, "2026-Q1", now=AFTER_Q3)
    listed = {p["id"]: p for p in _get(client, "/api/v1/periods", key).json["items"]}
    assert listed["2026-Q1"]["status"] == "closed"
    assert listed["2026-Q1"]["snapshots"][0]["id"] == empty.id
    late = Unit(name="Unit baru", parent=pemda["root"])
    db.session.add(late)
    db.session.commit()
    _problem(_get(client, f"/api/v1/units/{late.id}/score?period=2026-Q1", key), 404, "not-found")


def test_the_api_sees_units_created_after_the_client(client, pemda):
    key = _key()
    late = Unit(name="Unit baru", parent=pemda["root"])
    db.session.add(late)
    db.session.commit()
    body = _get(client, f"/api/v1/units/{late.id}/score?period=2026-Q3", key).json
    assert body["respondents"] == 0 and body["valid"] is False and json.dumps(body)


def test_every_score_on_a_page_equals_a_recount_of_its_stored_answers(client, pemda):
    """Independent of the rollups: read the stored responses back and score them."""
    rng = random.Random(13)
    unit = pemda["disduk"]
    people = [factories.employee(unit, f"Pegawai {n}") for n in range(5)]
    for person in people:
        for _ in range(rng.randint(2, 9)):
            answers = {f"U{n}": rng.choice([None, 1, 2, 3, 4, 4]) for n in range(1, 10)}
            at = JULY + dt.timedelta(days=rng.randint(0, 80), hours=rng.randint(0, 8))
            factories.respond(_card(person), answers, at=at, commit=False)
    db.session.commit()
    page = _get(client, f"/api/v1/scores?period=2026-Q3&unit={unit.id}", _key()).json
    by_nip = {item["nip"]: item for item in page["items"]}
    for person in [pemda["siti"], *people]:
        stored = db.session.scalars(
            select(Response).where(
                Response.employee_id == person.id,
                Response.service_date >= dt.date(2026, 7, 1),
                Response.service_date < dt.date(2026, 10, 1),
            )
        ).all()
        expected = scoring.ikm([r.answers for r in stored])
        item = by_nip[person.nip]
        assert item["respondents"] == expected.respondents
        if item["valid"]:
            assert item["score"] == float(expected.converted)
            assert item["ci95"] == {
                "low": float(expected.interval[0]),
                "high": float(expected.interval[1]),
            }
            for unsur in item["unsur"]:
                exact = expected.unsur[unsur["code"]]
                assert unsur["respondents"] == exact.respondents
        else:
            assert expected.respondents < MINIMUM and item["score"] is None


def test_every_object_served_is_exactly_what_its_schema_serializes(app, client, pemda):
    """Frozen objects are sent as stored, so they must already be the schema's output."""
    from portal.api import schemas

    key = _key()
    nip, root = pemda["siti"].nip, pemda["root"].id
    urls = {
        schemas.ScoresPage: "/api/v1/scores?period=2026-Q3",
        schemas.EmployeeScore: f"/api/v1/employees/{nip}/score?period=2026-Q3",
        schemas.UnitScore: f"/api/v1/units/{root}/score?period=2026-Q3",
    }
    live = {schema: _get(client, url, key).json for schema, url in urls.items()}
    _close(app, "2026-Q3")
    frozen = {schema: _get(client, url, key).json for schema, url in urls.items()}
    for answers in (live, frozen):
        for schema, body in answers.items():
            assert schema().dump(body) == body, schema.__name__
    live, frozen = live[schemas.ScoresPage], frozen[schemas.ScoresPage]
    assert [i["score"] for i in frozen["items"]] == [i["score"] for i in live["items"]]

"""The citizen's path: open a counter's survey, answer, submit, and be counted."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.models import Attribution, Response, Rollup
from portal.services import feedback, rollups
from surveys import calendar
from tests import factories
from tests.conftest import ALL_FOURS, TEST_REDIS_URL, hidden_fields


@pytest.fixture
def loket(session):
    unit = factories.unit("Pelayanan Pendaftaran Penduduk")
    counter = factories.counter(unit, "Loket 1 — KTP-el")
    session.commit()
    return counter


def _responses(session):
    return session.scalars(select(Response)).all()


def _on_duty_now(session, counter, name="Siti Rahmawati"):
    """Give ``counter`` a shift that covers the current local time."""
    employee = factories.employee(counter.unit, name)
    local = calendar.to_local(dt.datetime.now(dt.UTC), counter.unit.timezone)
    factories.shift(employee, counter, local.date() - dt.timedelta(days=1), "00:00", "00:00")
    factories.shift(employee, counter, local.date(), "00:00", "00:00")
    session.commit()
    return employee


def test_survey_page_names_the_place_and_asks_nine_official_questions(client, session, loket):
    _on_duty_now(session, loket)
    page = client.get(factories.survey_path(loket))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pelayanan Pendaftaran Penduduk" in html and "Loket 1 — KTP-el" in html
    assert "Petugas yang melayani Anda" in html and "Siti Rahmawati" in html
    for n in range(1, 10):
        assert len(re.findall(rf'name="U{n}" type="radio" value="[1-4]"', html)) == 4
    assert "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?" in html
    assert "Sangat sopan dan ramah" in html and "Gratis" in html
    assert '<html lang="id">' in html


def test_each_visitor_gets_their_own_token_submission_id_and_opening_record(app, session, loket):
    # The questionnaire is rendered once per process and reused; the per-visitor values
    # around it must differ, and nothing else may.
    path = factories.survey_path(loket)
    first, second = app.test_client(), app.test_client()
    pages = [c.get(path).get_data(as_text=True) for c in (first, second, first)]
    fields = [hidden_fields(page) for page in pages]
    assert len({f["submission_id"] for f in fields}) == 3
    assert len({f["opened"] for f in fields}) >= 2  # two devices; one device may repeat
    assert fields[0]["csrf_token"] != fields[1]["csrf_token"]
    blanked = {
        re.sub(
            r'(name="(?:csrf_token|submission_id|opened)" type="hidden" value=)"[^"]*"', r"\1", p
        )
        for p in pages
    }
    assert len(blanked) == 1

    assert second.post(path, data={**fields[1], **ALL_FOURS}).status_code == 303
    assert first.post(path, data={**fields[2], **ALL_FOURS}).status_code == 303
    assert len(_responses(session)) == 2


def test_the_page_follows_the_roster_through_the_day(client, session, loket, monkeypatch):
    employee = factories.employee(loket.unit, "Siti Rahmawati")
    factories.shift(employee, loket, dt.date(2026, 3, 2), "08:00", "12:00")
    session.commit()
    path = factories.survey_path(loket)
    # 11:59 and 12:00 in Jakarta (UTC+7), with no change to the directory in between.
    for utc, on_duty in (("04:59", True), ("05:00", False), ("04:00", True)):
        at = dt.datetime.fromisoformat(f"2026-03-02T{utc}")
        monkeypatch.setattr(feedback, "utcnow", lambda at=at: at)
        assert ("Siti Rahmawati" in client.get(path).get_data(as_text=True)) is on_duty, utc


def test_a_survey_deep_in_the_tree_asks_the_questionnaire_set_above_it(client, session):
    pemda = factories.unit("Pemerintah Kabupaten Contoh", kind="pemda")
    opd = factories.unit("Dinas Kependudukan", kind="opd", parent=pemda)
    counter = factories.counter(factories.unit("Pelayanan KTP-el", parent=opd), "Loket 3")
    session.commit()
    html = client.get(factories.survey_path(counter)).get_data(as_text=True)
    assert "Loket 3" in html
    assert len(re.findall(r'name="U9" type="radio"', html)) == 4


def test_the_survey_shows_service_types_as_the_unit_has_them_now(client, session, loket):
    path = factories.survey_path(loket)
    assert "Perekaman KTP-el" not in client.get(path).get_data(as_text=True)
    kind = factories.service_type(loket.unit, "Perekaman KTP-el")
    session.commit()
    assert "Perekaman KTP-el" in client.get(path).get_data(as_text=True)
    kind.name = "Pencetakan KTP-el"
    session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Pencetakan KTP-el" in html and "Perekaman KTP-el" not in html


def test_a_submission_is_stored_attributed_to_the_employee_on_duty_and_counted(
    citizen, session, loket
):
    employee = _on_duty_now(session, loket)
    result = citizen.submit(
        factories.survey_path(loket),
        {**ALL_FOURS, "U9": "2"},
        comment="  Petugas ramah.  ",
        sex="P",
    )
    assert result.status_code == 303
    assert "/terima-kasih?kode=" in result.headers["Location"]
    thanks = citizen.client.get(result.headers["Location"]).get_data(as_text=True)
    assert f'href="/hasil/{loket.unit_id}"' in thanks  # the published results, one tap away

    [response] = _responses(session)
    assert response.counter_id == loket.id and response.unit_id == loket.unit_id
    assert response.employee_id == employee.id
    assert response.attribution == Attribution.ROSTER
    assert response.answers == {**{f"U{n}": 4 for n in range(1, 9)}, "U9": 2}
    assert response.comment == "Petugas ramah."
    assert response.sex == "P" and response.language == "id"
    assert response.instrument.code == "skm-2017"
    assert abs(response.submitted_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=1
    )

    [bucket] = session.scalars(select(Rollup)).all()
    assert bucket.respondents == 1 and bucket.u9_2 == 1 and bucket.u1_4 == 1
    assert bucket.employee_id == employee.id

    thanks = citizen.client.get(result.headers["Location"])
    assert thanks.status_code == 200
    assert response.receipt in thanks.get_data(as_text=True)


def test_outside_any_shift_the_response_counts_for_counter_and_unit_only(citizen, session, loket):
    employee = factories.employee(loket.unit)
    factories.shift(employee, loket, dt.date(2020, 1, 1), "08:00", "16:00")
    session.commit()
    citizen.submit(factories.survey_path(loket))
    [response] = _responses(session)
    assert response.employee_id is None
    assert response.attribution == Attribution.NONE
    assert response.counter_id == loket.id


def test_two_employees_on_duty_at_once_credits_neither(citizen, session, loket):
    _on_duty_now(session, loket, "Siti Rahmawati")
    _on_duty_now(session, loket, "Ahmad Fauzi")
    page = citizen.open(factories.survey_path(loket)).get_data(as_text=True)
    assert "Petugas yang melayani Anda" not in page
    citizen.submit(factories.survey_path(loket))
    assert _responses(session)[0].attribution == Attribution.NONE


def test_personal_card_credits_its_employee(citizen, session, loket):
    employee = factories.employee(loket.unit, "Dewi Lestari")
    session.commit()
    citizen.submit(factories.card_path(employee))
    [response] = _responses(session)
    assert response.employee_id == employee.id
    assert response.attribution == Attribution.CARD
    assert response.counter_id is None


def test_a_partly_answered_survey_is_accepted_with_blanks_not_zeros(citizen, session, loket):
    assert citizen.submit(factories.survey_path(loket), {"U1": "3", "U7": "4"}).status_code == 303
    [response] = _responses(session)
    assert response.answers["U1"] == 3 and response.answers["U2"] is None
    [bucket] = session.scalars(select(Rollup)).all()
    assert bucket.respondents == 1 and bucket.u2_1 == bucket.u2_4 == 0


def test_a_submission_without_any_answer_is_refused(citizen, session, loket):
    page = citizen.submit(factories.survey_path(loket), {})
    assert page.status_code == 422
    assert "Jawab setidaknya satu pertanyaan" in page.get_data(as_text=True)
    assert _responses(session) == []


def test_invalid_input_is_refused_with_a_message_per_problem_and_valid_answers_kept(
    citizen, session, loket
):
    answers = {**ALL_FOURS, "U3": "7", "U5": "2"}
    page = citizen.submit(
        factories.survey_path(loket), answers, comment="x" * 1001, age="seratus", sex="X"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert _responses(session) == []
    assert "Penilaian Anda belum terkirim" in html
    assert html.count("Pilihan tidak dikenal") >= 2  # U3 and sex
    assert "Komentar paling banyak 1000 karakter" in html
    assert "Isi dengan angka" in html
    # The citizen's valid choices are still selected, and the long comment is still there.
    assert re.search(
        r'name="U5" type="radio" value="2" checked|checked[^>]*name="U5"[^>]*value="2"', html
    ) or re.search(r'<input checked id="U5-1" name="U5" type="radio" value="2">', html)
    assert re.search(r'<input checked id="U1-3" name="U1" type="radio" value="4">', html)
    assert "x" * 1001 in html


def test_a_comment_of_exactly_the_limit_is_accepted(citizen, session, loket):
    assert citizen.submit(factories.survey_path(loket), comment="y" * 1000).status_code == 303
    assert len(_responses(session)[0].comment) == 1000


def test_csrf_is_enforced_and_the_answers_survive(client, session, loket):
    path = factories.survey_path(loket)
    fields = hidden_fields(client.get(path).get_data(as_text=True))
    page = client.post(path, data={**ALL_FOURS, "submission_id": fields["submission_id"]})
    assert page.status_code == 422
    assert _responses(session) == []
    html = page.get_data(as_text=True)
    assert "Formulir sudah terlalu lama terbuka" in html
    assert re.search(r'<input checked id="U2-3" name="U2" type="radio" value="4">', html)
    forged = client.post(path, data={**ALL_FOURS, **fields, "csrf_token": "forged"})
    assert forged.status_code == 422 and _responses(session) == []


def test_a_tampered_submission_id_is_refused(citizen, session, loket):
    page = citizen.submit(factories.survey_path(loket), submission_id="not-a-uuid")
    assert page.status_code == 422
    assert "Formulir ini tidak utuh" in page.get_data(as_text=True)
    assert _responses(session) == []


def test_a_double_submit_stores_the_response_once(client, session, loket):
    path = factories.survey_path(loket)
    data = {**hidden_fields(client.get(path).get_data(as_text=True)), **ALL_FOURS}
    first, second = client.post(path, data=data), client.post(path, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_responses(session)) == 1
    assert session.scalar(select(func.sum(Rollup.__table__.c.respondents))) == 1


def test_a_post_without_a_submission_id_is_refused_never_given_a_new_one(client, session, loket):
    path = factories.survey_path(loket)
    fields = hidden_fields(client.get(path).get_data(as_text=True))
    del fields["submission_id"]
    answers = [client.post(path, data={**fields, **ALL_FOURS}) for _ in range(5)]
    assert [a.status_code for a in answers] == [422] * 5
    assert _responses(session) == []
    html = answers[0].get_data(as_text=True)
    assert "Formulir ini tidak utuh" in html
    # The page offers a fresh id to send the same answers again, once, by hand.
    again = {**hidden_fields(html), **ALL_FOURS}
    assert again["submission_id"]
    assert client.post(path, data=again).status_code == 303
    assert client.post(path, data=again).status_code == 303
    assert len(_responses(session)) == 1


def test_an_unknown_link_is_a_friendly_404(client):
    for path in ["/s/nonsense", "/s/WyJjIiw5OTksMV0.forged-signature", "/s/" + "a" * 500]:
        page = client.get(path)
        assert page.status_code == 404
        assert "Survei tidak ditemukan" in page.get_data(as_text=True)


def test_a_signed_link_to_a_counter_that_does_not_exist_is_a_404(client, app):
    from portal import links, tokens

    with app.test_request_context():
        path = links.survey_path(tokens.sign(tokens.COUNTER, 999, 1))
    assert client.get(path).status_code == 404


def test_a_revoked_link_is_a_friendly_410_and_cannot_be_submitted(citizen, session, loket):
    path = factories.survey_path(loket)
    page = citizen.open(path)
    fields = hidden_fields(page.get_data(as_text=True))
    loket.token_version += 1
    session.commit()
    gone = citizen.client.get(path)
    assert gone.status_code == 410
    assert "Tautan sudah tidak berlaku" in gone.get_data(as_text=True)
    assert citizen.client.post(path, data={**fields, **ALL_FOURS}).status_code == 410
    assert _responses(session) == []
    assert citizen.client.get(factories.survey_path(loket)).status_code == 200


def test_a_forged_receipt_code_is_not_shown(client, loket):
    path = factories.survey_path(loket) + "/terima-kasih?kode=<script>"
    assert client.get(path).status_code == 404


def test_the_raw_address_is_never_stored_only_a_keyed_hash(citizen, session, loket):
    citizen.client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    citizen.submit(factories.survey_path(loket))
    [response] = _responses(session)
    stored = " ".join(str(getattr(response, c.key)) for c in Response.__table__.columns)
    assert "203.0.113.77" not in stored
    assert re.fullmatch(r"[0-9a-f]{32}", response.client_hash)


def test_the_rollup_matches_a_recomputation_after_several_submissions(citizen, session, loket):
    _on_duty_now(session, loket)
    for answers in ({"U1": "1"}, {"U1": "2", "U9": "3"}, ALL_FOURS):
        citizen.submit(factories.survey_path(loket), answers)
    incremental = rollups.bucket_statistics(session)
    rollups.rebuild(session)
    assert rollups.bucket_statistics(session) == incremental


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "SURVEY_DEVICE_LIMIT": "2 per minute"}]
)
def test_one_device_beyond_its_limit_gets_its_answers_back_with_a_429(
    citizen, session, loket, app_config
):
    path = factories.survey_path(loket)
    assert [citizen.submit(path).status_code for _ in range(2)] == [303, 303]
    limited = citizen.submit(path, {**ALL_FOURS, "U3": "2"}, comment="Antrean lama.")
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 61
    assert "Terlalu banyak penilaian" in html
    # The form is shown again with the citizen's answers and comment in it.
    assert re.search(r'<input checked id="U3-1" name="U3" type="radio" value="2">', html)
    assert "Antrean lama." in html
    assert citizen.client.get(path).status_code == 200
    assert len(_responses(session)) == 2


@pytest.fixture
def survey_limit_keys():
    """Yield a function listing the survey's limit keys in the test Redis; clear them around.

    The limiter is one object per process and keeps the key prefix of the first app it
    was given, so the keys are found by the limited endpoint rather than by a prefix.
    """
    import redis

    store = redis.Redis.from_url(TEST_REDIS_URL)

    def keys():
        return store.keys("*citizen.survey*")

    for key in keys():
        store.delete(key)
    yield keys
    for key in keys():
        store.delete(key)
    store.close()


@pytest.mark.skipif(
    not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set: Redis-backed limit skipped"
)
@pytest.mark.parametrize(
    "app_config",
    [
        {
            "RATELIMIT_ENABLED": True,
            "SURVEY_DEVICE_LIMIT": "2 per minute",
            "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "redis://unset",
        }
    ],
)
def test_the_submission_limit_is_kept_in_redis(
    citizen, session, loket, app_config, survey_limit_keys
):
    path = factories.survey_path(loket)
    assert [citizen.submit(path).status_code for _ in range(3)] == [303, 303, 429]
    keys = survey_limit_keys()
    assert keys, "the limiter wrote nothing to Redis"
    assert not [k for k in keys if b"127.0.0.1" in k], "Redis holds the client's address"


def test_limits_are_counted_per_address_under_a_keyed_hash_not_the_address(app):
    from portal.extensions import client_address

    def key(address):
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return client_address()

    assert key("203.0.113.7") == key("203.0.113.7") != key("203.0.113.8")
    assert "203.0.113" not in key("203.0.113.7")


def test_a_dissatisfied_citizen_is_pointed_to_the_complaint_channel(citizen, session, loket):
    path = factories.survey_path(loket)
    thanks = citizen.client.get(citizen.submit(path, {**ALL_FOURS, "U3": "1"}).headers["Location"])
    html = thanks.get_data(as_text=True)
    assert "Kami mohon maaf" in html and 'href="https://www.lapor.go.id"' in html
    assert "SP4N-LAPOR!" in html

    satisfied = citizen.client.get(citizen.submit(path).headers["Location"]).get_data(as_text=True)
    assert "Kami mohon maaf" not in satisfied
    assert 'href="https://www.lapor.go.id"' in satisfied  # offered, not pressed


def test_the_units_own_complaint_channel_wins_over_the_national_one(citizen, session, loket):
    loket.unit.complaint_url = "https://pengaduan.lampungselatankab.go.id"
    session.commit()
    result = citizen.submit(factories.survey_path(loket), {"U1": "1"})
    html = citizen.client.get(result.headers["Location"]).get_data(as_text=True)
    assert 'href="https://pengaduan.lampungselatankab.go.id"' in html
    assert "lapor.go.id" not in html


def test_the_low_score_note_is_only_for_the_browser_that_answered(
    citizen, client, app, session, loket
):
    result = citizen.submit(factories.survey_path(loket), {"U1": "1"})
    other_browser = app.test_client()
    html = other_browser.get(result.headers["Location"]).get_data(as_text=True)
    assert "Kami mohon maaf" not in html

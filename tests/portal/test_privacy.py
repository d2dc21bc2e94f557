"""Retention: `flask privacy purge` erases comments and client hashes, never a score."""

import datetime as dt
import json

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Response, utcnow
from portal.services import feedback, privacy, rollups
from tests import factories

NOW = utcnow()
OLD = NOW - dt.timedelta(days=400)
RECENT = NOW - dt.timedelta(days=10)


@pytest.fixture
def responses(session):
    """Three old responses (two with a comment or hash), and one recent with both."""
    counter = factories.counter()
    session.commit()
    target = feedback.target_for(session, counter.unit, counter=counter)
    made = [
        ({"U1": 1, "U5": 2}, OLD, {"comment": "Antrean lama sekali", "client_hash": "a" * 32}),
        ({"U1": 4}, OLD + dt.timedelta(days=1), {"client_hash": "b" * 32, "sex": "P", "age": 40}),
        ({"U1": 3, "U9": 3}, OLD + dt.timedelta(days=2), {}),
        ({"U1": 2}, RECENT, {"comment": "Ramah", "client_hash": "c" * 32}),
    ]
    for answers, at, fields in made:
        factories.respond(target, answers, at=at, **fields)
    return made


def _buckets(session):
    return {grain.table.name: rollups.bucket_statistics(session, grain) for grain in rollups.GRAINS}


def _scores(session):
    """Everything a score is made of: each response's answers, profile and attribution."""
    rows = session.scalars(select(Response).order_by(Response.submitted_at)).all()
    return [
        (r.id, r.answers, r.sex, r.age, r.education, r.occupation, r.employee_id, r.service_date)
        for r in rows
    ]


def _kept(session):
    rows = session.scalars(select(Response).order_by(Response.submitted_at)).all()
    return [(r.comment, r.client_hash) for r in rows]


def _purges(session):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purge")).all()


def test_the_purge_erases_old_comments_and_hashes_and_keeps_every_score(runner, session, responses):
    scores, buckets = _scores(session), _buckets(session)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    columns = ", ".join(privacy.PURGED_COLUMNS)
    assert f"Purged {columns} of 2 responses older than 365 days." in result.output
    session.expire_all()
    assert _kept(session) == [(None, None), (None, None), (None, None), ("Ramah", "c" * 32)]
    assert _scores(session) == scores
    assert _buckets(session) == buckets
    rollups.rebuild(session)  # and a recount from the raw responses agrees
    assert _buckets(session) == buckets


def test_the_purge_is_audited_and_a_second_run_changes_nothing(runner, session, responses):
    runner.invoke(args=["privacy", "purge"])
    [event] = _purges(session)
    assert event.actor.startswith("cli") and event.target_type == "response"
    assert json.loads(event.before) == {"columns": list(privacy.PURGED_COLUMNS)}
    assert json.loads(event.after)["rows"] == 2
    again = runner.invoke(args=["privacy", "purge"])
    assert "of 0 responses" in again.output
    assert len(_purges(session)) == 1  # nothing changed, nothing recorded


def test_a_dry_run_counts_and_changes_nothing(runner, session, responses):
    before = _kept(session)
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 2 responses older than 365 days hold comment, client_hash" in result.output
    session.expire_all()
    assert _kept(session) == before and _purges(session) == []


def test_the_purge_works_in_batches(runner, session, responses):
    result = runner.invoke(args=["privacy", "purge", "--batch", "1"])
    assert "of 2 responses" in result.output
    assert [json.loads(e.after)["rows"] for e in _purges(session)] == [1, 1]


@pytest.mark.parametrize("app_config", [{"RETENTION_DAYS": 5}])
def test_the_retention_is_configured(runner, session, responses, app_config):
    result = runner.invoke(args=["privacy", "purge"])
    assert "of 3 responses older than 5 days" in result.output
    session.expire_all()
    assert _kept(session)[-1] == (None, None)


def test_every_purged_column_is_a_column_of_response():
    assert set(privacy.PURGED_COLUMNS) <= set(Response.__table__.columns.keys())


def test_the_survey_page_says_what_is_kept_and_links_the_privacy_page(client, session):
    counter = factories.counter()
    session.commit()
    page = client.get(factories.survey_path(counter)).get_data(as_text=True)
    assert "Privasi: survei ini anonim" in page and "dihapus setelah 365 hari" in page
    assert 'href="/privasi"' in page
    client.get("/bahasa/en")
    page = client.get(factories.survey_path(counter)).get_data(as_text=True)
    assert "Privacy: this survey is anonymous" in page and "deleted after 365 days" in page


@pytest.mark.parametrize("app_config", [{"RETENTION_DAYS": 90, "CLIENT_HASH_ROTATION_DAYS": 7}])
def test_the_privacy_page_is_public_and_states_the_configured_periods(client, app_config):
    page = client.get("/privasi")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "dihapus setelah 90 hari" in text and "berganti setiap 7 hari" in text
    assert 'href="/privasi"' in client.get("/").get_data(as_text=True)

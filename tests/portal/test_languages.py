"""Bahasa Indonesia by default, English complete, chosen by the browser or by the switch."""

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from portal.i18n import format_count, format_score
from portal.models import Response
from tests import factories
from tests.conftest import ALL_FOURS

ROOT = Path(__file__).resolve().parents[2]
# Everyday Indonesian words that no English page should contain. Official terms (IKM,
# SKM, unsur, NIP, OPD, loket) legitimately stay Indonesian and are not listed.
INDONESIAN = re.compile(
    r"\b(Anda|yang|dan|untuk|dengan|tidak|Kirim|Terima|kasih|Silakan|Pilih|kami|Survei|Petugas)\b"
)


@pytest.fixture
def loket(session):
    counter = factories.counter(factories.unit("Unit A"), "Counter 1")
    factories.service_type(counter.unit, "Service X")
    session.commit()
    return counter


def _english_leftovers(html: str) -> list[str]:
    html = re.sub(r'value="[^"]*"', "", html)  # tokens and ids are random text
    html = re.sub(r'href="[^"]*"|action="[^"]*"', "", html)
    html = re.sub(r'lang="id"[^>]*>[^<]*<', ">", html)  # the switch names "Bahasa Indonesia"
    return INDONESIAN.findall(html)


def test_indonesian_is_the_default(client, loket):
    html = client.get(factories.survey_path(loket)).get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Kirim penilaian" in html and "Bagaimana pendapat Saudara" in html


@pytest.mark.parametrize("header", ["en-US,en;q=0.9", "en"])
def test_the_browser_language_picks_english(client, loket, header):
    html = client.get(factories.survey_path(loket), headers={"Accept-Language": header}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html
    assert "Send rating" in html
    assert "How quickly was the service delivered?" in html
    assert "Very polite and friendly" in html


def test_an_unsupported_language_falls_back_to_indonesian(client, loket):
    html = client.get(factories.survey_path(loket), headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert '<html lang="id">' in html


def test_the_switch_is_remembered_and_returns_to_the_page(client, loket):
    path = factories.survey_path(loket)
    page = client.get(path).get_data(as_text=True)
    assert f'href="/bahasa/en?next={path}"' in page
    switched = client.get(f"/bahasa/en?next={path}")
    assert switched.status_code == 302 and switched.headers["Location"] == path
    again = client.get(path, headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<html lang="en">' in again
    cookie = client.get_cookie("lang")
    assert cookie.value == "en" and cookie.expires is not None  # survives closing the browser
    assert cookie.http_only
    assert client.get_cookie("session").expires is None  # the session is not made to last
    client.get("/bahasa/id")
    assert '<html lang="id">' in client.get(path).get_data(as_text=True)


def test_the_switch_never_leaves_the_site_and_knows_its_languages(client):
    assert client.get("/bahasa/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/bahasa/jv").status_code == 404


def test_english_pages_have_no_untranslated_text(citizen, client, loket):
    client.get("/bahasa/en")
    path = factories.survey_path(loket)
    survey = client.get(path).get_data(as_text=True)
    invalid = citizen.submit(path, {"U1": "9"}, comment="x" * 1001, age="abc").get_data(
        as_text=True
    )
    thanks = client.get(citizen.submit(path, {**ALL_FOURS, "U3": "1"}).headers["Location"])
    errors = [
        client.get("/s/unknown").get_data(as_text=True),
        client.get("/tidak-ada").get_data(as_text=True),
        client.get("/masuk").get_data(as_text=True),
        client.get("/").get_data(as_text=True),
    ]
    for html in [survey, invalid, thanks.get_data(as_text=True), *errors]:
        assert _english_leftovers(html) == []
    assert "Unknown choice" in invalid and "at most 1000 characters" in invalid
    assert "Enter a number" in invalid


def test_a_response_records_the_language_it_was_given_in(citizen, client, session, loket):
    client.get("/bahasa/en")
    citizen.submit(factories.survey_path(loket))
    assert session.scalar(select(Response.language)) == "en"


def test_scores_and_dates_follow_the_locale(app):
    with app.test_request_context():
        with force_locale("id"):
            assert format_score(Decimal("88.31")) == "88,31"
            assert format_score(Decimal("1234.5")) == "1.234,50"
            # A score is rounded once, in surveys.scoring; a second rounding is refused.
            with pytest.raises(ValueError):
                format_score(Decimal("88.305"))
            assert format_score(Decimal("3.0507"), 4) == "3,0507"  # an index, 4 places
            assert format_count(1612) == "1.612"
            rendered = app.jinja_env.from_string('{{ d|dateformat("MMMM yyyy") }}').render(
                d=dt.date(2026, 8, 1)
            )
            assert rendered == "Agustus 2026"
        with force_locale("en"):
            assert format_score(Decimal("88.31")) == "88.31"
            assert format_score(None) == "–"
            assert format_count(1612) == "1,612"


def test_the_english_catalog_is_complete_and_current(tmp_path):
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
        + ["-k", "_l", "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as pot:
        in_source = {m.id for m in read_po(pot) if m.id}
    in_catalog = {m.id for m in catalog if m.id}
    assert in_source - in_catalog == set(), "run `make translations` and translate"


def test_every_stored_occupation_has_a_name_in_both_languages(app):
    from portal import labels
    from surveys.respondents import OCCUPATIONS

    assert tuple(labels.OCCUPATION) == OCCUPATIONS
    with app.test_request_context(), force_locale("en"):
        assert str(labels.profile_label("occupation", "Pelajar")) == "Student"
        assert str(labels.profile_label("sex", "")) == "not stated"

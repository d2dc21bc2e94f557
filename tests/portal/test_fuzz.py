"""No input makes the portal answer 5xx or store what a malformed request sent.

Every rule of the URL map, with every method it takes, is called as an anonymous visitor
and as a signed-in administrator, its converters filled with valid ids and hostile
values (huge, negative, unicode, NUL, very long). Hypothesis then sends thousands of
malformed requests: random bodies and content types, form fields with control
characters and invalid UTF-8, huge numbers, hostile query strings and headers. None may
answer 5xx or show a stack trace, none may store a survey response, and no text column
of any table may end up holding a control character.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.models import Base, FollowUpAction, Response, RosterPattern
from portal.services import api_clients, feedback
from tests import factories
from tests.conftest import hidden_fields, login

pytestmark = pytest.mark.slow

# Values no converter should turn into a 5xx: beyond any integer column, negative,
# non-ASCII, NUL and other control characters, longer than int() will parse.
HOSTILE = (
    "0",
    "2147483648",
    "99999999999999999999",
    "-1",
    "1e9",
    "ñ中文🙂",
    "a\x00b",
    "\x01\x1b\x7f",
    "..%2f..",
    "9" * 5000,
    "x" * 3000,
    " ",
)
# Control characters that must never reach a text column (tab, LF and CR may).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONVERTER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
# Where every request goes as the admin would go: an upload token that names no file.
UPLOAD_TOKEN = "0123456789abcdef0123456789abcdef"
# Field and query names the portal reads somewhere, and a few it never does.
NAMES = (
    "csrf_token",
    "submission_id",
    "opened",
    "comment",
    "U1",
    "U9",
    "sex",
    "age",
    "education",
    "occupation",
    "service_type",
    "username",
    "password",
    "current",
    "new",
    "confirm",
    "name",
    "nip",
    "position",
    "unit",
    "kind",
    "parent",
    "active",
    "status",
    "reason",
    "note",
    "day",
    "employee",
    "counter",
    "starts",
    "ends",
    "weekday",
    "minggu",
    "periode",
    "population",
    "action",
    "owner",
    "due",
    "unsur",
    "q",
    "hal",
    "dari",
    "sampai",
    "oleh",
    "tindakan",
    "jenis",
    "induk",
    "kode",
    "next",
    "snapshot",
    "period",
    "cursor",
    "limit",
    "after",
    "v",
    "min",
    "max",
    "\x00",
    "ñ",
)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
METHODS = BODY_METHODS | {"GET", "HEAD", "OPTIONS"}
# Per role and database; with the walk, about 3,000 requests a database.
EXAMPLES = 200
ALL = list(HealthCheck)
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
    "application/xml",
    "application/octet-stream",
    "text/html; charset=utf-7",
    "\x00/\x00",
    "",
)


@pytest.fixture
def world(app, session):
    root = factories.unit("Pemerintah Kota Pangkalpinang", kind="pemda")
    other = factories.unit("Dinas Kesehatan", parent=root)
    counter = factories.counter(other, "Loket Pendaftaran")
    stranger = factories.employee(other, "Budi Santoso")
    service = factories.service_type(other, "Imunisasi")
    shift = factories.shift(stranger, counter, dt.date(2026, 7, 1), "08:00", "12:00")
    pattern = RosterPattern(
        counter=counter, employee=stranger, weekday=1, starts=dt.time(8), ends=dt.time(12)
    )
    session.add(pattern)
    factories.user("admin")
    head = factories.user("kepala", role="unit_head", unit_=other)
    client, _ = api_clients.create(session, "SIMPEG", by="admin")
    # Its own client: the admin's walk revokes the one above.
    _, key = api_clients.create(session, "Fuzz", by="admin")
    action = FollowUpAction(
        unit_id=other.id,
        period="2026-07",
        unsur="U9",
        action="Tambah kursi",
        owner="Kasubag",
        due=dt.date(2026, 8, 31),
        created_by="admin",
    )
    session.add(action)
    session.commit()
    factories.respond(
        feedback.target_for(session, other, counter=counter),
        {"U1": 4},
        at=dt.datetime(2026, 7, 10, 3, 0),
    )
    survey = factories.survey_path(counter)
    return {
        "ids": {
            "unit_id": other.id,
            "counter_id": counter.id,
            "client_id": client.id,
            "employee_id": stranger.id,
            "service_type_id": service.id,
            "user_id": head.id,
            "shift_id": shift.id,
            "pattern_id": pattern.id,
            "action_id": action.id,
        },
        "token": survey.rsplit("/", 1)[1],
        "nip": stranger.nip,
        "key": key,
    }


# -- helpers ------------------------------------------------------------------------


def rules(app, *, taken: bool = True) -> list[tuple[str, str]]:
    """Return (rule, method) for every rule of the URL map and every method it takes
    (``taken``), or every method it does not take."""
    found = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"OPTIONS"} if taken else METHODS - rule.methods
        found += [(rule.rule, method) for method in methods]
    return sorted(found)


def valid_value(world: dict, rule: str, converter: str | None, args: str | None, name: str):
    """Return a value for one converter that reaches the view (a real id, a real token)."""
    if converter == "any":
        return args.split(",")[0].strip()
    if name in world["ids"]:
        return str(world["ids"][name])
    if name == "token":
        return UPLOAD_TOKEN if "impor" in rule else world["token"]
    if name == "nip":
        return world["nip"]
    if name == "code":
        return "en" if rule.startswith("/bahasa") else "2026-07"
    if name == "filename":
        return "css/app.css"
    return "x"


def build_path(rule: str, fill) -> str:
    """Fill each ``<converter:name>`` of ``rule`` with ``fill(converter, args, name)``."""

    def one(match):
        value = fill(match.group(1), match.group(2), match.group(3))
        return urllib.parse.quote(value, safe="/")

    return CONVERTER.sub(one, rule)


def signed_in(app, username: str | None):
    """Return a client (signed in as ``username`` unless None) and its CSRF token."""
    client = app.test_client()
    if username:
        login(client, username, factories.PASSWORD)
        page = client.get("/admin/api-klien")
    else:
        page = client.get("/masuk")
    return client, hidden_fields(page.get_data(as_text=True)).get("csrf_token", "")


def check(response, what) -> None:
    """Fail unless the response is a deliberate answer: no 5xx, no stack trace."""
    body = response.get_data()
    response.close()
    assert response.status_code < 500, (what, response.status_code, body[:300])
    assert b"Traceback" not in body, what


def responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response))


def control_characters_stored() -> list[tuple[str, str]]:
    """Return (table.column, value) for every stored text holding a control character."""
    db.session.rollback()
    found = []
    for table in Base.metadata.sorted_tables:
        text_columns = [c for c in table.columns if isinstance(c.type, sa.String)]
        if not text_columns:
            continue
        for row in db.session.execute(sa.select(*text_columns)):
            for column, value in zip(text_columns, row, strict=True):
                if isinstance(value, str) and CONTROL.search(value):
                    found.append((f"{table.name}.{column.name}", value[:80]))
    return found


def send(client, method: str, url: str, **kwargs):
    return client.open(url, method=method, **kwargs)


# -- the walk: every rule, every method, valid and hostile converters -----------------

# What a digits-only converter is worth trying with; everything else is no match (404).
HOSTILE_DIGITS = ("0", "2147483648", "99999999999999999999", "9" * 5000)
HOSTILE_QUERY = "?q=%00&hal=99999999999999999999&unit=-1&periode=2026-13&minggu=%FF&dari=x"
# Bodies no browser sends: (content type, body); each form also carries the CSRF token.
BODIES = (
    ("application/json", b'{"name": "a", "confirm": "yes"}'),
    ("text/plain", b"name=a&confirm=yes"),
    ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
    ("application/x-www-form-urlencoded", b"name=%FF%FE%00&comment=%C3%28&%00=1&confirm=yes"),
    ("application/x-www-form-urlencoded", b"name=a%00b&unit=99999999999999999999&day=2026-13-45"),
    ("application/x-www-form-urlencoded", b"population=-1e999&employee=" + b"9" * 5000),
    ("application/x-www-form-urlencoded", b"comment=" + b"x" * 70_000),
)


def walk_paths(world, rule: str) -> list[str]:
    """Return ``rule`` with valid converter values, then with each hostile one."""
    paths = [build_path(rule, lambda c, a, n: valid_value(world, rule, c, a, n))]
    for converter, _, _ in CONVERTER.findall(rule):
        values = HOSTILE_DIGITS if converter == "int" else HOSTILE
        paths += [build_path(rule, lambda c, a, n, v=value: v) for value in values]
        break  # one converter at a time is enough: the first refused ends the match
    return paths


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_route_with_every_method_and_hostile_ids_never_fails(app, world, role):
    client, token = signed_in(app, None if role == "anonymous" else "admin")
    before = responses()
    for rule, method in rules(app):
        if rule == "/keluar" and role == "admin":
            continue  # signing out here would make the rest of the walk anonymous
        valid, *hostile = walk_paths(world, rule)
        # The API's views run for a key and a period: give them, so hostile values reach them.
        api = rule.startswith("/api/")
        key = {"Authorization": f"Bearer {world['key']}"} if api else {}
        query = "?period=2026-07" if api else ""
        for url in (valid + query, valid + HOSTILE_QUERY, *(path + query for path in hostile)):
            data = {"csrf_token": token, "name": "a\x00b"} if method in BODY_METHODS else None
            check(send(client, method, url, data=data, headers=key), (role, method, url))
        if method not in BODY_METHODS:
            continue
        for content_type, body in BODIES:
            body = body + b"&csrf_token=" + token.encode()
            response = send(client, method, valid, data=body, content_type=content_type)
            check(response, (role, method, valid, content_type, body[:60]))
    for rule, method in rules(app, taken=False):
        url = build_path(rule, lambda c, a, n, r=rule: valid_value(world, r, c, a, n))
        check(send(client, method, url, json={"csrf_token": token}), (role, method, url))
    assert responses() == before
    assert control_characters_stored() == []


# -- hypothesis: malformed requests ---------------------------------------------------

text = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(["2026-07", "2026-13", "2026", "2026-07-06", "12:00", "yes", "1", "done"]),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=10),
    st.integers(min_value=2**31 - 2, max_value=2**70).map(str),
    st.integers(min_value=-(2**31), max_value=2**31).map(str),
)
raw_bytes = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xff\xfe\x00", b"\xc3\x28", b"%ff%fe%00", b"\xed\xa0\x80", b"a=%\x00"]),
)
# Any subset of the names the portal reads, each with a hostile value.
fields = st.fixed_dictionaries({}, optional={name: text for name in NAMES})


def _urlencode(pairs: dict, extra: bytes = b"") -> bytes:
    body = urllib.parse.urlencode(pairs, errors="surrogatepass").encode()
    return body + (b"&" + extra if extra else b"")


@st.composite
def malformed(draw, routes, world):
    """Draw (method, url, body, headers): a route, its converters valid or hostile, a
    query string and a form of hostile fields, or a body of random bytes."""
    rule, method = draw(st.sampled_from(routes))
    valid = draw(st.booleans())

    def fill(converter, args, name):
        if valid or draw(st.booleans()):
            return valid_value(world, rule, converter, args, name)
        return draw(text)

    url = build_path(rule, fill)
    query = draw(fields)
    if query:
        url += "?" + urllib.parse.urlencode(query, errors="surrogatepass")
    headers = {}
    if draw(st.booleans()):
        headers["Accept"] = draw(st.sampled_from(["application/json", "*/*", "\x00", "text/*;q=x"]))
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(st.sampled_from(["en", "xx-ZZ", "en;q=abc", "\x7f"]))
    if rule.startswith("/api/") and draw(st.booleans()):
        headers["Authorization"] = f"Bearer {world['key']}"
    kind = draw(st.sampled_from(["form", "form", "form", "bytes", "huge", "none"]))
    if kind == "none":
        return method, url, None, headers
    form = draw(fields)
    if draw(st.integers(0, 3)):  # mostly past the CSRF check, to reach the view
        form["csrf_token"] = world["csrf"]
    if kind == "form":
        body = _urlencode(form, draw(raw_bytes))
        content_type = draw(st.sampled_from(CONTENT_TYPES[:1] * 4 + CONTENT_TYPES))
    elif kind == "huge":
        body = _urlencode({**form, "comment": "x" * 70_000})
        content_type = CONTENT_TYPES[0]
    else:
        body, content_type = draw(raw_bytes), draw(st.sampled_from(CONTENT_TYPES))
    return method, url, body, {**headers, "Content-Type": content_type}


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_malformed_requests_never_fail_nor_store_a_response(app, world, role):
    client, world["csrf"] = signed_in(app, None if role == "anonymous" else "admin")
    # Bodies matter where a form is posted: those routes are drawn three times as often.
    # The report's PDF reads its query as the report page does, at a hundred times the
    # cost (WeasyPrint): the walk calls it, the examples call the page.
    routes = [
        r
        for r in rules(app)
        if r[0] != "/dasbor/laporan.pdf" and not (r[0] == "/keluar" and role == "admin")
    ]
    routes += [r for r in routes if r[1] in BODY_METHODS] * 2
    before = responses()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=ALL)
    @given(request=malformed(routes, world))
    def one(request):
        method, url, body, headers = request
        check(send(client, method, url, data=body, headers=headers), (method, url, headers))
        assert responses() == before, (method, url, body)

    one()
    assert control_characters_stored() == []
    if role == "admin":
        assert client.get("/admin/").status_code == 200, "the admin was signed out mid-way"


# -- the survey: valid submissions with hostile text ----------------------------------


def test_survey_answers_with_control_characters_store_clean_text_or_nothing(app, world):
    client = app.test_client()
    url = f"/s/{world['token']}"

    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        comment=st.one_of(text, st.text(max_size=300)),
        extra=st.lists(st.tuples(st.sampled_from(NAMES), text), max_size=3),
        as_json=st.booleans(),
    )
    def one(comment, extra, as_json):
        page = client.get(url)
        fields = hidden_fields(page.get_data(as_text=True))
        fields["submission_id"] = str(uuid.uuid4())
        data = [*fields.items(), *((f"U{n}", "3") for n in range(1, 10)), ("comment", comment)]
        headers = {"Accept": "application/json"} if as_json else {}
        response = client.post(url, data=MultiDict([*data, *extra]), headers=headers)
        check(response, comment)

    one()
    assert control_characters_stored() == []

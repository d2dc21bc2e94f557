"""Scenarios through the real HTTP stack: a portal served on loopback, phones that speak
HTTP with their own cookies, and databases whose commits are real (``live_app``)."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import threading
import types
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import limits.storage.memory
import limits.strategies
import pytest
from werkzeug.serving import make_server

from portal.extensions import db
from portal.services import feedback

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')


@dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def hidden(self) -> dict[str, str]:
        """Return the hidden fields of the page's forms (the last one of each name)."""
        fields = {}
        for tag in HIDDEN.findall(self.text):
            name, value = NAME.search(tag), VALUE.search(tag)
            if name:
                fields[name.group(1)] = value.group(1).replace("&amp;", "&") if value else ""
        return fields


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Phone:
    """One citizen's phone: its own cookies (session, device), plain HTTP."""

    def __init__(self, base_url: str, language: str = "id", address: str | None = None):
        self.base_url = base_url
        # The client address a proxy in front reports (X-Forwarded-For), if any.
        self.address = address
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )
        self.language = language

    def request(self, method: str, path: str, data: dict | None = None, *, json=False) -> Answer:
        headers = {"Accept-Language": self.language}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if json:
            headers["Accept"] = "application/json"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, body, headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict, *, json=False) -> Answer:
        return self.request("POST", path, data, json=json)

    def log_in(self, username: str, password: str) -> Answer:
        page = self.get("/masuk")
        return self.post("/masuk", {**page.hidden(), "username": username, "password": password})

    def answer(self, path: str, answers: dict, *, page: Answer | None = None, **extra) -> Answer:
        """Open the survey (unless ``page`` was opened already) and send it back."""
        page = page or self.get(path)
        assert page.status == 200, page.status
        return self.post(path, {**page.hidden(), **answers, **extra})


class Clock:
    """The portal's clock and the limits' clock as one, moved by the test.

    Survey pages sign the moment they were opened and responses are judged by how long
    after that they arrive, so a scenario that spans a morning moves this clock instead
    of waiting. Starts on a Monday, 07:30 in Jakarta.
    """

    START = dt.datetime(2026, 6, 1, 0, 30)  # naive UTC

    def __init__(self):
        self.now = self.START

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)

    def utc(self) -> dt.datetime:
        return self.now

    def epoch(self) -> float:
        return (self.now - dt.datetime(1970, 1, 1)).total_seconds()


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    fake_time = types.SimpleNamespace(time=found.epoch, sleep=lambda seconds: None)
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    monkeypatch.setattr(limits.strategies, "time", fake_time)
    monkeypatch.setattr(feedback, "utcnow", found.utc)
    return found


@pytest.fixture
def served(live_app):
    """Yield the base URL of ``live_app`` served on loopback by a threaded server."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        db.session.remove()


@pytest.fixture
def phone(served):
    return Phone(served)

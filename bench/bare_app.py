"""The baseline for bench/load.py: the least a survey endpoint can do.

GET returns a small form with a submission id; POST writes one row with one INSERT and
answers 303, as the portal does. No CSRF, no sessions, no rate limit, no translation,
no attribution, no rollups. It runs under the same gunicorn.conf.py as the portal:

    BARE_DATABASE_URL=sqlite:////tmp/bare.sqlite3 gunicorn -c gunicorn.conf.py bench.bare_app:app
"""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa
from flask import Flask, redirect, request

from portal import database  # noqa: F401  (the same SQLite pragmas as the portal: WAL etc.)

metadata = sa.MetaData()
ITEMS = [f"u{n}" for n in range(1, 10)]
bare_response = sa.Table(
    "bare_response",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("submitted_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    *(sa.Column(item, sa.SmallInteger) for item in ITEMS),
    sa.Column("comment", sa.Text),
)

PAGE = """<!doctype html><html lang="id"><meta charset="utf-8"><title>Survei</title>
<form method="post"><input type="hidden" name="submission_id" value="{id}">
{radios}<button>Kirim</button></form></html>"""
RADIOS = "".join(
    f"<fieldset><legend>U{n}</legend>"
    + "".join(f'<input type="radio" name="U{n}" value="{v}">' for v in range(1, 5))
    + "</fieldset>"
    for n in range(1, 10)
)


def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(url or os.environ["BARE_DATABASE_URL"])

    @app.route("/s/<token>", methods=["GET", "POST"])
    def survey(token: str):
        if request.method == "GET":
            return PAGE.format(id=uuid.uuid4(), radios=RADIOS)
        row = {item: request.form.get(item.upper(), type=int) for item in ITEMS}
        with engine.begin() as conn:
            conn.execute(
                bare_response.insert().values(
                    id=uuid.UUID(request.form["submission_id"]),
                    comment=request.form.get("comment"),
                    **row,
                )
            )
        return redirect(f"/s/{token}/terima-kasih", code=303)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


app = create_app() if "BARE_DATABASE_URL" in os.environ else None

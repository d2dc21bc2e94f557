"""The home page: what this portal is, and where staff log in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)

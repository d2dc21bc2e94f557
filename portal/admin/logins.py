"""The login log for administrators: every staff login attempt, newest first."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l

from portal.admin.views import bp
from portal.extensions import db
from portal.models import LoginOutcome
from portal.services import logins

OUTCOME_LABELS = {
    LoginOutcome.SUCCESS: _l("berhasil"),
    LoginOutcome.WRONG_PASSWORD: _l("kata sandi salah"),
    LoginOutcome.UNKNOWN_ACCOUNT: _l("akun tidak dikenal"),
    LoginOutcome.LOCKED: _l("dikunci sementara"),
    LoginOutcome.INACTIVE: _l("akun nonaktif"),
}


@bp.get("/log-masuk")
def logins_page():
    filters = logins.Filters(
        account=request.args.get("akun", "").strip()[:80],
        outcome=request.args.get("hasil", "").strip()[:20],
    )
    page = logins.search(
        db.session,
        current_app.config["CLIENT_HASH_SECRET"],
        filters,
        page=request.args.get("hal", 1, type=int),
    )
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "admin/logins.html", filters=filters, page=page, outcomes=OUTCOME_LABELS, args=args
    )

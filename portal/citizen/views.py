"""GET and POST /s/<token>: the survey a QR code opens, and its thank-you page."""

from __future__ import annotations

import re
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from portal import tokens
from portal.citizen import fragments
from portal.citizen.forms import build_survey_form
from portal.errors import render_error
from portal.extensions import csrf, db, limiter
from portal.i18n import current_language
from portal.services import feedback

bp = Blueprint("citizen", __name__, url_prefix="/s")
# The survey form carries its own CSRF field, checked by the form, so that an expired
# token re-renders the form with the citizen's answers instead of a bare error page.
csrf.exempt(bp)

RECEIPT = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}$")
LAST_RECEIPT = "last_receipt"


def _target_or_error(token: str):
    try:
        max_age = current_app.config["DIRECTORY_REFRESH_MS"] / 1000
        return feedback.resolve(db.session, tokens.read(token), max_age=max_age), None
    except feedback.LinkRevoked:
        return None, render_error(410)
    except feedback.LinkNotFound:
        return None, render_error(
            404,
            title=_l("Survei tidak ditemukan"),
            message=_l(
                "Kode QR atau tautan survei ini tidak dikenal. Pindai ulang kode QR di loket."
            ),
        )


def _submit_limit() -> str:
    return current_app.config["SURVEY_SUBMIT_LIMIT"]


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
def survey(token: str):
    target, error = _target_or_error(token)
    if error:
        return error
    language = current_language()
    comment_max = current_app.config["COMMENT_MAX_LENGTH"]

    def make_form():
        return build_survey_form(
            target.instrument, language, target.service_types, comment_max=comment_max
        )

    # A blank questionnaire comes from the fragment cache, so a GET needs no form object:
    # building one binds every field, which costs more than the rest of the page.
    form = make_form() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        client = feedback.client_hash(
            current_app.config["SECRET_KEY"],
            request.remote_addr or "",
            request.user_agent.string,
        )
        receipt = feedback.submit(
            db.session, target, form.submission(language=language, client_hash=client)
        )
        # Only this browser learns how its own answers came out; the URL carries no score.
        session[LAST_RECEIPT] = {"code": receipt.code, "dissatisfied": receipt.dissatisfied}
        thanks_url = url_for(".thanks", token=token, kode=receipt.code)
        if request.accept_mimetypes.best == "application/json":
            # survey.js submitted in the background; it navigates itself, so following
            # a redirect would fetch the thank-you page twice over a slow network.
            return jsonify(receipt=receipt.code, next=thanks_url)
        return redirect(thanks_url, code=303)
    serving, _ = feedback.serving(db.session, target)

    def render(csrf_token: str, submission_id: str) -> str:
        return render_template(
            "citizen/survey.html",
            form=form,
            target=target,
            serving=serving,
            questions=fragments.questions(form, target, language, comment_max, make_form),
            csrf_value=csrf_token,
            submission_id=submission_id,
        )

    if form is not None:
        return render(generate_csrf(), form.submission_id.data), 422
    if request.query_string:
        # Shown in the language links; each variant would be another kept copy.
        return render(generate_csrf(), str(uuid.uuid4()))
    # The page shows the loket and unit (named by the path and the directory stamp),
    # the language and who is on duty; nothing else about the visitor.
    key = (request.path, language, target.stamp, serving)
    return fragments.blank_page(key, render, generate_csrf(), str(uuid.uuid4()))


@bp.get("/<token>/terima-kasih")
def thanks(token: str):
    target, error = _target_or_error(token)
    if error:
        return error
    code = request.args.get("kode", "")
    if not RECEIPT.match(code):
        abort(404)
    last = session.get(LAST_RECEIPT) or {}
    default = feedback.ComplaintChannel(
        current_app.config["COMPLAINT_NAME"], current_app.config["COMPLAINT_URL"]
    )
    return render_template(
        "citizen/thanks.html",
        target=target,
        receipt=code,
        dissatisfied=last.get("code") == code and last.get("dissatisfied", False),
        complaint=feedback.complaint_channel(target, default),
    )

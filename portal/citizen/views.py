"""GET and POST /s/<token>: the survey a QR code opens, and its thank-you page.

A citizen's answers are never dropped on the floor: until the server has stored them or
refused them for good (422, with the reasons shown), every answer to a POST gives them
back. A database that is locked, stalled or down answers 503 and a limit answers 429,
each with ``Retry-After`` and the form re-shown with the answers in it (no JavaScript
needed); ``static/js/survey.js`` also keeps them on the device and retries.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import time
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from portal import clients, database, openings, tokens
from portal.citizen import device, fragments, limits
from portal.citizen.forms import build_survey_form
from portal.database import UNAVAILABLE
from portal.errors import render_error
from portal.extensions import csrf, db, limiter
from portal.i18n import current_language
from portal.services import feedback

bp = Blueprint("citizen", __name__, url_prefix="/s")
log = logging.getLogger(__name__)
# The survey form carries its own CSRF field, checked by the form, so that an expired
# token re-renders the form with the citizen's answers instead of a bare error page.
csrf.exempt(bp)

RECEIPT = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}$")
LAST_RECEIPT = "last_receipt"
# What a survey form posts; the only fields a kept-answers page carries back.
FORM_FIELDS = re.compile(
    r"^(csrf_token|submission_id|opened|U[1-9]|service_type|sex|age|education|occupation|comment)$"
)


def _not_found():
    return render_error(
        404,
        title=_l("Survei tidak ditemukan"),
        message=_l("Kode QR atau tautan survei ini tidak dikenal. Pindai ulang kode QR di loket."),
    )


def _target(token: str):
    """Return the survey target of ``token`` (kept in ``g``), or raise LinkNotFound/Revoked."""
    max_age = current_app.config["DIRECTORY_REFRESH_MS"] / 1000
    g.survey_target = feedback.resolve(db.session, tokens.read(token), max_age=max_age)
    return g.survey_target


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _form(target):
    return build_survey_form(
        target.instrument,
        current_language(),
        target.service_types,
        comment_max=current_app.config["COMMENT_MAX_LENGTH"],
    )


def _render(target, form, *, serving=None, opened="", submission_id=None, notice=None):
    """Render the survey page: blank (``form`` None) or as posted, with its errors."""
    language = current_language()
    comment_max = current_app.config["COMMENT_MAX_LENGTH"]
    return render_template(
        "citizen/survey.html",
        form=form,
        target=target,
        serving=serving,
        questions=fragments.questions(form, target, language, comment_max, lambda: _form(target)),
        csrf_value=generate_csrf(),
        submission_id=submission_id or (form.submission_id.data if form else "") or "",
        opened=opened,
        notice=notice,
    )


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(limits.device_limit, key_func=limits.device_at_counter, scope="survey-device")
@limiter.limit(limits.counter_limit, key_func=limits.counter, scope="survey-counter")
@limiter.limit(limits.address_limit, key_func=limits.address, scope="survey-address")
def survey(token: str):
    try:
        target = _target(token)
    except feedback.LinkRevoked:
        return render_error(410)
    except feedback.LinkNotFound:
        return _not_found()
    if request.method == "GET":
        return _blank_page(token, target)
    form = _form(target)
    if not form.validate_on_submit():
        if not form.submission_id.errors:
            # Everything but the answers was intact: keep the id, so a corrected form
            # sent twice still stores once.
            return _render(target, form, opened=form.opened.data), 422
        # No usable id: the citizen may send again from this page, under a new one.
        return _render(target, form, opened=form.opened.data, submission_id=str(uuid.uuid4())), 422
    claim = tokens.read(token)
    record = openings.read(form.opened.data, claim)
    language = current_language()
    client = clients.client_hash(request.remote_addr, request.user_agent.string)
    # The browser's device: its cookie, else the id its page was given (cookies refused).
    device_id = device.from_cookie() or (
        record.device if record and device.is_valid(record.device) else None
    )
    receipt = feedback.submit(
        db.session,
        target,
        form.submission(
            language=language,
            client_hash=client,
            device_hash=clients.device_hash(device_id) if device_id else None,
            opening=record.opening if record else None,
        ),
        window=dt.timedelta(minutes=current_app.config["SERVICE_TIME_WINDOW_MINUTES"]),
        rules=current_app.config["INTEGRITY_RULES"],
    )
    db.session.commit()
    # Only this browser learns how its own answers came out; the URL carries no score.
    session[LAST_RECEIPT] = {"code": receipt.code, "dissatisfied": receipt.dissatisfied}
    thanks_url = url_for(".thanks", token=token, kode=receipt.code)
    if _wants_json():
        # survey.js submitted in the background; it navigates itself, so following
        # a redirect would fetch the thank-you page twice over a slow network.
        return jsonify(receipt=receipt.code, next=thanks_url)
    return redirect(thanks_url, code=303)


def _blank_page(token: str, target):
    """Render a blank survey with this visit's submission id and signed opening record."""
    page = feedback.open_page(db.session, target)
    serving = page.serving
    opened = openings.sign(
        tokens.read(token), page.opened_at, serving.id if serving else None, device.current()
    )
    html = _render(target, None, serving=serving, opened=opened, submission_id=str(uuid.uuid4()))
    return device.remember(current_app.make_response(html))


@bp.get("/<token>/terima-kasih")
def thanks(token: str):
    try:
        target = _target(token)
    except feedback.LinkRevoked:
        return render_error(410)
    except feedback.LinkNotFound:
        return _not_found()
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


# -- keeping the answers when the server cannot take them now -------------------------

NOTICES = {
    429: _l(
        "Terlalu banyak penilaian dikirim dari perangkat ini atau untuk loket ini dalam "
        "waktu singkat. Jawaban Anda belum tersimpan tetapi masih ada di bawah; kirim lagi "
        "setelah %(seconds)s detik."
    ),
    503: _l(
        "Layanan sedang gangguan sehingga jawaban Anda belum tersimpan. Jawaban Anda masih "
        "ada di bawah; kirim lagi setelah %(seconds)s detik."
    ),
}


def _retry_after_limit() -> int:
    """Return the seconds until the limit that was hit lets this client through again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _keep_answers(status: int, seconds: int):
    """Answer a POST the server could not take now, giving the citizen their answers back."""
    database.reset(db.session)
    headers = {"Retry-After": str(seconds)}
    if request.method != "POST":
        return (*render_error(status), headers)
    if _wants_json():
        return jsonify(kept=True, retry_after=seconds), status, headers
    notice = NOTICES[status] % {"seconds": seconds}
    target = g.get("survey_target")
    if target is None:
        try:
            target = _target(request.view_args.get("token", ""))
        except (feedback.LinkNotFound, feedback.LinkRevoked, *UNAVAILABLE):
            database.reset(db.session)
    if target is not None:
        try:
            form = _form(target)
            page = _render(target, form, opened=form.opened.data, notice=notice)
            return page, status, headers
        except UNAVAILABLE:
            database.reset(db.session)
    # Without the directory (the database is down) the questions cannot be drawn; the
    # answers go back as a form of hidden fields that sends them again as they were.
    fields = [
        (name, value[:2000])
        for name, value in request.form.items(multi=False)
        if FORM_FIELDS.match(name)
    ]
    page = render_template("citizen/kept.html", fields=fields, notice=notice, status=status)
    return page, status, headers


@bp.errorhandler(429)
def too_many_submissions(error):
    # The limit's own text ("5 per 1 hour") says which of the three refused; no key.
    log.info("Survey submission kept: limit reached: %s", error.description)
    return _keep_answers(429, _retry_after_limit())


def _database_unavailable(error):
    log.warning("Survey submission kept: database unavailable: %s", error.__class__.__name__)
    return _keep_answers(503, current_app.config["RETRY_AFTER_SECONDS"])


for _unavailable in UNAVAILABLE:
    bp.register_error_handler(_unavailable, _database_unavailable)

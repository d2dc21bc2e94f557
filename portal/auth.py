"""Staff login and logout, and the role checks each blueprint applies."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal import clients, sessions
from portal.citizen import device
from portal.errors import render_error
from portal.extensions import db, limiter
from portal.models import Role
from portal.navigation import safe_next
from portal.services import accounts, health, integrity, logins
from portal.services.viewer import Viewer
from surveys.passwords import MINIMUM_LENGTH, WeakPassword

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    username = StringField(
        _l("Nama pengguna"),
        validators=[DataRequired(message=_l("Isi nama pengguna.")), Length(max=80)],
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(message=_l("Isi kata sandi.")), Length(max=200)],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Kata sandi sekarang"),
        validators=[DataRequired(message=_l("Isi kata sandi sekarang.")), Length(max=200)],
    )
    new = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(message=_l("Isi kata sandi baru.")), Length(max=200)],
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(message=_l("Ulangi kata sandi baru.")),
            EqualTo("new", message=_l("Kedua kata sandi baru tidak sama.")),
        ],
    )


WEAK_PASSWORD = {
    "short": _l("Kata sandi minimal %(n)s karakter.", n=MINIMUM_LENGTH),
    "long": _l("Kata sandi terlalu panjang (maksimal 200 karakter)."),
    "common": _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
    "username": _l("Kata sandi tidak boleh memuat nama pengguna."),
    "same": _l("Kata sandi baru harus berbeda dari yang sekarang."),
}


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")

    sessions.init_app(app, manager)

    @manager.user_loader
    def load_user(user_id: str):
        # Also the remember-me cookie's way in: without a login's times, nobody is loaded.
        if not sessions.alive():
            return None
        return accounts.load(db.session, user_id)


def home_for(user) -> str:
    if user.role == Role.ADMIN:
        return url_for("admin.index")
    if user.role == Role.EMPLOYEE:
        return url_for("dashboard.mine")
    return url_for("dashboard.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def login_throttle() -> logins.Throttle:
    """The per-account lockout, counting in the rate limiter's storage (none when limits
    are switched off)."""
    config = current_app.config
    return logins.Throttle.of(
        limiter.storage if limiter.enabled else None,
        config["LOGIN_ACCOUNT_LIMIT"],
        config["LOGIN_LOCKOUT_MINUTES"],
        prefix=config["RATELIMIT_KEY_PREFIX"],
    )


def client_key() -> str:
    """A keyed hash of the client (address and browser), as surveys record it."""
    return clients.client_hash(request.remote_addr, request.user_agent.string)


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "POST" and not health.rate_limit_storage(limiter).ok:
        # Without the shared limit store nothing bounds password guessing across
        # processes, so logins wait for it to come back (citizens' surveys do not).
        log.error("Login refused: the rate-limit storage is unavailable.")
        return render_error(
            503,
            title=_l("Masuk sementara tidak tersedia"),
            message=_l("Layanan masuk petugas sedang gangguan. Coba lagi beberapa menit lagi."),
        )
    if form.validate_on_submit():
        throttle = login_throttle()
        attempt = logins.log_in(
            db.session,
            throttle,
            form.username.data,
            form.password.data,
            secret=current_app.config["CLIENT_HASH_SECRET"],
            client=client_key(),
        )
        db.session.commit()
        user = attempt.user
        if user is not None:
            sessions.start(user)
            _remember_staff_device(user)
            db.session.commit()
            if user.must_change_password:
                return device.remember(redirect(url_for("auth.change_password")))
            return device.remember(redirect(safe_next(request.args.get("next")) or home_for(user)))
        if attempt.locked:
            # The same words for every name, real or not: a lockout reveals no account.
            flash(
                _l(
                    "Terlalu banyak percobaan masuk yang gagal dengan nama pengguna ini. "
                    "Coba lagi dalam %(n)s menit.",
                    n=throttle.minutes,
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        flash(_l("Nama pengguna atau kata sandi salah."), "error")
    return render_template("auth/login.html", form=form)


def _remember_staff_device(user) -> None:
    """Mark this browser as a staff device: surveys answered from it are flagged."""
    device_id = device.renew()
    integrity.remember_staff_device(db.session, user.id, clients.device_hash(device_id))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
def change_password():
    """Every user changes their own password; a temporary one must be changed first."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, form.current.data, form.new.data)
        except accounts.WrongPassword:
            db.session.rollback()
            form.current.errors.append(_l("Kata sandi sekarang salah."))
        except WeakPassword as weak:
            db.session.rollback()
            form.new.errors.append(WEAK_PASSWORD[weak.reason])
        else:
            db.session.commit()
            # The change ended every session of this user; this one continues, renewed.
            user = current_user._get_current_object()
            login_user(user)
            flash(_l("Kata sandi diganti. Sesi di perangkat lain sudah diakhiri."))
            return redirect(home_for(user))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form, minimum_length=MINIMUM_LENGTH), status


@bp.post("/keluar")
def logout():
    """Log out, ending this user's sessions on every device (a cookie copied before the
    logout no longer opens anything)."""
    if current_user.is_authenticated:
        accounts.end_sessions(db.session, current_user._get_current_object())
        db.session.commit()
    sessions.end()
    return redirect(url_for("public.home"))


def current_viewer() -> Viewer:
    """Return the logged-in user as the viewer that reading services scope by."""
    return Viewer.of(current_user, current_app.config["REPORT_POLICY"])


def require_roles(*roles: str):
    """Return a before_request hook admitting only logged-in users with one of ``roles``."""

    def check():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if current_user.role not in roles:
            abort(403)
        return None

    return check

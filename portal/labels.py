"""Translated names for codes the database stores, shared by every page that prints them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import ActionStatus

ACTION_STATUS = {
    ActionStatus.PLANNED: _l("direncanakan"),
    ActionStatus.IN_PROGRESS: _l("sedang berjalan"),
    ActionStatus.DONE: _l("selesai"),
}

OCCUPATION = {
    "PNS": _l("PNS"),
    "TNI": _l("TNI"),
    "POLRI": _l("POLRI"),
    "Swasta": _l("Pegawai swasta"),
    "Wirausaha": _l("Wirausaha"),
    "Pelajar": _l("Pelajar/Mahasiswa"),
    "Lainnya": _l("Lainnya"),
}
SEX = {"L": _l("Laki-laki"), "P": _l("Perempuan")}


def init_app(app) -> None:
    """Let every template name a stored profile code in the reader's language."""
    app.jinja_env.globals["profile_label"] = profile_label


def profile_label(dimension: str, value: str) -> str:
    """Return the reader's name for a respondent-profile code ("" means not stated)."""
    if not value:
        return _l("tidak diisi")
    if value == "*":
        return _l("lainnya (di luar pilihan formulir)")
    names = {"sex": SEX, "occupation": OCCUPATION}.get(dimension, {})
    return names.get(value, value)

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

# Why an integrity rule flagged a response (surveys.integrity), as a reviewer reads it.
FLAG = {
    "device_repeat": _l("perangkat yang sama sudah menilai loket ini"),
    "burst": _l("lonjakan penilaian di loket ini, melebihi laju pelayanan"),
    "outside_hours": _l("dibuka di luar jam layanan"),
    "too_fast": _l("dijawab terlalu cepat"),
    "staff_device": _l("dari perangkat yang pernah dipakai masuk sebagai petugas"),
    "self_rating": _l("pegawai menilai dirinya sendiri"),
}
REVIEW = {
    None: _l("belum ditinjau"),
    "confirmed": _l("dipastikan tidak sah"),
    "cleared": _l("dinyatakan sah"),
}


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

"""Translated names for codes the database stores, shared by every page that prints them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import ActionStatus

ACTION_STATUS = {
    ActionStatus.PLANNED: _l("direncanakan"),
    ActionStatus.IN_PROGRESS: _l("sedang berjalan"),
    ActionStatus.DONE: _l("selesai"),
}

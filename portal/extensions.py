"""Extension objects, created unbound and wired by ``create_app``."""

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from portal import clients
from portal.models.base import Base


def client_address() -> str:
    """Return a keyed hash of the client's address: the key rate limits are counted under.

    The counts live in Redis for up to an hour; a hash lets them tell addresses apart
    without Redis ever holding a citizen's IP address (UU 27/2022).
    """
    return clients.keyed_hash("rate-limit", request.remote_addr or "unknown", length=24)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address)
login_manager = LoginManager()
babel = Babel()
compress = Compress()


@limiter.request_filter
def _page_views_are_not_limited() -> bool:
    """Only form submissions and API calls carry limits; a page view skips the lookup.

    Flask-Limiter otherwise resolves every route's limits on every request, which on a
    survey page view costs more than reading the directory does.
    """
    return request.method in ("GET", "HEAD") and request.blueprint != "api"

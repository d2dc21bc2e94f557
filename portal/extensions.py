"""Extension objects, created unbound and wired by ``create_app``."""

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from portal.models.base import Base


def client_address() -> str:
    """Return the client's address for rate limiting; it is never stored."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address)
login_manager = LoginManager()
babel = Babel()
compress = Compress()

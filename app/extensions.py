"""Every extension singleton, created unbound and wired in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

from app.db import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
# threading explicitly: gevent anywhere in the venv would silently switch the mode (DESIGN.md).
socketio = SocketIO(async_mode="threading")

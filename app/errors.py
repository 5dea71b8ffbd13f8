"""Validation errors and answering errors as HTML or JSON, whichever the client wants."""

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

# The database can't be reached (down, restarting, refusing connections, pool exhausted, locked).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
UNAVAILABLE_MESSAGE = "Rollcall can't reach its database just now. Please try again in a minute."
RETRY_AFTER_SECONDS = 30


class ValidationError(Exception):
    """Raised by services: a message for each field that was wrong.

    Subclasses may name their own `code` and add `details` (more keys in the API's error object).
    """

    code = "validation_failed"

    def __init__(self, fields: dict[str, str], message: str = "Please correct the highlighted fields."):
        super().__init__(message)
        self.fields = fields
        self.message = message

    @property
    def details(self) -> dict:
        """Extra keys for the API's error object (none by default)."""
        return {}


class PermissionDenied(Exception):
    """Raised by services when the acting person may not do this."""

    def __init__(self, message: str = "You don't have permission to do that."):
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    """Raised by services for an item that does not exist or that the person may not see."""

    def __init__(self, message: str = "We couldn't find that."):
        super().__init__(message)
        self.message = message


def wants_json() -> bool:
    """True for the API and for clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, fields: dict | None = None, **details):
    """Answer an error in the client's format (details: more keys for the JSON error object)."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}, **details}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def first_line(exc: BaseException) -> str:
    """An exception's first line (driver errors carry the SQL and a URL after it), for one-line logs."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def unavailable_response():
    """503 while the database is unreachable, without touching the database (no signed-in header)."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        body = {"error": {"code": "database_unavailable", "message": UNAVAILABLE_MESSAGE, "fields": {}}}
        return jsonify(body), 503, headers
    # Straight from the Jinja environment: context processors would ask the database who is signed in.
    html = current_app.jinja_env.get_template("unavailable.html").render(message=UNAVAILABLE_MESSAGE)
    return html, 503, headers


_MESSAGES = {
    400: "That request wasn't understood.",
    401: "Please sign in to continue.",
    403: "You don't have permission to see this.",
    404: "We couldn't find that page.",
    405: "That action isn't allowed here.",
    410: "That link has expired.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged.",
}


def register_error_handlers(app: Flask) -> None:
    """Install handlers for HTTP errors and the service exceptions."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = _MESSAGES.get(status, exc.description or "Error")
        if status == 429 and request.endpoint == "auth.login" and not wants_json():
            # Keep the person on the sign-in form, email kept, with the reason beside it.
            return render_template("auth/login.html", errors={"form": message}, form=request.form), 429
        if status == 400 and exc.description and "CSRF" in exc.description:
            message = "Your form expired. Please go back, reload the page and try again."
        return error_response(status, exc.name.lower().replace(" ", "_"), message)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return error_response(422, exc.code, exc.message, exc.fields, **exc.details)

    @app.errorhandler(PermissionDenied)
    def _denied(exc: PermissionDenied):
        return error_response(403, "forbidden", exc.message)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return error_response(404, "not_found", exc.message)

    def _database_unavailable(exc: Exception):
        # One line, no traceback: an outage would otherwise fill the log with identical stacks.
        app.logger.error("Database unavailable: %s", first_line(exc))
        return unavailable_response()

    for exc_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(exc_class, _database_unavailable)

    if app.testing:
        return  # let tests see the real traceback instead of a friendly page

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        return error_response(500, "server_error", _MESSAGES[500])

"""The database is down: every lost-database error is a 503 in the error shape with Retry-After."""
from flask import current_app, g, request
from sqlalchemy import exc as sa_exc

from backend.db import UNAVAILABLE_ERRORS, close_quietly, is_unavailable

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "De database is even niet bereikbaar. Probeer het over een paar seconden opnieuw."


def handle_database_unavailable(error):
    """A lost or unreachable database: 503 in the error shape with Retry-After, never a 500 or an HTML page.

    The request's session is dropped without a rollback round-trip (its connection is gone); the pool's
    pre-ping finds a fresh connection once the database is back, so the app recovers by itself.
    """
    db = g.pop("db_session", None)
    if db is not None:
        close_quietly(db)
    current_app.logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                               type(error).__name__)
    payload = {"code": 503, "status": "Service Unavailable", "message": UNAVAILABLE_MESSAGE}
    response = current_app.json.response(payload)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def means_unavailable(error) -> bool:
    """Whether a database error means the connection was lost (invalidated, or the session still holds a
    transaction a lost connection rolled back)."""
    return is_unavailable(error) or isinstance(error, sa_exc.PendingRollbackError)


def handle_database_error(error):
    """Any other database error: a 503 when it too means the connection was lost; otherwise it is a bug and
    stays a 500."""
    if means_unavailable(error):
        return handle_database_unavailable(error)
    raise error


def register_database_handler(app) -> None:
    """Answer every lost-database error with `handle_database_unavailable`."""
    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, handle_database_unavailable)
    for error_class in (sa_exc.DBAPIError, sa_exc.PendingRollbackError):
        app.register_error_handler(error_class, handle_database_error)

"""The audit from one place: whatever a service recorded, every answer that shows a client and every refused
attempt of a known user leaves a row. The audit trail itself is not audited again. (`api.py` hooks these in.)"""
import uuid

from flask import g, request
from sqlalchemy import exc as sa_exc

from backend.audit import service as audit
from backend.context import SAFE_METHODS, get_clock
from backend.db import get_session
from backend.outage import handle_database_unavailable, means_unavailable

REFUSALS = (403, 404)
UNAUDITED_PATHS = ("/api/audit",)


def _names_of_request() -> dict:
    """Return the ids a request names in its path and its JSON body (what a refusal was about)."""
    names = {key: str(value) if isinstance(value, uuid.UUID) else value
             for key, value in (request.view_args or {}).items()}
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        names.update({key: body[key] for key in ("client_id", "call_id", "visit_id") if key in body
                      and key not in names})
    return names


def audit_refusal(status: int) -> None:
    """Audit a refused attempt (read or write) by a known user, once per request."""
    actor = g.get("actor")
    if actor is None or status not in REFUSALS or request.path.startswith(UNAUDITED_PATHS):
        return
    rule = request.url_rule.rule if request.url_rule else request.path
    audit.record_refusal(get_session(), actor=actor, action=f"refused {request.method} {rule}",
                         names=_names_of_request(), now=get_clock().now(), status=status)


def audit_client_data(response):
    """Audit every client an answer shows that the request's services did not record (sync, 409 `current`, …)."""
    actor = g.get("actor")
    if (actor is None or response.status_code >= 500 or not response.is_json or response.direct_passthrough
            or not request.path.startswith("/api/") or request.path.startswith(UNAUDITED_PATHS)):
        return response
    action = "response.read" if request.method in SAFE_METHODS else "response.write"
    try:
        audit.record_response(get_session(), actor=actor, action=action, body=response.get_json(silent=True),
                              now=get_clock().now())
    except (sa_exc.DBAPIError, sa_exc.PendingRollbackError) as error:
        # The database went away after the answer was made: no client data leaves without its audit row, and
        # an error here is past Flask's error handlers, so answer the 503 ourselves.
        if means_unavailable(error):
            return handle_database_unavailable(error)
        raise
    return response

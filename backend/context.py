"""What a request knows: its actor, the app's clock, its id and access point (`api.py` and the hooks ask)."""
import uuid

from flask import current_app, g, request

from backend.identity.actor import Actor

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def current_actor() -> Actor:
    """Return the authenticated actor of this request."""
    return g.actor


def get_clock():
    """Return the app's clock (a FixedClock in tests)."""
    return current_app.extensions["clock"]


def request_meta() -> dict:
    """Return the request id and access point, for audit events of anonymous access."""
    return {
        "request_id": g.get("request_id") or str(uuid.uuid4()),
        "client_request_id": g.get("client_request_id"),
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:255] or None,
    }
